"""Areas and responder profiles move to the areas app: their tables (and the profile's
areas table) are renamed to its names here; areas 0001 takes the models over in state."""

from django.db import migrations


class Migration(migrations.Migration):
    # After every other app's migration that rebuilds a table pointing to an area, so
    # that undoing this rename comes first and SQLite's rebuilt tables name the old table.
    dependencies = [
        ("residents", "0009_suspension_and_withdrawal"),
        ("shelters", "0003_operational_records_protect_people"),
        ("evacuation", "0002_verified_dismissed_withdrawn"),
    ]

    operations = [
        migrations.AlterModelTable(name="area", table="areas_area"),
        migrations.AlterModelTable(name="responderprofile", table="areas_responderprofile"),
    ]

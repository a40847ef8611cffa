"""Out-of-shelter reports and pickups now live in the evacuation app (evacuation 0001):
residents forgets them. State only; the tables stay, under evacuation's names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0007_line_friends_and_evacuation_tables"),
        ("evacuation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PickupEvent"),
                migrations.DeleteModel(name="PickupRequest"),
                migrations.DeleteModel(name="OffShelterReport"),
            ],
        ),
    ]

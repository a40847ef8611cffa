"""A shelter's area is areas.Area now (the table was renamed by residents 0010): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("shelters", "0003_operational_records_protect_people"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="shelter",
                    name="area",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="areas.area",
                        verbose_name="地区",
                    ),
                ),
            ],
        ),
    ]

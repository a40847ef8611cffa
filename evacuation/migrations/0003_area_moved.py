"""Reports' and pickups' areas are areas.Area now (the table was renamed by residents 0010): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("evacuation", "0002_verified_dismissed_withdrawn"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="offshelterreport",
                    name="area",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="areas.area",
                        verbose_name="町会",
                    ),
                ),
                migrations.AlterField(
                    model_name="pickuprequest",
                    name="area",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="areas.area",
                        verbose_name="町会",
                    ),
                ),
            ],
        ),
    ]

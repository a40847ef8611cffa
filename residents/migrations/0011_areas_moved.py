"""Areas and responder profiles live in the areas app now: residents' foreign keys point
there and residents forgets the old models. State only; the tables stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0010_areas_tables"),
        ("areas", "0001_initial"),
        ("shelters", "0004_area_moved"),
        ("evacuation", "0003_area_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="responderprofile",
                    name="areas",
                ),
                migrations.AlterField(
                    model_name="resident",
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
                    model_name="registryperson",
                    name="area",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="areas.area",
                        verbose_name="町会",
                    ),
                ),
                migrations.RemoveField(
                    model_name="responderprofile",
                    name="user",
                ),
                migrations.DeleteModel(
                    name="Area",
                ),
                migrations.DeleteModel(
                    name="ResponderProfile",
                ),
            ],
        ),
    ]

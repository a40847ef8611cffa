"""Two moves out of residents, neither losing a row.

- Following / blocked / language of LINE users go to messaging's LineFriend (the data
  is copied, then the Account columns are dropped).
- Out-of-shelter reports and pickups go to the evacuation app: their tables (and the
  report-people table) are renamed to evacuation's names here; evacuation 0001 takes
  the models over in Django's state and residents 0008 forgets them.
"""

from django.db import migrations

BATCH = 2000


def copy_line_friends(apps, schema_editor):
    Account = apps.get_model("residents", "Account")
    LineFriend = apps.get_model("messaging", "LineFriend")
    rows = (
        Account.objects.filter(line_user_id__isnull=False)
        .order_by("pk")
        .values_list("line_user_id", "display_name", "language", "is_following", "blocked_at")
    )
    batch = []
    for user_id, display_name, language, is_following, blocked_at in rows.iterator(BATCH):
        batch.append(
            LineFriend(
                user_id=user_id,
                display_name=display_name,
                language=language,
                is_following=is_following,
                blocked_at=blocked_at,
            )
        )
        if len(batch) >= BATCH:
            LineFriend.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    LineFriend.objects.bulk_create(batch, ignore_conflicts=True)


def copy_line_friends_back(apps, schema_editor):
    Account = apps.get_model("residents", "Account")
    LineFriend = apps.get_model("messaging", "LineFriend")
    for friend in LineFriend.objects.order_by("pk").iterator(BATCH):
        Account.objects.filter(line_user_id=friend.user_id).update(
            language=friend.language,
            is_following=friend.is_following,
            blocked_at=friend.blocked_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0006_resident_match_index"),
        ("messaging", "0003_linefriend"),
    ]

    operations = [
        migrations.RunPython(copy_line_friends, copy_line_friends_back),
        migrations.RemoveField(model_name="account", name="blocked_at"),
        migrations.RemoveField(model_name="account", name="is_following"),
        migrations.RemoveField(model_name="account", name="language"),
        migrations.AlterModelTable(name="offshelterreport", table="evacuation_offshelterreport"),
        migrations.AlterModelTable(name="pickuprequest", table="evacuation_pickuprequest"),
        migrations.AlterModelTable(name="pickupevent", table="evacuation_pickupevent"),
    ]

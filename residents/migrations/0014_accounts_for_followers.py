"""Every LINE follower has an account from now on (residents.registration.
account_for_follower); this gives one to those who followed before."""

from django.db import migrations


def accounts_for_followers(apps, schema_editor) -> None:
    Account = apps.get_model("residents", "Account")
    LineFriend = apps.get_model("messaging", "LineFriend")
    followers = LineFriend.objects.filter(is_following=True, blocked_at__isnull=True)
    known = Account.objects.filter(line_user_id__isnull=False).values("line_user_id")
    missing = followers.exclude(user_id__in=known).values_list("user_id", flat=True)
    Account.objects.bulk_create(
        [Account(line_user_id=user_id) for user_id in missing.iterator()], batch_size=5000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0004_simulator_rate_limits"),
        ("residents", "0013_segment_count"),
    ]

    operations = [migrations.RunPython(accounts_for_followers, migrations.RunPython.noop)]

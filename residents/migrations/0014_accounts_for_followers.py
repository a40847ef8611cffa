"""Every LINE follower has an account from now on (residents.registration.
account_for_follower); this gives one to those who followed before."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def accounts_for_followers(apps, schema_editor) -> None:
    Account = apps.get_model("residents", "Account")
    LineFriend = apps.get_model("messaging", "LineFriend")
    followers = LineFriend.objects.filter(is_following=True, blocked_at__isnull=True)
    # NOT EXISTS, an anti-join: NOT IN over a large list is tested row by row.
    known = Account.objects.filter(line_user_id=OuterRef("user_id"))
    missing = followers.filter(~Exists(known)).values_list("user_id", flat=True)
    Account.objects.bulk_create(
        [Account(line_user_id=user_id) for user_id in missing.iterator()], batch_size=5000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0004_simulator_rate_limits"),
        ("residents", "0013_segment_count"),
    ]

    operations = [migrations.RunPython(accounts_for_followers, migrations.RunPython.noop)]

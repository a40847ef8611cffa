"""Moving reports and pickups out of residents, LINE friendship into messaging, and areas
with responder profiles into their own app keeps every row of a database made before the
moves (residents 0007 / 0008 / 0010 / 0011, evacuation 0001, areas 0001)."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from areas.models import Area, ResponderProfile
from evacuation.models import OffShelterReport, PickupEvent, PickupRequest
from messaging.models import LineFriend
from residents.models import Account, Resident
from shelters.models import Shelter

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("residents", "0006_resident_match_index"),
    ("messaging", "0002_outbox_webhook_simulator"),
    ("shelters", "0002_arrival_follow_up_due"),
]
BLOCKED_AT = timezone.now() - datetime.timedelta(days=2)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def seed_before_the_move(apps) -> dict:
    """What a deployment had: a household reported at home with a claimed pickup."""
    model = apps.get_model
    area = model("residents", "Area").objects.create(
        code="101",
        name="谷地頭町会",
        kana="ヤチガシラチョウカイ",
        center_lat=41.75,
        center_lng=140.71,
    )
    following = model("residents", "Account").objects.create(
        line_user_id="U" + "a" * 32, display_name="函館 花子", language="en", is_following=True
    )
    model("residents", "Account").objects.create(
        line_user_id="U" + "b" * 32, is_following=False, blocked_at=BLOCKED_AT
    )
    model("residents", "Account").objects.create(recovery_code_hash="c" * 64)  # browser only
    resident = model("residents", "Resident").objects.create(name="函館 花子", area=area)
    model("residents", "ResidentLink").objects.create(
        account=following, resident=resident, relation="self"
    )
    report = model("residents", "OffShelterReport").objects.create(
        account=following,
        status="active",
        place="home",
        latitude=41.75,
        longitude=140.71,
        area=area,
        needs=["transport"],
        care=["wheelchair"],
        urgency=2,
        others_count=1,
    )
    report.people.add(resident)
    shelter = model("shelters", "Shelter").objects.create(
        code="S1",
        name="青柳小学校",
        kana="アオヤギショウガッコウ",
        address="函館市青柳町",
        latitude=41.76,
        longitude=140.72,
        capacity=100,
        status="open",
    )
    pickup = model("residents", "PickupRequest").objects.create(
        report=report,
        people_count=2,
        mobility="wheelchair",
        urgency="now",
        destination=shelter,
        latitude=41.75,
        longitude=140.71,
        area=area,
    )
    model("residents", "PickupEvent").objects.create(pickup=pickup, kind="requested")
    content_type = model("contenttypes", "ContentType").objects.get_or_create(
        app_label="residents", model="pickuprequest"
    )[0]
    permission = model("auth", "Permission").objects.get_or_create(
        content_type=content_type, codename="view_pickuprequest", defaults={"name": "見る"}
    )[0]
    group = model("auth", "Group").objects.create(name="本部")
    group.permissions.add(permission)
    volunteer = model("auth", "User").objects.create(username="volunteer")
    profile = model("residents", "ResponderProfile").objects.create(user=volunteer, phone="0138")
    profile.areas.add(area)
    return {
        "report": report.pk,
        "pickup": pickup.pk,
        "resident": resident.pk,
        "area": area.pk,
        "shelter": shelter.pk,
    }


def test_reports_pickups_and_line_friends_survive_the_move():
    ids = seed_before_the_move(migrate(BEFORE))

    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())

    report = OffShelterReport.objects.get(pk=ids["report"])
    assert (report.status, report.needs, report.care) == ("active", ["transport"], ["wheelchair"])
    assert list(report.people.values_list("pk", flat=True)) == [ids["resident"]]
    assert report.account.line_user_id == "U" + "a" * 32
    pickup = PickupRequest.objects.get(pk=ids["pickup"])
    assert (pickup.report_id, pickup.destination.name) == (report.pk, "青柳小学校")
    assert list(PickupEvent.objects.values_list("pickup_id", "kind")) == [(pickup.pk, "requested")]
    # A new row still gets a fresh id after the tables were renamed.
    assert PickupEvent.objects.create(pickup=pickup, kind="note").pk > 0

    friends = {f.user_id: f for f in LineFriend.objects.all()}
    assert set(friends) == {"U" + "a" * 32, "U" + "b" * 32}
    hanako, blocked = friends["U" + "a" * 32], friends["U" + "b" * 32]
    assert (hanako.display_name, hanako.language, hanako.is_following) == ("函館 花子", "en", True)
    assert (blocked.is_following, blocked.blocked_at) == (False, BLOCKED_AT)
    assert Account.objects.count() == 3

    area = Area.objects.get(pk=ids["area"])
    assert (area.code, area.name) == ("101", "谷地頭町会")
    assert report.area == pickup.area == area
    assert Shelter.objects.get(pk=ids["shelter"]).area_id is None
    assert Resident.objects.get(pk=ids["resident"]).area == area
    profile = ResponderProfile.objects.get(user__username="volunteer")
    assert (profile.phone, list(profile.areas.all())) == ("0138", [area])
    assert list(area.responders.all()) == [profile]
    assert Area.objects.create(
        code="102", name="新町会", kana="シンチョウカイ", center_lat=41.7, center_lng=140.7
    ).pk

    # Staff permissions on the moved models follow them.
    view = Permission.objects.get(codename="view_pickuprequest")
    assert view.content_type.app_label == "evacuation"
    assert list(Group.objects.get(name="本部").permissions.all()) == [view]


def test_the_move_can_be_undone_without_losing_a_row():
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    friend = LineFriend.objects.create(user_id="U" + "d" * 32, language="en", is_following=True)
    Account.objects.create(line_user_id=friend.user_id)

    apps = migrate(BEFORE)
    account = apps.get_model("residents", "Account").objects.get(line_user_id=friend.user_id)
    assert (account.language, account.is_following) == ("en", True)
    assert apps.get_model("residents", "OffShelterReport").objects.count() == 0

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert LineFriend.objects.get(user_id=friend.user_id).language == "en"

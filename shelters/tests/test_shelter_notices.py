"""Opening a shelter tells the residents of its area on LINE (name, address, map, what
to bring); filling up tells them the nearest shelters still taking people in. A status
flapping within the debounce window sends nothing twice."""

import datetime

import pytest
from django.utils import timezone

from hakobou.testing.cast import PASSWORD
from messaging import simulator
from messaging.friends import line_friend_blocked, line_friend_followed
from messaging.models import OutboxMessage, SimulatedMessage
from residents.models import Account
from residents.registration import resident_create_manual
from shelters.models import Shelter, ShelterNotice
from shelters.services import CheckEveryoneOut, shelter_set_status
from shelters.tests.factories import ShelterFactory

pytestmark = pytest.mark.django_db(transaction=True)
Status = Shelter.Status


def resident_of(area, *, line: bool = True, name: str = "青柳 花子"):
    """Someone registered as living in ``area``, on LINE (a simulated user) or not."""
    user = simulator.simulated_user_create(display_name=name) if line else None
    account = Account.objects.create(line_user_id=user.user_id if user else None)
    if user:
        line_friend_followed(user_id=user.user_id)
    resident_create_manual(
        account=account,
        relation="self",
        name=name,
        name_kana="アオヤギ ハナコ",
        birth_date=datetime.date(1950, 1, 1),
        address="北海道函館市青柳町",
        area=area,
    )
    return user


def texts(user) -> list[str]:
    return [
        m.message["text"]
        for m in SimulatedMessage.objects.filter(
            user=user, direction=SimulatedMessage.Direction.TO_USER
        )
    ]


def test_opening_tells_the_areas_residents_on_line_and_no_one_else(cast):
    shelter = ShelterFactory(name="青柳小学校 体育館", area=cast.area_a, status=Status.CLOSED)
    neighbour, elsewhere = resident_of(cast.area_a), resident_of(cast.area_b, name="乙 太郎")
    blocked = resident_of(cast.area_a, name="ブロック 済")
    line_friend_blocked(user_id=blocked.user_id)
    resident_of(cast.area_a, line=False, name="ウェブ のみ")
    shelter_set_status(shelter=shelter, status=Status.OPEN, user=cast.staff)
    (text,) = texts(neighbour)
    assert text.startswith(
        "【避難所開設】青柳小学校 体育館 を開設しました。\n住所：北海道函館市青柳町"
    )
    assert "https://maps.gsi.go.jp/#17/41.75970/140.71760/" in text
    assert "持ち物：飲料水" in text and text.endswith("/my/report/")
    assert texts(elsewhere) == [] and texts(blocked) == []
    notice = ShelterNotice.objects.get()
    assert (notice.kind, notice.recipients, notice.triggered_by) == ("opened", 1, cast.staff)


def test_full_names_the_nearest_shelters_still_taking_people(cast):
    full = ShelterFactory(name="満員になる避難所", area=cast.area_a, latitude=41.7597)
    ShelterFactory(name="近い避難所", latitude=41.7687)
    ShelterFactory(name="遠い避難所", latitude=41.7897)
    ShelterFactory(name="閉鎖中の避難所", latitude=41.7600, status=Status.CLOSED)
    ShelterFactory(name="満員の避難所", latitude=41.7601, status=Status.FULL)
    neighbour = resident_of(cast.area_a)
    shelter_set_status(shelter=full, status=Status.FULL, user=cast.staff)
    (text,) = texts(neighbour)
    lines = text.split("\n")
    assert lines[:2] == [
        "【満員】満員になる避難所 は満員になりました。",
        "近くで受け入れている避難所：",
    ]
    assert lines[2].startswith("・近い避難所（約 1.0 km）https://maps.gsi.go.jp/")
    assert lines[3].startswith("・遠い避難所（約 3.3 km）")
    assert "閉鎖中" not in text and "満員の避難所" not in text
    assert lines[-1].endswith("/shelters/")


def test_a_status_flapping_within_the_window_sends_nothing_twice(cast, settings):
    settings.SHELTER_NOTICE_DEBOUNCE_MINUTES = 30
    shelter = ShelterFactory(area=cast.area_a, status=Status.CLOSED)
    neighbour = resident_of(cast.area_a)
    for status in (Status.OPEN, Status.CLOSED, Status.OPEN, Status.FULL, Status.OPEN):
        shelter_set_status(
            shelter=shelter, status=status, people_inside=CheckEveryoneOut(reason="訓練")
        )
    shelter_set_status(shelter=shelter, status=Status.FULL)
    assert [n.kind for n in ShelterNotice.objects.order_by("pk")] == ["opened", "full"]
    assert len(texts(neighbour)) == 2
    # After the window the same change is news again.
    ShelterNotice.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=31))
    shelter_set_status(shelter=shelter, status=Status.CLOSED)
    shelter_set_status(shelter=shelter, status=Status.OPEN)
    assert len(texts(neighbour)) == 3


def test_notices_can_be_switched_off(cast, settings):
    settings.SHELTER_NOTICES = False
    shelter = ShelterFactory(area=cast.area_a, status=Status.CLOSED)
    resident_of(cast.area_a)
    shelter_set_status(shelter=shelter, status=Status.OPEN)
    assert not ShelterNotice.objects.exists()
    assert not OutboxMessage.objects.filter(purpose="shelter_opened").exists()


def test_the_drills_reset_announces_nothing(cast):
    shelter = ShelterFactory(area=cast.area_a, status=Status.CLOSED)
    resident_of(cast.area_a)
    shelter_set_status(shelter=shelter, status=Status.OPEN, notify=False)
    assert not ShelterNotice.objects.exists()


def test_opening_from_the_board_notifies_the_area(client, cast):
    shelter = ShelterFactory(area=cast.area_a, status=Status.CLOSED)
    neighbour = resident_of(cast.area_a)
    client.login(username="staff", password=PASSWORD)
    response = client.post(f"/dashboard/shelters/{shelter.pk}/status", {"status": "open"})
    assert response.status_code == 302
    assert len(texts(neighbour)) == 1


def test_opening_by_the_admin_action_notifies_the_area(client, cast):
    cast.staff.is_superuser = True
    cast.staff.save()
    shelter = ShelterFactory(area=cast.area_a, status=Status.CLOSED)
    neighbour = resident_of(cast.area_a)
    client.login(username="staff", password=PASSWORD)
    client.post(
        "/admin/shelters/shelter/",
        {"action": "open_shelters", "_selected_action": [shelter.pk]},
    )
    assert len(texts(neighbour)) == 1
    assert Shelter.objects.get(pk=shelter.pk).status == "open"

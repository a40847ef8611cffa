"""A household on the web path sees 「物資は届きましたか」 on /my/ and answers there."""

import pytest

from messaging import simulator
from supplies.deliveries import delivery_mark_delivered
from supplies.models import Delivery, DeliveryEvent
from supplies.tests.supply_helpers import open_round

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed_in(client, cast):
    """A resident signed in on /my/, whose household's delivery was just marked delivered."""
    user = simulator.simulated_user_create(display_name="在宅 ヨシ")
    round, _ = open_round(cast.area_a, households=1, line_user_ids=[user.user_id])
    client.post("/my/session/", {"id_token": simulator.id_token_issue(user)})
    delivery = Delivery.objects.get(round=round)
    return delivery_mark_delivered(delivery=delivery, user=cast.volunteer_a)


def test_my_page_asks_about_a_delivered_household_delivery(client, signed_in):
    page = client.get("/my/").content.decode()
    assert "物資は届きましたか" in page and "飲料水 2L 2本" in page
    assert f"/my/supplies/{signed_in.pk}/answer/" in page


def test_received_on_the_web_confirms_and_the_question_goes_away(client, signed_in):
    response = client.post(f"/my/supplies/{signed_in.pk}/answer/", {"answer": "yes"}, follow=True)
    assert "受け取りを確認しました。" in response.content.decode()
    assert Delivery.objects.get(pk=signed_in.pk).status == "confirmed"
    assert "物資は届きましたか" not in client.get("/my/").content.decode()


def test_not_received_asks_for_a_note_that_staff_see(client, signed_in):
    response = client.post(f"/my/supplies/{signed_in.pk}/answer/", {"answer": "no"})
    assert response.headers["Location"] == f"/my/supplies/{signed_in.pk}/note/"
    client.post(f"/my/supplies/{signed_in.pk}/note/", {"note": "水が1本足りません"})
    current = Delivery.objects.get(pk=signed_in.pk)
    assert (current.status, current.dispute_note) == ("disputed", "水が1本足りません")


def test_another_households_delivery_id_changes_nothing_and_is_audited(client, cast, signed_in):
    round, _ = open_round(cast.area_b, households=1)
    theirs = delivery_mark_delivered(
        delivery=Delivery.objects.get(round=round), user=cast.volunteer_b
    )
    response = client.post(f"/my/supplies/{theirs.pk}/answer/", {"answer": "no"}, follow=True)
    assert "このお届けについてはお答えいただけません。" in response.content.decode()
    assert Delivery.objects.get(pk=theirs.pk).status == "delivered"
    assert client.get(f"/my/supplies/{theirs.pk}/note/").status_code == 302
    assert DeliveryEvent.objects.filter(kind="denied", delivery=theirs).count() == 1


def test_an_out_of_range_delivery_id_is_refused_politely(client, signed_in):
    response = client.post("/my/supplies/99999999999999999999999/answer/", {"answer": "yes"})
    assert response.status_code == 302


def test_a_malformed_answer_is_refused_politely(client, signed_in):
    response = client.post(f"/my/supplies/{signed_in.pk}/answer/", {"answer": "x"}, follow=True)
    assert "回答を読み取れませんでした。" in response.content.decode()
    assert Delivery.objects.get(pk=signed_in.pk).status == "delivered"


def test_signed_out_visitors_are_sent_to_sign_in(client, signed_in):
    client.logout()
    client.cookies.clear()
    response = client.post(f"/my/supplies/{signed_in.pk}/answer/", {"answer": "yes"})
    assert response.status_code == 302 and "/my/start/" in response.headers["Location"]
    assert Delivery.objects.get(pk=signed_in.pk).status == "delivered"

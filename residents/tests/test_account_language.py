"""The language a resident picks in the footer is remembered for their account: for a
LINE account as the LINE friend's language (LINE messages use it), and pages opened from
a browser that made no choice of its own are shown in it."""

import pytest
from django.conf import settings
from django.test import Client

from evacuation.tests.evacuation_helpers import family_report
from messaging import simulator
from messaging.friends import line_friend_followed, line_friend_language_set
from messaging.models import LineFriend, SimulatedMessage
from notices.services import notice_create, notice_submit

JA = "【お知らせ】谷地頭町会館で給水をしています。"
EASY = "【おしらせ】やちがしら ちょうかいかん で みずを くばって います。"


def line_client(user) -> Client:
    """A browser signed in as this simulated LINE user (LIFF's ID token), no language
    cookie."""
    client = Client()
    response = client.post("/my/session/", {"id_token": simulator.id_token_issue(user)})
    assert response.status_code == 200, response.content
    return client


def switch(client: Client, language: str, next_url: str = "/my/"):
    return client.post("/my/language/", {"language": language, "next": next_url})


def language_of(user_id: str) -> str:
    return LineFriend.objects.get(user_id=user_id).language


@pytest.mark.django_db
def test_a_line_resident_switching_language_is_remembered_for_the_account():
    user = simulator.simulated_user_create(display_name="言語 花子", language="ja")
    line_friend_followed(user_id=user.user_id, language="ja")
    phone = line_client(user)

    response = switch(phone, "ja-easy")

    assert response.status_code == 302
    assert response["Location"] == "/my/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja-easy"
    assert language_of(user.user_id) == "ja-easy"
    # This browser chose: its cookie speaks.
    assert '<html lang="ja-easy">' in phone.get("/my/").content.decode()
    # Another browser (LINE's in-app one) without a choice of its own: the account speaks,
    # over Accept-Language.
    page = line_client(user).get("/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ja-easy">' in page
    assert "とうろく した こと" in page


@pytest.mark.django_db
def test_a_browser_choice_wins_over_the_account_language():
    user = simulator.simulated_user_create(display_name="言語 次郎", language="ja")
    line_friend_followed(user_id=user.user_id, language="ja-easy")
    browser = line_client(user)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in browser.get("/my/").content.decode()
    assert '<html lang="ja-easy">' in line_client(user).get("/my/").content.decode()


@pytest.mark.django_db
def test_a_line_profile_language_the_site_lacks_leaves_the_browser_its_own():
    user = simulator.simulated_user_create(display_name="言語 三郎", language="ko")
    line_friend_followed(user_id=user.user_id, language="ko")
    page = line_client(user).get("/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page


@pytest.mark.django_db
def test_a_browser_only_account_keeps_its_choice_in_the_cookie():
    client = Client()
    client.post("/my/web/")
    friends = LineFriend.objects.count()
    response = switch(client, "ja-easy")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja-easy"
    assert LineFriend.objects.count() == friends
    assert '<html lang="ja-easy">' in client.get("/my/").content.decode()


@pytest.mark.django_db
def test_without_an_account_it_is_djangos_set_language():
    client = Client()
    response = switch(client, "en", next_url="/shelters/")
    assert response.status_code == 302
    assert response["Location"] == "/shelters/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not LineFriend.objects.exists()


@pytest.mark.django_db
def test_an_unknown_language_is_not_remembered():
    user = simulator.simulated_user_create(display_name="言語 四郎", language="ja")
    line_friend_followed(user_id=user.user_id, language="ja")
    response = switch(line_client(user), "xx")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert language_of(user.user_id) == "ja"
    with pytest.raises(ValueError):
        line_friend_language_set(user.user_id, "xx")


@pytest.mark.django_db(transaction=True)
def test_a_line_resident_who_chose_easy_japanese_gets_notices_in_it(cast):
    user = simulator.simulated_user_create(display_name="在宅", language="ja")
    family_report(cast.area_a, line_user_id=user.user_id)
    line_friend_followed(user_id=user.user_id, language="ja")  # LINE profile: Japanese
    elsewhere = simulator.simulated_user_create(display_name="乙", language="ja")
    family_report(cast.area_b, line_user_id=elsewhere.user_id)  # not city-wide: no approval

    switch(line_client(user), "ja-easy", next_url="/my/report/")

    assert language_of(user.user_id) == "ja-easy"
    notice = notice_create(
        title="給水",
        segment={"if": "off_shelter", "value": str(cast.area_a.pk)},
        texts={"ja": JA, "ja-easy": EASY},
        by_user=cast.staff,
    )
    notice_submit(notice=notice, by_user=cast.staff)  # sent on commit, to the simulator
    received = [
        m.message.get("text", "")
        for m in SimulatedMessage.objects.filter(
            user=user, direction=SimulatedMessage.Direction.TO_USER
        ).order_by("pk")
    ]
    assert EASY in received
    assert JA not in received
    # And the resident area greets them in やさしい日本語 on the next visit.
    page = line_client(user).get("/my/").content.decode()
    assert '<html lang="ja-easy">' in page
    assert "しからの おしらせ" in page
    assert EASY in page

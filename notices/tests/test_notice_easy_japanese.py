"""A notice's やさしい日本語 text is kept with the others and reaches the LINE users who
chose やさしい日本語; a notice without one gives them the Japanese text."""

import pytest

from evacuation.tests.evacuation_helpers import family_report
from messaging import simulator
from messaging.friends import line_friend_followed
from messaging.models import SimulatedMessage
from notices.models import NoticeRecipient
from notices.services import notice_create, notice_submit

pytestmark = pytest.mark.django_db(transaction=True)

JA = "【お知らせ】谷地頭町会館で給水をしています。"
EASY = "【おしらせ】やちがしら ちょうかいかん で みずを くばって います。"


def on_line(area, language):
    user = simulator.simulated_user_create(display_name="在宅", language=language)
    family_report(area, line_user_id=user.user_id)
    line_friend_followed(user_id=user.user_id, language=language)
    return user


def texts_of(user) -> list[str]:
    messages = SimulatedMessage.objects.filter(
        user=user, direction=SimulatedMessage.Direction.TO_USER
    ).order_by("pk")
    return [m.message.get("text", "") for m in messages if "【お" in m.message.get("text", "")]


def send(cast, texts: dict):
    notice = notice_create(
        title="給水",
        segment={"if": "off_shelter", "value": str(cast.area_a.pk)},
        texts=texts,
        by_user=cast.staff,
    )
    # Transactional test: sending is queued on commit and runs at once, through the
    # outbox to the LINE simulator.
    return notice_submit(notice=notice, by_user=cast.staff)


def test_it_sends_the_easy_japanese_text_to_those_who_chose_it(cast):
    easy = on_line(cast.area_a, "ja-easy")
    japanese = on_line(cast.area_a, "ja")
    on_line(cast.area_b, "ja")  # not city-wide: no approval needed
    notice = send(cast, {"ja": JA, "ja-easy": f"  {EASY}\n"})
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert notice.texts == {"ja": JA, "ja-easy": EASY}
    assert texts_of(easy) == [EASY]
    assert texts_of(japanese) == [JA]
    languages = NoticeRecipient.objects.filter(notice=notice).values_list("language", flat=True)
    assert sorted(languages) == ["ja", "ja-easy"]


def test_without_an_easy_japanese_text_they_get_the_japanese_one(cast):
    easy = on_line(cast.area_a, "ja-easy")
    on_line(cast.area_b, "ja")
    send(cast, {"ja": JA, "en": "[Notice] Water.", "ja-easy": ""})
    assert texts_of(easy) == [JA]

"""The people of a segment without LINE, as a CSV for a phone call or a visit."""

import json

import pytest

from evacuation.tests.evacuation_helpers import family_report
from hakobou.testing.cast import PASSWORD
from residents.models import DetailView

pytestmark = pytest.mark.django_db

URL = "/dashboard/segments/web-only.csv"


def test_staff_get_the_people_without_line_and_the_download_is_logged(client, cast):
    family_report(cast.area_a)  # browser only
    family_report(cast.area_a, line_user_id="U" + "1" * 32)
    family_report(cast.area_b)
    client.login(username="staff", password=PASSWORD)
    segment = {"if": "off_shelter", "value": str(cast.area_a.pk)}
    response = client.post(URL, {"segment": json.dumps(segment)})
    body = response.content.decode("utf-8-sig").splitlines()
    assert body[0] == "氏名,フリガナ,電話番号,住所,町会,避難行動要支援者,配慮事項"
    assert body[1:] == ["在宅 ヨシ,ザイタク ヨシ,0138-00-0000,函館市谷地頭町,テスト甲町会,,"]
    assert DetailView.objects.filter(context="segment_csv", user=cast.staff).count() == 1


def test_a_bad_segment_is_refused_and_volunteers_may_not_download(client, cast):
    client.login(username="staff", password=PASSWORD)
    assert client.post(URL, {"segment": "{"}).status_code == 400
    refused = client.post(URL, {"segment": json.dumps({"if": "nope"})})
    assert refused.status_code == 400
    assert refused.content.decode() == "使えない条件が含まれています。"
    client.login(username="volunteer-a", password=PASSWORD)
    assert client.post(URL, {"segment": json.dumps({"if": "everyone"})}).status_code == 403

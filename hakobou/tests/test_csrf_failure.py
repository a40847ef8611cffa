"""A form sent without a valid CSRF token (an expired page, cookies off) is refused
with a polite page that says nothing was sent, in the visitor's language."""

import pytest
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_form_from_an_expired_page_gets_a_polite_refusal():
    client = Client(enforce_csrf_checks=True)
    with translation.override("ja"):
        response = client.post("/my/web/", {"next": "/my/"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "画面の有効期限が切れました" in page
    assert "入力した内容は送られていません" in page
    assert "CSRF" not in page


def test_it_speaks_english_to_an_english_visitor():
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    response = client.post("/my/web/", {"next": "/my/"})
    assert response.status_code == 403
    assert "This page has expired" in response.content.decode()

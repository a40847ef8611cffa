"""Sessions read through the cache: the database stays the truth, a dead cache signs nobody out."""

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import override_settings

from lib import sessions

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2},
    }
}
LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def staff():
    return User.objects.create_user("desk", password="pw-long-enough-1", is_staff=True)


def signed_in(client, user) -> str:
    client.force_login(user)
    return client.cookies["sessionid"].value


@override_settings(SESSION_ENGINE="lib.sessions", CACHES=LOCAL)
def test_a_session_is_read_from_the_cache_after_the_first_request(
    client, staff, django_assert_num_queries
):
    caches["default"].clear()
    key = signed_in(client, staff)
    assert Session.objects.filter(session_key=key).exists()
    client.get("/dashboard/shelters/")  # the first read may fill the cache
    store = sessions.SessionStore(key)
    assert store.load()["_auth_user_id"] == str(staff.pk)
    with django_assert_num_queries(0):
        assert sessions.SessionStore(key).load()["_auth_user_id"] == str(staff.pk)


@override_settings(SESSION_ENGINE="lib.sessions", CACHES=DEAD_REDIS)
def test_with_the_cache_down_people_stay_signed_in_and_can_sign_out(client, staff):
    key = signed_in(client, staff)
    assert client.get("/dashboard/shelters/").status_code == 200
    client.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/dashboard/shelters/").status_code == 302


def test_a_cached_copy_lives_a_few_minutes_at_most():
    class Recorder:
        def set(self, key, value, timeout):
            self.timeout = timeout

    recorder = Recorder()
    sessions._TolerantCache(recorder).set("k", {}, 14 * 24 * 3600)
    assert recorder.timeout == sessions.CACHE_SECONDS
    sessions._TolerantCache(recorder).set("k", {}, 5)
    assert recorder.timeout == 5

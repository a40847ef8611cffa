"""The token bucket, kept in this process or shared through Redis: the same answers on
a stopped clock, one bucket for every process that names it, and a Redis that is down
makes it local instead of stopping the caller."""

import os
import uuid

import pytest
import redis

from lib import cache as redis_cache
from lib.token_bucket import TokenBucket

REDIS_URL = os.environ.get("REDIS_URL")


class Clock:
    """A stopped clock a test moves on."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def shared_redis():
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    client = redis.Redis.from_url(REDIS_URL)
    keys: list[str] = []
    yield client, keys
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["local", "redis"])
def make_bucket(request, clock):
    """Buckets of one kind: in this process, or in Redis (each test its own key)."""
    if request.param == "local":
        return lambda **options: TokenBucket("test", clock=clock, **options)
    client, keys = request.getfixturevalue("shared_redis")
    key = f"hakobou-test:token-bucket:{uuid.uuid4()}"
    keys.append(key)
    return lambda **options: TokenBucket(key, redis=lambda: client, clock=clock, **options)


def waits(bucket: TokenBucket, count: int, **options) -> list[float]:
    return [round(bucket.reserve(**options).wait, 3) for _ in range(count)]


def test_a_full_bucket_lets_its_capacity_through_at_once(make_bucket):
    bucket = make_bucket(rate=10, capacity=3)
    assert waits(bucket, 3) == [0, 0, 0]


def test_callers_of_an_empty_bucket_are_given_the_next_tokens_in_turn(make_bucket):
    bucket = make_bucket(rate=10, capacity=2)
    assert waits(bucket, 5) == [0, 0, 0.1, 0.2, 0.3]


def test_a_wait_longer_than_the_caller_accepts_is_not_reserved(make_bucket, clock):
    bucket = make_bucket(rate=10, capacity=1)
    assert bucket.reserve().reserved
    refused = bucket.reserve(max_wait=0.05)
    assert (refused.reserved, round(refused.wait, 3)) == (False, 0.1)
    # Refusing took nothing: the next token is still 0.1 s away, not 0.2.
    assert round(bucket.reserve(max_wait=1).wait, 3) == 0.1


def test_the_bucket_refills_at_its_rate(make_bucket, clock):
    bucket = make_bucket(rate=10, capacity=5)
    assert waits(bucket, 5) == [0] * 5
    assert not bucket.reserve(max_wait=0).reserved
    clock.now += 0.2  # two tokens
    assert waits(bucket, 3, max_wait=1) == [0, 0, 0.1]


def test_a_long_quiet_time_refills_only_up_to_the_capacity(make_bucket, clock):
    bucket = make_bucket(rate=10, capacity=3)
    waits(bucket, 3)
    clock.now += 3600
    assert waits(bucket, 4) == [0, 0, 0, 0.1]


def test_every_process_naming_the_bucket_shares_it(shared_redis, clock):
    client, keys = shared_redis
    key = f"hakobou-test:token-bucket:{uuid.uuid4()}"
    keys.append(key)
    # Two workers' buckets: separate objects, as in separate processes.
    first, second = (
        TokenBucket(key, rate=10, capacity=2, redis=lambda: client, clock=clock) for _ in range(2)
    )
    assert waits(first, 2) == [0, 0]
    assert waits(second, 1) == [0.1]
    assert waits(first, 1) == [0.2]


def test_without_a_clock_the_shared_bucket_runs_on_redis_time(shared_redis):
    client, keys = shared_redis
    key = f"hakobou-test:token-bucket:{uuid.uuid4()}"
    keys.append(key)
    bucket = TokenBucket(key, rate=0.01, capacity=1, redis=lambda: client)
    assert bucket.reserve().wait == 0
    second = bucket.reserve(max_wait=0)
    assert not second.reserved
    assert 0 < second.wait <= 100
    assert client.pttl(key) > 0  # the key goes away once the bucket would be full again


def test_a_redis_that_is_down_leaves_each_process_its_own_bucket(clock):
    down = redis_cache.RedisCache("redis://127.0.0.1:1/0", {})
    bucket = TokenBucket(
        "test", rate=10, capacity=2, redis=lambda: down._cache.get_client(write=True), clock=clock
    )
    assert waits(bucket, 3) == [0, 0, 0.1]  # still limited, in this process
    assert redis_cache.breaker.is_open  # and the next calls do not wait for Redis


def test_a_bucket_without_a_rate_is_refused():
    with pytest.raises(ValueError, match="positive rate"):
        TokenBucket("test", rate=0, capacity=1)

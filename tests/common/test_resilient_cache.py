"""The Redis cache that degrades instead of raising (common/resilient_cache.py).

"Redis down" is a real closed port: every call really tries to connect and is
refused. With REDIS_URL set in the environment, the recovery test also runs
against that live Redis.
"""

from __future__ import annotations

import logging
import os

import pytest
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError

from common import resilient_cache
from common.resilient_cache import ResilientRedisCache

#: Nothing listens on port 1 on the test machine: connections are refused at once.
CLOSED = "redis://127.0.0.1:1/0"
LIVE = os.environ.get("REDIS_URL", "")


def make(location: str = CLOSED) -> ResilientRedisCache:
    return ResilientRedisCache(location, {"OPTIONS": {"socket_connect_timeout": 0.5}})


@pytest.fixture(autouse=True)
def _forget_failures():
    resilient_cache.reset()
    yield
    resilient_cache.reset()


def test_plain_django_redis_cache_raises_when_redis_is_down():
    """Why the subclass exists."""
    with pytest.raises(RedisConnectionError):
        RedisCache(CLOSED, {}).get("key")


def test_reads_miss_and_writes_do_nothing_while_redis_is_down(caplog):
    cache = make()
    with caplog.at_level(logging.ERROR, logger="common.resilient_cache"):
        assert cache.get("key", "default") == "default"
        assert cache.set("key", "value") is False
        assert cache.add("key", "value") is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("key") is False
        assert cache.delete("key") is False
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.get_or_set("key", "computed") == "computed"
    # One message for the outage, not one per call.
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
    assert "Redis cache unreachable" in caplog.records[0].message


def test_counters_read_as_missing_keys_so_callers_start_afresh():
    cache = make()
    with pytest.raises(ValueError):
        cache.incr("count")
    with pytest.raises(ValueError):
        cache.decr("count")


def test_after_a_failure_it_stops_trying_for_a_while(monkeypatch):
    cache = make()
    calls = []

    def refuse(self, *args, **kwargs):
        calls.append(args)
        raise RedisConnectionError("refused")

    monkeypatch.setattr(RedisCache, "get", refuse)
    assert cache.get("a") is None
    assert cache.is_down()
    assert cache.get("b") is None and cache.get("c") is None
    assert len(calls) == 1  # the circuit is open: no connection attempt per call


def test_it_tries_again_after_retry_after_and_says_redis_is_back(monkeypatch, caplog):
    cache = make()
    cache.retry_after = 0  # the next call may try again at once
    answers = iter([RedisConnectionError("refused"), "stored"])

    def flaky(self, *args, **kwargs):
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(RedisCache, "get", flaky)
    with caplog.at_level(logging.WARNING, logger="common.resilient_cache"):
        assert cache.get("key") is None
        assert cache.get("key") == "stored"
    assert not cache.is_down()
    assert "reachable again" in caplog.records[-1].message


def test_other_errors_still_raise(monkeypatch):
    def broken(self, *args, **kwargs):
        raise TypeError("a bug, not an outage")

    monkeypatch.setattr(RedisCache, "get", broken)
    with pytest.raises(TypeError):
        make().get("key")


@pytest.mark.skipif(not LIVE, reason="REDIS_URL is not set: no live Redis to recover to")
def test_with_a_live_redis_it_is_an_ordinary_shared_cache():
    cache = make(LIVE)
    cache.set("resilient:probe", 41)
    assert cache.incr("resilient:probe") == 42
    assert make(LIVE).get("resilient:probe") == 42  # another process's view, same Redis
    cache.delete("resilient:probe")


def test_recovery_runs_the_registered_callbacks_once(monkeypatch):
    cache = make()
    cache.retry_after = 0
    answers = iter([RedisConnectionError("refused"), "a", "b"])

    def flaky(self, *args, **kwargs):
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    recovered = []
    monkeypatch.setattr(RedisCache, "get", flaky)
    monkeypatch.setattr(resilient_cache, "_recovery_callbacks", [lambda: recovered.append(1)])
    cache.get("key")
    cache.get("key")
    cache.get("key")
    assert recovered == [1]


def test_the_page_cache_forgets_its_pages_when_redis_comes_back():
    """An edit made while Redis was away could not bump the generation."""
    from common.page_cache import bump_generation

    assert bump_generation in resilient_cache._recovery_callbacks

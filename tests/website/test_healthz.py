"""`/healthz` (website/health.py): 200 when the database and the cache answer, 503
otherwise; JSON; no session, no cookie, no language prefix, no HTTPS redirect."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError

from tests.website.production_support import run_in_production
from website import health

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_a_probe_touches_no_session_and_sets_no_cookie(client):
    response = client.get("/healthz")
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert response.wsgi_request.session.accessed is False
    assert "Cookie" not in response.get("Vary", "")


def test_head_is_answered_too(client):
    assert client.head("/healthz").status_code == 200


class BrokenConnection:
    def cursor(self):
        raise OperationalError("connection refused")


def test_503_when_the_database_fails(client, monkeypatch):
    monkeypatch.setattr(health, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "failing", "cache": "ok"},
    }


class BrokenCache:
    def set(self, *args, **kwargs):
        raise ConnectionError("redis is down")

    def get(self, *args, **kwargs):
        raise ConnectionError("redis is down")


def test_503_when_the_cache_fails(client, monkeypatch):
    monkeypatch.setattr(health, "cache", BrokenCache())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "failing"}


def test_503_when_the_cache_drops_what_it_is_given(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failing"


@pytest.mark.parametrize("path", ["/es/healthz", "/pt-br/healthz"])
def test_it_belongs_to_no_language(client, path):
    # Prefixed, it is just an unknown page (after the usual trailing-slash redirect).
    assert client.get(path, follow=True).status_code == 404


SCRIPT = """
import json, django
django.setup()
from django.test import Client
answers = {path: Client().get(path).status_code for path in ("/healthz", "/directory/")}
print(json.dumps(answers))
"""


def test_production_answers_probes_over_plain_http_without_redirecting():
    result = run_in_production(SCRIPT)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    # Everything else is sent to HTTPS; the probe is answered where it asked.
    assert answers["/directory/"] == 301
    assert answers["/healthz"] != 301

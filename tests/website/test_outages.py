"""Each outside part can fail without taking the site down (docs/deployment.md).

Redis and SMTP are "down" for real here: their settings point at a closed port, so
every attempt is refused by the operating system. The other parts have their own
tests, referenced from docs/deployment.md:

* Elasticsearch down: tests/search/test_fallback.py (the database answers);
* Mailchimp down: tests/newsletter/test_mailchimp_faults.py (changes stay queued);
* SMTP down for the contact form: tests/directory/test_contact.py
  (`test_a_failed_send_keeps_the_message_and_says_so`).
"""

from __future__ import annotations

import logging
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from common import ratelimit, resilient_cache
from common.page_cache import HIT_HEADER
from newsletter.models import ConsentKind, Subscriber, SubscriberStatus
from tests.factories import NewsPageFactory, ResearcherPageFactory

pytestmark = pytest.mark.django_db

#: Nothing listens on port 1: connections are refused at once.
CLOSED_PORT = 1


@pytest.fixture
def redis_down(settings):
    """The production configuration with REDIS_URL set, and Redis not answering."""
    settings.CACHES = {
        "default": {
            "BACKEND": "common.resilient_cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.PAGE_CACHE_SECONDS = 600
    resilient_cache.reset()
    yield
    resilient_cache.reset()


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = CLOSED_PORT
    settings.EMAIL_TIMEOUT = 2


# --- Redis --------------------------------------------------------------------------


def test_with_redis_down_pages_are_served_uncached(client, redis_down, caplog):
    NewsPageFactory(title="Cells that last", slug="cells")
    with caplog.at_level(logging.ERROR, logger="common.resilient_cache"):
        first = client.get("/news/cells/")
        second = client.get("/news/cells/")
    for response in (first, second):
        assert response.status_code == 200
        assert "Cells that last" in response.content.decode()
        assert response.get(HIT_HEADER) != "hit"
    assert any("Redis cache unreachable" in r.message for r in caplog.records)


def test_with_redis_down_the_directory_still_counts(client, redis_down):
    """The facet counts of a search without text are kept in the cache; with the cache
    refusing, they are counted on every request instead."""
    ResearcherPageFactory(given_name="Ana", family_name="Souza", country="BR")
    ResearcherPageFactory(given_name="Tom", family_name="Hughes", country="GB")
    for _ in range(2):
        response = client.get("/api/directory/search")
        assert response.status_code == 200
        data = response.json()
        assert data["count"] == 2
        countries = {item["value"]: item["count"] for item in data["facets"]["country"]}
        assert countries == {"BR": 1, "GB": 1}


def test_with_redis_down_signing_in_still_works(client, redis_down):
    """cached_db sessions: the database holds the session, the cache is only a shortcut."""
    get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-password")
    response = client.post("/admin/login/", {"username": "editor", "password": "a-long-password"})
    assert response.status_code == 302
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.user.username == "editor"


def test_with_redis_down_rate_limits_let_requests_through_and_log(redis_down, caplog):
    with caplog.at_level(logging.ERROR, logger="common.resilient_cache"):
        verdicts = [ratelimit.hit("contact:ip:203.0.113.9", 2, 600) for _ in range(5)]
    assert all(verdict.allowed for verdict in verdicts)
    assert "rate limits let requests through" in caplog.text


def test_with_redis_down_the_newsletter_sign_up_still_records_the_person(
    client, redis_down, settings
):
    response = client.post(
        "/newsletter/subscribe/",
        {"kind": "footer", "source": "/", "email": "ana@example.org", "website": ""},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert Subscriber.objects.get(email="ana@example.org").status == SubscriberStatus.PENDING


# --- SMTP ---------------------------------------------------------------------------


def sign_up(client, email: str = "ana@example.org"):
    return client.post(
        "/newsletter/subscribe/",
        {"kind": "footer", "source": "/news/", "email": email, "website": ""},
        REMOTE_ADDR="203.0.113.9",
    )


def test_with_smtp_down_the_sign_up_loses_nothing_and_a_later_one_sends(
    client, smtp_down, settings, caplog
):
    """The answer cannot depend on the e-mail (it is sent after the response, so that
    nobody can tell whether an address is on the list), so the page is the usual
    "check your inbox", which already says to sign up again if nothing arrives. The
    person, their choices and their consent are kept; the failure is logged."""
    with caplog.at_level(logging.ERROR, logger="newsletter.services"):
        response = sign_up(client)
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "sign up again" in thanks.content.decode()
    subscriber = Subscriber.objects.get(email="ana@example.org")
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.consents.filter(kind=ConsentKind.SIGNUP).exists()
    assert "Could not send the newsletter sign-up e-mail" in caplog.text

    # The mail server is back: signing up again sends the confirmation.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    assert sign_up(client).status_code == 302
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    assert Subscriber.objects.filter(email="ana@example.org").count() == 1


def test_with_smtp_down_the_contact_form_keeps_the_message_and_says_try_again(client, smtp_down):
    researcher = ResearcherPageFactory(email="jose.private@unab.example.cl")
    message = "I read your paper on brine chemistry and would like to talk."
    response = client.post(
        f"/directory/contact/{researcher.pk}/",
        {
            "name": "Ana Souza",
            "email": "ana.souza@example.org",
            "subject": "Brine chemistry",
            "message": message,
            "website": "",
        },
    )
    assert response.status_code == 503
    html = unescape(response.content.decode())
    assert "Please try again in a few minutes" in html
    assert message in html  # nothing the person wrote is lost
    assert "jose.private@unab.example.cl" not in html


def test_with_smtp_down_the_contact_form_says_so_in_spanish(client, smtp_down):
    researcher = ResearcherPageFactory(email="jose.private@unab.example.cl")
    response = client.post(
        f"/es/directory/contact/{researcher.pk}/",
        {
            "name": "Ana Souza",
            "email": "ana.souza@example.org",
            "subject": "Química de salmueras",
            "message": "Hola, me gustaría hablar de tu artículo.",
            "website": "",
        },
    )
    assert response.status_code == 503
    html = unescape(response.content.decode())
    assert "me gustaría hablar de tu artículo" in html
    assert "Vuelve a intentarlo en unos minutos" in html
    assert "could not send" not in html

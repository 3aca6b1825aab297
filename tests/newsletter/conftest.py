"""Fixtures for the Mailchimp sync tests: a running fake Mailchimp and settings pointing at it.

The sync is exercised with the real `mailchimp-marketing` client over real HTTP
against `tests.fakes.mailchimp.FakeMailchimp`; nothing in the client is mocked.
Retries never sleep: tests call `deliver()` with a clock past any backoff.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from directory.models import Topic
from newsletter.mailchimp.audience_setup import run_setup
from newsletter.mailchimp.worker import DeliveryReport, deliver_due
from newsletter.models import Subscriber
from newsletter.models.subscribers import subscriber_changed, subscriber_erased
from tests.fakes.mailchimp import FakeMailchimp

WEBHOOK_SECRET = "hook-secret-7f3a9c"


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    """A request to /es/ or /pt-br/ leaves its language active in the test thread
    (LocaleMiddleware activates it; nothing deactivates it after the test client's
    response), and so does e-mail rendered without `speaking()`. Each test here
    starts and ends in the language it found, so none leaks into the next."""
    before = translation.get_language()
    yield
    if before is None:
        translation.deactivate_all()
    else:
        translation.activate(before)


@pytest.fixture
def fake_mailchimp() -> Iterator[FakeMailchimp]:
    """A fake Marketing API v3 on 127.0.0.1 (any port; the same one after a restart)."""
    with FakeMailchimp() as fake:
        yield fake
    assert fake.server_errors == [], "a bug in the fake itself"


@pytest.fixture
def mailchimp(settings, fake_mailchimp: FakeMailchimp) -> FakeMailchimp:
    """Mailchimp configured, pointing at the fake (MAILCHIMP_API_URL overrides the host)."""
    settings.MAILCHIMP_API_KEY = fake_mailchimp.api_key
    settings.MAILCHIMP_AUDIENCE_ID = fake_mailchimp.DEFAULT_LIST_ID
    settings.MAILCHIMP_API_URL = fake_mailchimp.url
    settings.MAILCHIMP_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.MAILCHIMP_TIMEOUT = 2
    return fake_mailchimp


@pytest.fixture
def deliver() -> Callable[..., DeliveryReport]:
    """Run the delivery worker once, `after` seconds from now (past any backoff by default)."""

    def run(after: float = 0, seed: int = 1) -> DeliveryReport:
        now = timezone.now() + timedelta(seconds=after)
        return deliver_due(now=now, rng=random.Random(seed), schedule=False)

    return run


@pytest.fixture
def changed() -> Callable[..., None]:
    """Send `subscriber_changed` as the site does for a local change."""

    def send(
        subscriber: Subscriber, previous_email: str | None = None, confirmed: bool | None = None
    ) -> None:
        subscriber_changed.send(
            sender=Subscriber,
            subscriber=subscriber,
            previous_email=previous_email,
            confirmed=confirmed,
        )

    return send


@pytest.fixture
def erased() -> Callable[[Subscriber], None]:
    """Send `subscriber_erased` and delete the row, as the site's erasure does."""

    def send(subscriber: Subscriber) -> None:
        subscriber_erased.send(sender=Subscriber, email=subscriber.email, subscriber=subscriber)
        subscriber.delete()

    return send


@pytest.fixture
def local_changes() -> Iterator[list[Subscriber]]:
    """Every `subscriber_changed` sent while the test runs (must stay empty for changes
    that came from Mailchimp: those must never be queued back)."""
    seen: list[Subscriber] = []

    def record(sender, subscriber, **kwargs):
        seen.append(subscriber)

    subscriber_changed.connect(record, dispatch_uid="test-local-changes")
    yield seen
    subscriber_changed.disconnect(dispatch_uid="test-local-changes")


@pytest.fixture
def topics(mailchimp: FakeMailchimp) -> list[Topic]:
    """Two of the seeded topics; the setup command links every topic to an interest."""
    made = [
        Topic.objects.get(slug="direct-lithium-extraction"),
        Topic.objects.get(slug="recycling-and-circular-supply-chains"),
    ]
    run_setup(webhook=False)
    mailchimp.reset_log()
    return made

"""Faults lose nothing: the fake is stopped, answers 429/500/403 without a body, or is
too slow, and every change stays queued with its error, then arrives exactly once.
Refusals that can never succeed are recorded with Mailchimp's message, not retried,
and editors see all of it in the admin.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import include, path, reverse
from django.utils import timezone
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from newsletter.mailchimp.admin import PendingChangeViewSet
from newsletter.mailchimp.client import Api
from newsletter.mailchimp.models import PendingChange
from newsletter.mailchimp.worker import BACKOFF_CAP, backoff_delay, deliver_due
from newsletter.models import Subscriber, SubscriberStatus
from tests.factories import ResearcherPageFactory
from tests.fakes.mailchimp import FakeMailchimp, _compliance

pytestmark = pytest.mark.django_db

LIST = FakeMailchimp.DEFAULT_LIST_ID
ANA = "ana.rojas@litio.cl"

# The admin views under test, mounted as newsletter/wagtail_hooks.py mounts them.
viewset = PendingChangeViewSet("mailchimp_changes_test")
urlpatterns = [
    path(
        "admin/mailchimp-changes/",
        include(
            (decorate_urlpatterns(viewset.get_urlpatterns(), require_admin_access), viewset.name),
            namespace=viewset.url_namespace,
        ),
    ),
    path("admin/", include(wagtailadmin_urls)),
]


def md5(email: str) -> str:
    return hashlib.md5(email.lower().encode()).hexdigest()


def queued(changed, email: str = ANA, **fields: Any) -> PendingChange:
    fields.setdefault("status", SubscriberStatus.SUBSCRIBED)
    person = Subscriber.objects.create(email=email, first_name="Ana", **fields)
    changed(person)
    return PendingChange.objects.get(subscriber=person)


def puts_for(fake: FakeMailchimp, email: str) -> int:
    return sum(
        1
        for r in fake.requests
        if r.method == "PUT" and r.path == f"/lists/{LIST}/members/{md5(email)}"
    )


def test_mailchimp_down_keeps_the_change_queued_then_delivers_it_once(
    mailchimp, changed, deliver
) -> None:
    change = queued(changed)
    mailchimp.stop()
    report = deliver()
    change.refresh_from_db()
    assert change.state == PendingChange.State.RETRYING and change.is_open
    assert change.attempts == 1 and change.last_status is None
    assert "ConnectionError" in change.last_error
    assert change.next_attempt_at > timezone.now() - timedelta(seconds=1)
    assert report.retrying == 1 and report.delivered == 0

    mailchimp.start()  # same port, state kept
    assert deliver(after=7200).delivered == 1
    change.refresh_from_db()
    assert change.state == PendingChange.State.DELIVERED and change.attempts == 2
    assert mailchimp.member(ANA)["status"] == "subscribed"
    assert len(mailchimp.lists[LIST].members) == 1

    calls = mailchimp.call_count
    assert deliver(after=7200).delivered == 0
    assert mailchimp.call_count == calls  # delivered once, never again


@pytest.mark.parametrize(
    ("status", "with_body"),
    [(429, True), (429, False), (500, True), (503, True), (403, False)],
    ids=["429", "429-bodyless", "500", "503", "403-bodyless"],
)
def test_transient_answers_are_retried_and_nothing_is_lost_or_duplicated(
    mailchimp, changed, deliver, status, with_body
) -> None:
    changes = [queued(changed, f"person{i}@litio.cl") for i in range(3)]
    mailchimp.fail_next(1, status=status, body=with_body)
    report = deliver()
    assert report.retrying == 1 and report.deferred == 2  # no call wasted on the rest
    first = PendingChange.objects.get(pk=changes[0].pk)
    assert first.state == PendingChange.State.RETRYING and first.last_status == status
    assert first.last_error.startswith(f"HTTP {status}")
    assert all(
        c.is_open and "Mailchimp unavailable" in c.last_error
        for c in PendingChange.objects.exclude(pk=first.pk)
    )

    assert deliver(after=7200).delivered == 3
    assert sorted(m["email_address"] for m in mailchimp.lists[LIST].members.values()) == [
        f"person{i}@litio.cl" for i in range(3)
    ]
    assert not PendingChange.objects.filter(state__in=PendingChange.OPEN_STATES).exists()


def test_a_slow_mailchimp_times_out_and_the_retry_does_not_duplicate(
    mailchimp, settings, changed, deliver
) -> None:
    settings.MAILCHIMP_TIMEOUT = 0.3
    change = queued(changed)
    mailchimp.delay = 0.6
    deliver()
    change.refresh_from_db()
    assert change.state == PendingChange.State.RETRYING
    assert change.last_error.startswith("network error: ") and "Timeout" in change.last_error

    mailchimp.delay = 0
    assert deliver(after=7200).delivered == 1
    # The timed-out PUT was applied anyway; the retry upserts the same member.
    assert puts_for(mailchimp, ANA) == 2
    assert len(mailchimp.lists[LIST].members) == 1
    assert mailchimp.member(ANA)["status"] == "subscribed"


def test_backoff_is_exponential_with_full_jitter_and_capped() -> None:
    rng = random.Random(7)
    for attempts in range(1, 20):
        ceiling = min(BACKOFF_CAP, 2 ** (attempts - 1))
        samples = [backoff_delay(attempts, rng) for _ in range(50)]
        assert all(0 <= s <= ceiling for s in samples)
        assert max(samples) > ceiling / 2  # full jitter spreads over the whole window
    assert backoff_delay(40, random.Random(1)) <= 3600


def test_retries_back_off_further_each_time(mailchimp, changed, deliver) -> None:
    change = queued(changed)
    mailchimp.fail_next(4, status=500)
    windows = []
    for n in range(4):
        before = timezone.now() + timedelta(hours=n)
        deliver(after=3600 * n, seed=n)
        change.refresh_from_db()
        windows.append((change.next_attempt_at - before).total_seconds())
    assert change.attempts == 4
    assert all(w <= 2**i + 1 for i, w in enumerate(windows))
    assert deliver(after=5 * 3600).delivered == 1


@pytest.mark.parametrize(
    ("email", "setup", "title"),
    [
        ("fooboo@example.com", None, "Invalid Resource: fooboo@example.com looks fake or invalid"),
        (ANA, "forgotten", "Forgotten Email Not Subscribed: " + ANA + " was permanently deleted"),
    ],
    ids=["fake-address", "permanently-deleted"],
)
def test_refusals_that_never_succeed_fail_with_mailchimps_message(
    mailchimp, changed, deliver, email, setup, title
) -> None:
    if setup == "forgotten":
        mailchimp.add_member(email)
        mailchimp.delete_permanently_in_mailchimp(email)
    change = queued(changed, email)
    report = deliver()
    change.refresh_from_db()
    assert report.failed == 1
    assert change.state == PendingChange.State.FAILED and not change.is_open
    assert change.last_status == 400
    assert change.last_error.startswith(f"HTTP 400: {title}")
    calls = mailchimp.call_count
    deliver(after=30 * 24 * 3600)
    assert mailchimp.call_count == calls  # not retried


class ComplianceReviewFake(FakeMailchimp):
    """A member under compliance review: Mailchimp refuses even `pending` (the stock
    fake accepts `pending` for every compliance state, as the reference describes)."""

    def _check_compliance(self, m: dict, new_status: str) -> None:
        if new_status in ("subscribed", "pending") and m["_compliance"]:
            raise _compliance(m["email_address"])


@pytest.fixture
def strict_mailchimp(settings) -> Iterator[ComplianceReviewFake]:
    with ComplianceReviewFake() as fake:
        settings.MAILCHIMP_API_KEY = fake.api_key
        settings.MAILCHIMP_AUDIENCE_ID = fake.DEFAULT_LIST_ID
        settings.MAILCHIMP_API_URL = fake.url
        yield fake


def test_compliance_state_that_refuses_re_opt_in_is_recorded_as_failed(
    strict_mailchimp, changed, deliver
) -> None:
    strict_mailchimp.add_member(ANA)
    strict_mailchimp.unsubscribe_in_mailchimp(ANA, by="user")
    person = Subscriber.objects.create(
        email=ANA, status=SubscriberStatus.SUBSCRIBED, confirmed_at=timezone.now()
    )
    changed(person, confirmed=True)
    deliver()
    change = PendingChange.objects.get()
    assert change.state == PendingChange.State.FAILED
    assert change.last_error.startswith("HTTP 400: Member In Compliance State: ")
    assert strict_mailchimp.member(ANA)["status"] == "unsubscribed"


def test_a_retry_after_a_partial_delivery_does_not_ask_for_opt_in_twice(
    mailchimp, changed, deliver
) -> None:
    mailchimp.add_member(ANA)
    mailchimp.unsubscribe_in_mailchimp(ANA, by="user")
    person = Subscriber.objects.create(
        email=ANA,
        status=SubscriberStatus.SUBSCRIBED,
        confirmed_at=timezone.now(),
        researcher=ResearcherPageFactory(email=ANA),
    )
    changed(person, confirmed=True)

    class FlakyTags(Api):
        def update_tags(self, subscriber_hash: str, tags: list[dict]) -> None:
            mailchimp.fail_next(1, status=500)  # the tags call after both PUTs fails
            super().update_tags(subscriber_hash, tags)

    deliver_due(now=timezone.now(), api=FlakyTags(), rng=random.Random(1), schedule=False)
    change = PendingChange.objects.get()
    assert change.state == PendingChange.State.RETRYING and change.last_status == 500
    assert deliver(after=7200).delivered == 1
    assert mailchimp.confirmation_emails == [(LIST, ANA)]  # one re-opt-in e-mail, not two
    assert {t["name"] for t in mailchimp.member(ANA)["tags"]} == {"researcher", "CL"}


def test_a_later_success_supersedes_an_earlier_failure(mailchimp, changed, deliver) -> None:
    person = Subscriber.objects.create(email="fooboo@example.com")
    changed(person)
    deliver()
    person.email = "ana@litio.cl"
    person.save()
    changed(person, previous_email="fooboo@example.com")
    deliver()
    states = list(PendingChange.objects.order_by("id").values_list("state", flat=True))
    assert states == ["superseded", "delivered"]


def test_a_deferring_backend_gets_the_next_run_scheduled_at_the_backoff(
    mailchimp, settings, changed, clock
) -> None:
    # A still clock: the task's run_after is max(next attempt, now), and a slow call
    # would otherwise make "now" the later of the two.
    from newsletter.mailchimp.tasks import deliver_pending_changes

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    queued(changed)
    mailchimp.fail_next(1, status=503)
    deliver_due()
    change = PendingChange.objects.get()
    backend = deliver_pending_changes.get_backend()

    def ours() -> list:
        return [r for r in backend.results if r.task.func is deliver_pending_changes.func]

    (result,) = ours()
    assert result.task.run_after == change.next_attempt_at
    deliver_due()  # not due yet: the same scheduled run is not duplicated
    assert len(ours()) == 1


# ---------------------------------------------------------------- the admin


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


@pytest.mark.urls(__name__)
def test_editors_see_queued_and_failed_changes_with_their_last_error(
    mailchimp, changed, deliver, editor_client
) -> None:
    queued(changed, "delivered@litio.cl")
    deliver()
    queued(changed, "fooboo@example.com")
    deliver()  # fails for good
    queued(changed, ANA)
    mailchimp.fail_next(1, status=429)
    deliver()  # retrying

    response = editor_client.get(reverse(f"{viewset.url_namespace}:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "fooboo@example.com" in html and "looks fake or invalid" in html
    assert ANA in html and "Too Many Requests" in html and "Retrying" in html
    assert "delivered@litio.cl" not in html  # delivered: not listed by default

    response = editor_client.get(reverse(f"{viewset.url_namespace}:index") + "?state=")
    assert "delivered@litio.cl" in response.content.decode()  # "All"


@pytest.mark.urls(__name__)
def test_retry_now_puts_a_failed_change_back_and_delivers_it(
    mailchimp, changed, deliver, editor_client, django_capture_on_commit_callbacks
) -> None:
    mailchimp.fake_domains.discard("example.com")
    mailchimp.fake_domains.add("litio.cl")
    change = queued(changed)
    deliver()
    change.refresh_from_db()
    assert change.state == PendingChange.State.FAILED
    mailchimp.fake_domains.discard("litio.cl")  # e.g. Mailchimp support cleared it

    inspect = editor_client.get(reverse(f"{viewset.url_namespace}:inspect", args=[change.pk]))
    assert inspect.status_code == 200 and b"Retry now" in inspect.content
    with django_capture_on_commit_callbacks(execute=True):  # the task runs inline
        response = editor_client.post(reverse(f"{viewset.url_namespace}:retry", args=[change.pk]))
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == PendingChange.State.DELIVERED
    assert mailchimp.member(ANA)["status"] == "subscribed"


@pytest.mark.urls(__name__)
def test_the_admin_listing_is_read_only(mailchimp, changed, editor_client) -> None:
    change = queued(changed)
    html = editor_client.get(reverse(f"{viewset.url_namespace}:index")).content.decode()
    assert "/edit/" not in html and "/delete/" not in html and "/new/" not in html
    assert editor_client.post(f"/admin/mailchimp-changes/edit/{change.pk}/").status_code == 404


@pytest.mark.urls(__name__)
def test_wagtail_editors_see_the_queue_only_if_they_may_see_subscribers(
    mailchimp, changed, client
) -> None:
    """The queue lists addresses: Editors' own permissions on it are not enough
    (see tests/newsletter/test_admin_permissions.py)."""
    from django.contrib.auth.models import Group, Permission

    editor = get_user_model().objects.create_user("ed", "ed@example.org", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    change = queued(changed)
    refused = client.get(reverse(f"{viewset.url_namespace}:index"))
    assert refused.status_code in (302, 403) and ANA not in refused.content.decode()

    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="newsletter", codename="view_subscriber")
    )
    editor = get_user_model().objects.get(pk=editor.pk)  # drop the permission cache
    client.force_login(editor)
    assert client.get(reverse(f"{viewset.url_namespace}:index")).status_code == 200
    inspect = client.get(reverse(f"{viewset.url_namespace}:inspect", args=[change.pk]))
    assert b"Retry now" in inspect.content


@pytest.mark.urls(__name__)
def test_the_admin_needs_a_login(mailchimp, client) -> None:
    response = client.get(reverse(f"{viewset.url_namespace}:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

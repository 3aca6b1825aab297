"""`newsletter_sync --push --all`: batch operations, progress, and the API-call budget.

The budget: 50,000 subscribers in at most 110 API calls. The push never sends a
`status`, so whoever unsubscribed in Mailchimp stays unsubscribed.
"""

from __future__ import annotations

import io
import time
from io import StringIO

import pytest
from django.core.management import call_command

from directory.models import Topic
from newsletter.mailchimp.audience_setup import run_setup
from newsletter.mailchimp.bulk_push import CHUNK_SIZE, ProgressBar, push_all
from newsletter.mailchimp.models import PendingChange, TopicInterest
from newsletter.models import Subscriber, SubscriberStatus
from tests.factories import ResearcherPageFactory
from tests.fakes.mailchimp import FakeMailchimp

pytestmark = pytest.mark.django_db

LIST = FakeMailchimp.DEFAULT_LIST_ID
N = 50_000
BUDGET = 110


def no_sleep(seconds: float) -> None:
    """Polling waits are injected: the fake finishes batches at once."""


def test_fifty_thousand_subscribers_in_at_most_110_api_calls(mailchimp) -> None:
    run_setup(webhook=False)
    # Like Mailchimp, accept batches at once and work through them in the background
    # (here: while the push waits between polls).
    mailchimp.hold_batches = True
    topic = Topic.objects.get(slug="direct-lithium-extraction")
    researcher = ResearcherPageFactory(email="r0@baterias.ac.uk")
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"r{i}@baterias.ac.uk",
                first_name=f"Persona {i}",
                status=SubscriberStatus.SUBSCRIBED if i % 3 else SubscriberStatus.PENDING,
                language=("en", "es", "pt")[i % 3],
            )
            for i in range(N - 1)
        ]
        + [Subscriber(email="fooboo@example.com", status=SubscriberStatus.SUBSCRIBED)],
        batch_size=5000,
    )
    Subscriber.objects.filter(email="r0@baterias.ac.uk").update(researcher=researcher)
    through = Subscriber.topics.through
    through.objects.bulk_create(
        [
            through(subscriber_id=pk, topic_id=topic.pk)
            for pk in Subscriber.objects.values_list("pk", flat=True)[:1000]
        ]
    )
    mailchimp.add_member("r1@baterias.ac.uk", status="subscribed")
    mailchimp.unsubscribe_in_mailchimp("r1@baterias.ac.uk", by="user")
    mailchimp.add_member("r2@baterias.ac.uk", status="subscribed")
    mailchimp.unsubscribe_in_mailchimp("r2@baterias.ac.uk", by="admin")
    mailchimp.reset_log()

    stream = io.StringIO()
    started = time.monotonic()
    report = push_all(progress=ProgressBar(stream), sleep=lambda s: mailchimp.process_batches())
    elapsed = time.monotonic() - started

    print(f"\n50,000 subscribers: {mailchimp.call_count} API calls, {elapsed:.1f}s")
    assert mailchimp.call_count == report.calls <= BUDGET
    assert report.subscribers == N
    assert report.batches == -(-N // CHUNK_SIZE) + 1  # members, then one batch of tags
    methods = [r.method for r in mailchimp.requests]
    assert methods.count("POST") == report.batches
    assert [r.path for r in mailchimp.requests][0] == f"/lists/{LIST}/members"  # the pull

    members = mailchimp.lists[LIST].members
    assert len(members) == N - 1  # all but the fake-looking address
    puts = [
        op
        for r in mailchimp.requests
        if r.method == "POST" and r.path == "/batches"
        for op in r.body["operations"]
        if op["method"] == "PUT"
    ]
    assert len(puts) == N
    assert all('"status"' not in op["body"] for op in puts)  # only status_if_new

    # Nobody who left is put back; the local records take Mailchimp's state (from the
    # full pull that precedes the push).
    assert mailchimp.member("r1@baterias.ac.uk")["status"] == "unsubscribed"
    assert mailchimp.member("r2@baterias.ac.uk")["status"] == "unsubscribed"
    assert Subscriber.objects.get(email="r1@baterias.ac.uk").status == "unsubscribed"
    assert Subscriber.objects.get(email="r2@baterias.ac.uk").status == "unsubscribed"
    assert report.pulled == 2

    # Per-subscriber errors are recorded for the editors.
    failed = PendingChange.objects.get(state=PendingChange.State.FAILED)
    assert failed.email == "fooboo@example.com"
    assert "looks fake or invalid" in failed.last_error and failed.last_status == 400
    assert report.errors == 1

    dle = TopicInterest.objects.get(topic=topic).interest_id
    assert members[Subscriber.objects.get(email="r5@baterias.ac.uk").subscriber_hash]["interests"][
        dle
    ] in (True, False)
    tagged = mailchimp.rendered_member("r0@baterias.ac.uk")
    assert sorted(t["name"] for t in tagged["tags"]) == ["CL", "researcher"]
    assert "Members: processing" in stream.getvalue()
    assert f"{N:,}/{N:,}" in stream.getvalue()


def test_push_polls_until_batches_finish(mailchimp) -> None:
    Subscriber.objects.bulk_create(
        [Subscriber(email=f"p{i}@baterias.ac.uk", status="subscribed") for i in range(30)]
    )
    mailchimp.hold_batches = True
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            mailchimp.process_batches()  # Mailchimp gets round to them

    report = push_all(chunk_size=10, sleep=sleep)
    assert waits == [1, 2, 4]  # growing poll intervals
    assert report.batches == 3
    polled = [
        r.path.rsplit("/", 1)[1]
        for r in mailchimp.requests
        if r.method == "GET" and r.path.startswith("/batches/")
    ]
    first, second, third = mailchimp.batches  # in submission order
    # Only the oldest unfinished batch is asked about: 3 waits, then one call each.
    assert polled == [first, first, first, first, second, third]
    assert len(mailchimp.lists[LIST].members) == 30


def test_a_refused_batch_is_retried_and_the_push_completes(mailchimp) -> None:
    Subscriber.objects.bulk_create(
        [Subscriber(email=f"q{i}@baterias.ac.uk", status="subscribed") for i in range(5)]
    )
    mailchimp.fail_next(2, status=429, body=False)  # the pull's page
    report = push_all(sleep=no_sleep)
    mailchimp.fail_next(2, status=503)  # the batch POST
    report = push_all(sleep=no_sleep, pull_first=False)
    assert report.errors == 0
    assert len(mailchimp.lists[LIST].members) == 5
    posts = [r for r in mailchimp.requests if r.method == "POST"]
    assert len(posts) == 1 + 3  # one batch each push, the second after two refusals


def test_push_never_revives_a_member_deleted_in_mailchimp(mailchimp) -> None:
    Subscriber.objects.create(email="gone@baterias.ac.uk", status="subscribed")
    mailchimp.add_member("gone@baterias.ac.uk")
    mailchimp.set_member_status("gone@baterias.ac.uk", "archived")
    push_all(sleep=no_sleep)
    assert mailchimp.member("gone@baterias.ac.uk")["status"] != "subscribed"
    assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED


def test_push_command_shows_progress_on_stderr_and_reports_calls(mailchimp) -> None:
    Subscriber.objects.bulk_create(
        [Subscriber(email=f"c{i}@baterias.ac.uk", status="pending") for i in range(20)]
    )
    out, err = StringIO(), StringIO()
    call_command("newsletter_sync", "--push", "--all", stdout=out, stderr=err)
    assert "Pushed 20 subscribers" in out.getvalue() and "API calls" in out.getvalue()
    assert "Members: processing" in err.getvalue()
    assert {m["status"] for m in mailchimp.lists[LIST].members.values()} == {"pending"}


def test_push_needs_all(mailchimp) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("newsletter_sync", "--push")


def test_push_all_never_brings_back_a_contact_archived_in_mailchimp(mailchimp) -> None:
    """Issue 7.2: the webhook was missed; the pull that starts the push must learn of
    the deletion (archived contacts are listed only when asked for), the site must
    record them as having left, and the push must not PUT them (a PUT restores)."""
    Subscriber.objects.create(email="gone@baterias.ac.uk", status=SubscriberStatus.SUBSCRIBED)
    Subscriber.objects.create(email="left@baterias.ac.uk", status=SubscriberStatus.UNSUBSCRIBED)
    Subscriber.objects.create(email="stays@baterias.ac.uk", status=SubscriberStatus.SUBSCRIBED)
    for email in ("gone@baterias.ac.uk", "left@baterias.ac.uk", "stays@baterias.ac.uk"):
        mailchimp.add_member(email)
    mailchimp.archive_in_mailchimp("gone@baterias.ac.uk")
    mailchimp.archive_in_mailchimp("left@baterias.ac.uk")

    report = push_all(sleep=no_sleep)
    assert report.archived == 2 and report.subscribers == 1
    assert mailchimp.member("gone@baterias.ac.uk")["status"] == "archived"
    assert mailchimp.member("left@baterias.ac.uk")["status"] == "archived"
    assert Subscriber.objects.get(email="gone@baterias.ac.uk").status == "unsubscribed"

    again = push_all(sleep=no_sleep, pull_first=False)  # the site remembers
    assert again.archived == 2
    assert mailchimp.member("gone@baterias.ac.uk")["status"] == "archived"

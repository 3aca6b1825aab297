"""The site's own backend: batches, exactly once per recipient, resume after a crash."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from newsletter.issues import services
from newsletter.issues.campaigns import CampaignError
from newsletter.issues.campaigns import local as local_backend
from newsletter.issues.campaigns.local import LocalBackend, delivery_counts
from newsletter.issues.models import (
    Delivery,
    DeliveryState,
    Dispatch,
    DispatchBackend,
    DispatchState,
)
from newsletter.models import SubscriberStatus
from tests.factories import NewsPageFactory, TopicFactory
from tests.newsletter.issue_support import (
    CountingBackend,
    CrashingBackend,
    NewsletterIssuePageFactory,
    make_subscriber,
    recipients_of,
)

pytestmark = pytest.mark.django_db

CONFIRMED = [f"reader{n}@uni.example.org" for n in range(7)]


@pytest.fixture
def audience() -> list[str]:
    """Seven confirmed subscribers, and one of each status that must get nothing."""
    for email in CONFIRMED:
        make_subscriber(email)
    make_subscriber("pending@uni.example.org", SubscriberStatus.PENDING)
    make_subscriber("left@uni.example.org", SubscriberStatus.UNSUBSCRIBED)
    make_subscriber("bounced@uni.example.org", SubscriberStatus.CLEANED)
    return CONFIRMED


@pytest.fixture
def issue():
    return NewsletterIssuePageFactory(subject="Cathodes this month", news=[NewsPageFactory()])


def queue(issue) -> Dispatch:
    """Press "Send now", without running the background task."""
    return services.send_now(issue, enqueue=False)


def run(dispatch: Dispatch, **kwargs) -> local_backend.Counts:
    return LocalBackend().deliver(Dispatch.objects.get(pk=dispatch.pk), **kwargs)


def test_each_confirmed_subscriber_gets_it_exactly_once(audience, issue) -> None:
    counts = run(queue(issue))
    assert recipients_of(mail.outbox) == sorted(audience)
    assert counts.sent == counts.total == len(audience)
    assert Dispatch.objects.get(issue=issue).state == DispatchState.SENT
    # Running it again sends nothing more.
    Dispatch.objects.filter(issue=issue).update(state=DispatchState.SENDING)
    run(Dispatch.objects.get(issue=issue))
    assert len(mail.outbox) == len(audience)


def test_every_message_carries_the_preferences_link_and_one_click_headers(audience, issue) -> None:
    run(queue(issue))
    assert mail.outbox
    for message in mail.outbox:
        assert message.subject == "Cathodes this month"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/newsletter/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
        html = message.alternatives[0][0]
        assert "/newsletter/preferences/" in html
        assert "/newsletter/preferences/" in message.body
        assert message.extra_headers["X-Newsletter-Delivery"]


def test_topic_targeting(issue) -> None:
    lithium, sodium, other = TopicFactory(), TopicFactory(), TopicFactory()
    make_subscriber("li@uni.example.org", topics=[lithium])
    make_subscriber("na@uni.example.org", topics=[sodium])
    make_subscriber("both@uni.example.org", topics=[lithium, sodium])
    make_subscriber("other@uni.example.org", topics=[other])
    make_subscriber("none@uni.example.org")
    make_subscriber("left@uni.example.org", SubscriberStatus.UNSUBSCRIBED, topics=[lithium])
    issue.target_topics.set([lithium, sodium])
    issue.save()
    run(queue(issue))
    assert recipients_of(mail.outbox) == [
        "both@uni.example.org",
        "li@uni.example.org",
        "na@uni.example.org",
    ]


def test_batches_share_one_connection_each(settings, audience, issue) -> None:
    settings.EMAIL_BACKEND = "tests.newsletter.issue_support.CountingBackend"
    CountingBackend.opened = 0
    run(queue(issue), size=3)
    assert CountingBackend.opened == 3  # 7 recipients in batches of 3
    assert len(mail.outbox) == 7


def test_resume_after_the_mail_server_fails_mid_batch(settings, audience, issue) -> None:
    settings.EMAIL_BACKEND = "tests.newsletter.issue_support.CrashingBackend"
    CrashingBackend.attempts, CrashingBackend.crash_after = 0, 5
    dispatch = queue(issue)
    with pytest.raises(ConnectionResetError):
        run(dispatch, size=3)  # the 2nd message of the 2nd batch fails
    assert len(mail.outbox) == 4
    counts = delivery_counts(issue.pk)
    assert (counts.sent, counts.pending, counts.sending) == (4, 3, 0)
    assert Dispatch.objects.get(pk=dispatch.pk).state == DispatchState.SENDING
    assert "ConnectionResetError" in Dispatch.objects.get(pk=dispatch.pk).last_error

    counts = run(dispatch, size=3)  # re-run: only unsent rows go
    assert Counter(recipients_of(mail.outbox)) == Counter(audience)  # each exactly once
    assert counts.sent == counts.total == len(audience) == len(mail.outbox)
    assert Dispatch.objects.get(pk=dispatch.pk).state == DispatchState.SENT


def test_a_crash_between_send_and_mark_is_not_resent(monkeypatch, audience, issue) -> None:
    """At-most-once: the one row whose fate is unknown is reported, not sent twice."""
    real_mark, calls = local_backend.mark_sent, {"n": 0}

    def crash_on_third(delivery_id: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")  # after the message left, before the mark
        real_mark(delivery_id)

    monkeypatch.setattr(local_backend, "mark_sent", crash_on_third)
    dispatch = queue(issue)
    with pytest.raises(SystemExit):
        run(dispatch)
    assert len(mail.outbox) == 3
    assert delivery_counts(issue.pk).sending == 1

    counts = run(dispatch, stale=timedelta(0))
    assert Counter(recipients_of(mail.outbox)) == Counter(audience)  # nobody twice
    assert (counts.sent, counts.unknown, counts.total) == (6, 1, 7)
    assert Dispatch.objects.get(pk=dispatch.pk).state == DispatchState.SENT
    unknown = Delivery.objects.get(issue=issue, state=DeliveryState.UNKNOWN)
    assert "may or may not" in unknown.error

    # The operator, having checked the mail log, may choose at-least-once for it.
    out = StringIO()
    call_command("send_newsletter_issue", issue.pk, "--resend-interrupted", stdout=out)
    assert Counter(recipients_of(mail.outbox))[unknown.subscriber.email] == 2
    assert delivery_counts(issue.pk).sent == 7


def test_a_row_another_worker_is_sending_is_left_alone(audience, issue) -> None:
    dispatch = queue(issue)
    run(dispatch)
    row = Delivery.objects.filter(issue=issue).first()
    Delivery.objects.filter(pk=row.pk).update(
        state=DeliveryState.SENDING, claimed_at=timezone.now()
    )
    Dispatch.objects.filter(pk=dispatch.pk).update(state=DispatchState.SENDING)
    counts = run(dispatch)  # default STALE_AFTER: a fresh claim belongs to a live worker
    assert counts.sending == 1
    assert Dispatch.objects.get(pk=dispatch.pk).state == DispatchState.SENDING


def test_someone_who_unsubscribes_mid_send_gets_nothing(monkeypatch, audience, issue) -> None:
    from newsletter.models import Subscriber

    dispatch = queue(issue)
    LocalBackend()._prepare(Dispatch.objects.get(pk=dispatch.pk))  # rows created...
    Subscriber.objects.filter(email=audience[0]).update(status=SubscriberStatus.UNSUBSCRIBED)
    counts = run(dispatch)  # ...then the person leaves
    assert audience[0] not in recipients_of(mail.outbox)
    assert (counts.sent, counts.skipped) == (6, 1)


def test_a_refused_recipient_is_recorded_and_the_rest_still_go(
    monkeypatch, audience, issue
) -> None:
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages

    def refuse_one(self, messages):
        if messages[0].to == [audience[2]]:
            raise smtplib.SMTPRecipientsRefused({audience[2]: (550, b"No such user")})
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_one)
    counts = run(queue(issue))
    assert (counts.sent, counts.failed) == (6, 1)
    assert "No such user" in Delivery.objects.get(state=DeliveryState.FAILED).error
    assert services.status(issue)["problems"][0].subscriber.email == audience[2]


def test_send_now_runs_in_the_background_task(
    audience, issue, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = services.send_now(issue)
        assert mail.outbox == []  # nothing before the transaction commits
    assert len(mail.outbox) == len(audience)
    dispatch.refresh_from_db()
    assert (dispatch.backend, dispatch.state) == (DispatchBackend.LOCAL, DispatchState.SENT)


def test_cannot_send_twice(audience, issue) -> None:
    run(queue(issue))
    with pytest.raises(CampaignError, match="already been sent"):
        services.send_now(issue)
    assert len(mail.outbox) == len(audience)


def test_content_is_frozen_when_sending_starts(audience, issue) -> None:
    dispatch = queue(issue)
    issue.subject = "Edited after pressing Send"
    issue.save_revision()
    run(dispatch)
    assert {m.subject for m in mail.outbox} == {"Cathodes this month"}


def test_an_empty_issue_is_refused() -> None:
    issue = NewsletterIssuePageFactory(introduction="")
    with pytest.raises(CampaignError, match="empty"):
        services.send_now(issue)
    assert not Dispatch.objects.filter(state=DispatchState.QUEUED).exists()


def test_test_send_goes_to_one_address_only(audience, issue) -> None:
    services.send_test(issue, email="editor@uni.example.org")
    assert [m.to for m in mail.outbox] == [["editor@uni.example.org"]]
    assert mail.outbox[0].subject == "[Test] Cathodes this month"
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Delivery.objects.exists()
    assert Dispatch.objects.get(issue=issue).state == DispatchState.DRAFT


def test_no_test_to_someone_who_left(audience, issue) -> None:
    with pytest.raises(CampaignError, match="Unsubscribed"):
        services.send_test(issue, email="LEFT@uni.example.org")
    assert mail.outbox == []


def test_scheduled_issue_goes_when_due(audience, issue) -> None:
    when = timezone.now() + timedelta(hours=2)
    services.schedule(issue, when=when)
    out = StringIO()
    call_command("send_due_newsletter_issues", stdout=out)
    assert "Nothing due" in out.getvalue()
    assert mail.outbox == []

    Dispatch.objects.filter(issue=issue).update(scheduled_at=timezone.now() - timedelta(minutes=1))
    call_command("send_due_newsletter_issues", stdout=out)
    assert recipients_of(mail.outbox) == sorted(audience)
    assert Dispatch.objects.get(issue=issue).state == DispatchState.SENT


def test_schedule_can_be_cancelled(audience, issue) -> None:
    services.schedule(issue, when=timezone.now() + timedelta(hours=2))
    services.unschedule(issue)
    dispatch = Dispatch.objects.get(issue=issue)
    assert (dispatch.state, dispatch.scheduled_at) == (DispatchState.DRAFT, None)
    with pytest.raises(CampaignError, match="in the future"):
        services.schedule(issue, when=timezone.now() - timedelta(minutes=1))


def test_due_command_resumes_a_stalled_send(settings, audience, issue) -> None:
    settings.EMAIL_BACKEND = "tests.newsletter.issue_support.CrashingBackend"
    CrashingBackend.attempts, CrashingBackend.crash_after = 0, 2
    dispatch = queue(issue)
    with pytest.raises(ConnectionResetError):
        run(dispatch)
    Dispatch.objects.filter(pk=dispatch.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    call_command("send_due_newsletter_issues", stdout=StringIO())
    assert Counter(recipients_of(mail.outbox)) == Counter(audience)
    assert Dispatch.objects.get(pk=dispatch.pk).state == DispatchState.SENT


def test_command_starts_and_reports_progress(audience, issue) -> None:
    with pytest.raises(CommandError, match="--start"):
        call_command("send_newsletter_issue", issue.pk, stdout=StringIO())
    out = StringIO()
    call_command("send_newsletter_issue", issue.pk, "--start", "--batch-size", "3", stdout=out)
    output = out.getvalue()
    assert "[==========" in output  # the progress bar (common.progress)
    assert "3/7" in output and "7/7" in output
    assert "Sent: sent 7" in output
    assert len(mail.outbox) == 7

"""The site sends an issue itself: Django e-mail, in batches, resumable, once per person.

How "exactly once" is kept
--------------------------
1. **One row per recipient, first.** Before any message goes out, a `Delivery`
   row is created for every confirmed subscriber who matches the topics. The
   unique constraint (issue, subscriber) makes this idempotent; rows are created
   once (`Dispatch.prepared_at`), so the audience is the one confirmed when the
   send started, and people who sign up mid-send wait for the next issue.
2. **Claim, send, mark, per row.** Each row moves `pending → sending` with one
   conditional UPDATE (the claim; a second worker running the same issue gets
   0 rows and skips it), then the message is sent over the batch's connection,
   then the row becomes `sent` in its own small transaction (autocommit), right
   away. A batch (default 100) shares one SMTP connection, nothing else.
3. **Just before sending**, the subscriber is read again and
   `newsletter.emails.build_list_email` refuses anyone who is no longer
   subscribed (`NotMailable` → row `skipped`): someone who unsubscribes while
   the issue is going out receives nothing more.

The crash window, and the choice made
-------------------------------------
If the mail backend *raises*, the message was not accepted: the row goes back
to `pending` (or to `failed`, for a recipient the server refuses permanently)
and the run stops; re-running resumes with the rows still pending.

The only ambiguous moment is a crash of the process itself (killed, out of
memory, database gone) after the server accepted a message and before the row
was marked `sent`. That row stays `sending`. We choose **at-most-once** for it:
a resumed run turns `sending` rows older than `STALE_AFTER` into `unknown`
("interrupted: may or may not have been sent") and does *not* send them again.
At most one row per crashed worker can be in that state, and the status panel
and the command show them. Sending twice to a list of researchers is worse
than missing one person once, and the operator can decide otherwise with
`send_newsletter_issue --resend-interrupted` after checking the mail log (the
`X-Newsletter-Delivery` header carries the row's id), which makes those rows
at-least-once.

Languages
---------
The rows are per (English issue, subscriber), so a person receives exactly one
message however many translations there are. Which edition it carries is
decided when it is sent, from the subscriber's language as it is then: their
language's published translation, frozen with the dispatch, or English when
there is none (`Dispatch.edition_for`). The footer and its pages follow the
message's language.

`STALE_AFTER` (NEWSLETTER_ISSUES_STALE_AFTER seconds, default 300) must be
longer than one SMTP send (EMAIL_TIMEOUT), so a row another live worker is
sending right now is never mistaken for an abandoned one.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, Q, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from newsletter.issues.models import (
    Delivery,
    DeliveryState,
    Dispatch,
    DispatchBackend,
    DispatchState,
)
from newsletter.issues.rendering import FOOTER_NONE, sample_subscriber
from newsletter.models import Subscriber, SubscriberStatus

from .base import CampaignBackend, CampaignError

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100
DEFAULT_STALE_AFTER = timedelta(minutes=5)
CREATE_CHUNK = 1000


def batch_size() -> int:
    return int(getattr(settings, "NEWSLETTER_ISSUES_BATCH_SIZE", DEFAULT_BATCH_SIZE))


def stale_after() -> timedelta:
    seconds = getattr(settings, "NEWSLETTER_ISSUES_STALE_AFTER", None)
    return DEFAULT_STALE_AFTER if seconds is None else timedelta(seconds=float(seconds))


@dataclass
class Counts:
    """How far a local send has got; `total` is the number of delivery rows."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.sending + self.sent + self.skipped + self.failed + self.unknown

    @property
    def done(self) -> int:
        return self.total - self.pending - self.sending

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.total,
            "pending": self.pending,
            "sending": self.sending,
            "sent": self.sent,
            "skipped": self.skipped,
            "failed": self.failed,
            "unknown": self.unknown,
        }


def delivery_counts(issue_id: int) -> Counts:
    rows = (
        Delivery.objects.filter(issue_id=issue_id)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = Counts()
    for state, n in rows:
        setattr(counts, state, n)
    return counts


def recipients(dispatch: Dispatch) -> Any:
    """Confirmed subscribers who match the dispatch's topics (all of them if none)."""
    subscribers = Subscriber.objects.filter(status=SubscriberStatus.SUBSCRIBED)
    topic_ids = list(dispatch.topics.values_list("pk", flat=True))
    if topic_ids:
        subscribers = subscribers.filter(topics__in=topic_ids)
    return subscribers.order_by("pk").values_list("pk", flat=True).distinct()


def mark_sent(delivery_id: int) -> None:
    """The row's own small transaction, right after the message was accepted."""
    Delivery.objects.filter(pk=delivery_id, state=DeliveryState.SENDING).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), error=""
    )


def _set_state(delivery_id: int, state: str, error: str = "") -> None:
    Delivery.objects.filter(pk=delivery_id, state=DeliveryState.SENDING).update(
        state=state, error=error[:2000]
    )


def _release(delivery_id: int) -> None:
    Delivery.objects.filter(pk=delivery_id, state=DeliveryState.SENDING).update(
        state=DeliveryState.PENDING, claimed_at=None
    )


def _permanent_refusal(exc: BaseException) -> bool:
    """The server refused this one message for good; other recipients can still go."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


class LocalBackend(CampaignBackend):
    name = DispatchBackend.LOCAL
    footer = FOOTER_NONE

    # --- the interface --------------------------------------------------------

    def send_test(self, dispatch: Dispatch, email: str, edition: Any = None) -> None:
        """One message (one edition: a language) to one address, built for that
        subscriber if there is one, else a stand-in; its footer links lead to a page
        saying it was a test."""
        from newsletter.emails import NotMailable, build_list_email
        from newsletter.issues.testmail import point_links_at_test_page

        edition = edition or dispatch
        subscriber = Subscriber.objects.for_email(email).first() or sample_subscriber(email)
        try:
            message = build_list_email(
                subscriber,
                f"[Test] {edition.subject}",
                edition.text,
                edition.html,
                language=edition.language,
            )
        except NotMailable as exc:
            raise CampaignError(
                gettext("%(email)s is not subscribed to the list (%(reason)s).")
                % {"email": email, "reason": exc}
            ) from exc
        message.to = [email]
        point_links_at_test_page(message)
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("Test e-mail to %s failed: %s", email, exc)
            raise CampaignError(
                gettext("The mail server did not accept the test e-mail: %(error)s")
                % {"error": exc}
            ) from exc

    def send(self, dispatch: Dispatch, *, enqueue: bool = True) -> None:
        """Queue the background task (after commit, so the worker sees the dispatch);
        the page's admin shows progress from the rows."""
        from newsletter.issues.tasks import send_issue

        dispatch.state = DispatchState.QUEUED
        dispatch.last_error = ""
        dispatch.save()
        if enqueue:
            dispatch_id = dispatch.pk
            transaction.on_commit(lambda: send_issue.enqueue(dispatch_id))

    def schedule(self, dispatch: Dispatch, when: datetime) -> None:
        """`send_due_newsletter_issues` (cron, every few minutes) sends it when due."""
        self.validate_schedule_time(when)
        dispatch.state = DispatchState.SCHEDULED
        dispatch.scheduled_at = when
        dispatch.last_error = ""
        dispatch.save()

    def unschedule(self, dispatch: Dispatch) -> None:
        updated = Dispatch.objects.filter(pk=dispatch.pk, state=DispatchState.SCHEDULED).update(
            state=DispatchState.DRAFT, scheduled_at=None
        )
        if not updated:
            raise CampaignError(gettext("Too late to cancel: the issue has started sending."))
        dispatch.refresh_from_db()

    def refresh(self, dispatch: Dispatch) -> dict[str, Any]:
        return {"counts": delivery_counts(dispatch.issue_id)}

    # --- the run --------------------------------------------------------------

    def deliver(
        self,
        dispatch: Dispatch,
        *,
        progress: Callable[[Counts], None] | None = None,
        resend_interrupted: bool = False,
        size: int | None = None,
        stale: timedelta | None = None,
    ) -> Counts:
        """Send (or resume sending) a queued dispatch; safe to run again at any time.

        Returns the counts at the end. Raises whatever the mail backend raised if
        a batch could not be sent (the rows stay pending for the next run).
        """
        size = size or batch_size()
        stale = stale_after() if stale is None else stale
        if not self._start(dispatch):
            return delivery_counts(dispatch.issue_id)
        self._prepare(dispatch)
        self._settle_interrupted(dispatch, stale, resend_interrupted)
        if progress:
            progress(delivery_counts(dispatch.issue_id))
        prefetch_related_objects([dispatch], "editions")  # once: edition_for() reads it
        while True:
            batch = list(
                Delivery.objects.filter(issue_id=dispatch.issue_id, state=DeliveryState.PENDING)
                .order_by("pk")
                .values_list("pk", "subscriber_id")[:size]
            )
            if not batch:
                break
            with get_connection() as connection:
                for delivery_id, subscriber_id in batch:
                    self._deliver_one(dispatch, delivery_id, subscriber_id, connection)
            Dispatch.objects.filter(pk=dispatch.pk).update(heartbeat_at=timezone.now())
            if progress:
                progress(delivery_counts(dispatch.issue_id))
        return self._finish(dispatch, stale)

    def _start(self, dispatch: Dispatch) -> bool:
        now = timezone.now()
        started = Dispatch.objects.filter(
            pk=dispatch.pk, state__in=[DispatchState.QUEUED, DispatchState.SENDING]
        ).update(
            state=DispatchState.SENDING,
            started_at=Coalesce("started_at", now),
            heartbeat_at=now,
        )
        dispatch.refresh_from_db()
        return bool(started)

    def _prepare(self, dispatch: Dispatch) -> None:
        """Create every delivery row once, before the first message."""
        if dispatch.prepared_at is not None:
            return
        with transaction.atomic():
            locked = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
            if locked.prepared_at is None:
                chunk: list[Delivery] = []
                for subscriber_id in recipients(locked).iterator(chunk_size=CREATE_CHUNK):
                    chunk.append(Delivery(issue_id=locked.issue_id, subscriber_id=subscriber_id))
                    if len(chunk) >= CREATE_CHUNK:
                        Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
                        chunk = []
                if chunk:
                    Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
                locked.prepared_at = timezone.now()
                locked.save(update_fields=["prepared_at", "updated_at"])
        dispatch.refresh_from_db()

    def _settle_interrupted(self, dispatch: Dispatch, stale: timedelta, resend: bool) -> None:
        """Rows left `sending` by a dead worker: unknown (default) or pending again."""
        abandoned = Delivery.objects.filter(
            issue_id=dispatch.issue_id,
            state=DeliveryState.SENDING,
            claimed_at__lte=timezone.now() - stale,
        )
        if resend:
            abandoned.update(state=DeliveryState.PENDING, claimed_at=None)
            Delivery.objects.filter(issue_id=dispatch.issue_id, state=DeliveryState.UNKNOWN).update(
                state=DeliveryState.PENDING, claimed_at=None, error=""
            )
        else:
            n = abandoned.update(
                state=DeliveryState.UNKNOWN,
                error="Interrupted while sending: it may or may not have been delivered.",
            )
            if n:
                logger.warning("Issue %s: %d interrupted deliveries not resent", dispatch.pk, n)

    def _deliver_one(
        self, dispatch: Dispatch, delivery_id: int, subscriber_id: int, connection: Any
    ) -> None:
        from newsletter.emails import NotMailable, build_list_email

        claimed = Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).update(
            state=DeliveryState.SENDING, claimed_at=timezone.now()
        )
        if not claimed:
            return  # another worker has it, or it was settled meanwhile
        subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
        if subscriber is None:  # erased mid-send: its row went with it
            return
        edition = dispatch.edition_for(subscriber.language)
        try:
            message = build_list_email(
                subscriber,
                edition.subject,
                edition.text,
                edition.html,
                connection=connection,
                headers={"X-Newsletter-Delivery": str(delivery_id)},
                language=edition.language,
            )
        except NotMailable as exc:
            _set_state(delivery_id, DeliveryState.SKIPPED, str(exc))
            return
        except Exception:  # e.g. a template error: nothing was sent, stop the run
            _release(delivery_id)
            raise
        try:
            message.send()
        except Exception as exc:
            if _permanent_refusal(exc):
                logger.info("Delivery %s refused: %s", delivery_id, exc)
                _set_state(delivery_id, DeliveryState.FAILED, f"{type(exc).__name__}: {exc}")
                return
            _release(delivery_id)
            Dispatch.objects.filter(pk=dispatch.pk).update(
                last_error=f"{gettext('Sending stopped:')} {type(exc).__name__}: {exc}"[:2000]
            )
            raise
        mark_sent(delivery_id)

    def _finish(self, dispatch: Dispatch, stale: timedelta) -> Counts:
        counts = delivery_counts(dispatch.issue_id)
        if counts.pending == 0 and counts.sending == 0:
            Dispatch.objects.filter(pk=dispatch.pk, state=DispatchState.SENDING).update(
                state=DispatchState.SENT, finished_at=timezone.now(), last_error=""
            )
        dispatch.refresh_from_db()
        return counts


def due_dispatches(now: datetime | None = None) -> list[int]:
    """Local dispatches to run now: scheduled and due, or queued/sending but silent
    for longer than STALE_AFTER (a lost task or a crashed worker: resume them)."""
    now = now or timezone.now()
    quiet_since = now - stale_after()
    due = list(
        Dispatch.objects.filter(
            backend=DispatchBackend.LOCAL,
            state=DispatchState.SCHEDULED,
            scheduled_at__lte=now,
        ).values_list("pk", flat=True)
    )
    for pk in due:
        Dispatch.objects.filter(pk=pk, state=DispatchState.SCHEDULED).update(
            state=DispatchState.QUEUED
        )
    silent = Q(heartbeat_at__lte=quiet_since) | Q(
        heartbeat_at__isnull=True, requested_at__lte=quiet_since
    )
    stalled = Dispatch.objects.filter(
        silent,
        backend=DispatchBackend.LOCAL,
        state__in=[DispatchState.QUEUED, DispatchState.SENDING],
    )
    return sorted(set(due) | set(stalled.values_list("pk", flat=True)))

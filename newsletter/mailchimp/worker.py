"""Delivering the outbox: one worker at a time, retries with backoff, nothing lost.

A change leaves the outbox only when Mailchimp has accepted it (`delivered`) or
has refused it for good (`failed`, with Mailchimp's message, for the editors).
Rate limits, server faults, body-less 403s, timeouts and network errors keep it
open (`retrying`) with exponential backoff and full jitter. When Mailchimp looks
down, the run stops early rather than spending a timeout on every change.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Max, Min
from django.utils import timezone

from newsletter.mailchimp.client import Api, MailchimpError, is_configured
from newsletter.mailchimp.deliver import deliver_change
from newsletter.mailchimp.models import PendingChange, SyncState
from newsletter.mailchimp.outbox import scrub_erased
from newsletter.models import normalise_email

logger = logging.getLogger(__name__)

BACKOFF_BASE = 1.0  # seconds
BACKOFF_CAP = 3600.0  # one hour
LEASE = timedelta(minutes=5)
KEEP_FINISHED = timedelta(days=30)
LOCK_KEY = "deliver-lock"
SCHEDULED_KEY = "deliver-scheduled"
OPEN = PendingChange.OPEN_STATES

_rng = random.Random()


def backoff_delay(attempts: int, rng: random.Random | None = None) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**(attempts-1))] seconds."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempts - 1, 0))
    return (rng or _rng).uniform(0, ceiling)


def is_retryable(err: MailchimpError) -> bool:
    """Worth trying again: the client's transient faults, plus account and audience
    problems (401, 403 with a body, 404 on the list) that an operator can fix, so
    that fixing them delivers everything that waited. Other 4xx never succeed."""
    return err.retryable or err.status in (401, 403, 404)


def looks_down(err: MailchimpError) -> bool:
    """Errors that say "not now" for every call, not just this one."""
    return err.retryable or err.status == 401


def error_text(err: MailchimpError) -> str:
    return str(err)


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    retrying: int = 0
    deferred: int = 0
    calls: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "delivered": self.delivered,
            "failed": self.failed,
            "retrying": self.retrying,
            "deferred": self.deferred,
            "calls": self.calls,
        }


def _acquire(now: datetime) -> bool:
    SyncState.objects.get_or_create(key=LOCK_KEY)
    free = models.Q(locked_until__isnull=True) | models.Q(locked_until__lte=now)
    return SyncState.objects.filter(free, key=LOCK_KEY).update(locked_until=now + LEASE) == 1


def _renew(now: datetime) -> None:
    SyncState.objects.filter(key=LOCK_KEY).update(locked_until=now + LEASE)


def _release() -> None:
    SyncState.objects.filter(key=LOCK_KEY).update(locked_until=None)


def _due(now: datetime, exclude: set[int]) -> PendingChange | None:
    return (
        PendingChange.objects.filter(state__in=OPEN, next_attempt_at__lte=now)
        .exclude(pk__in=exclude)
        .order_by("next_attempt_at", "id")
        .first()
    )


def _finish(change: PendingChange, **fields) -> bool:
    """Close the row unless it was coalesced meanwhile (then it is delivered again)."""
    fields.setdefault("updated_at", timezone.now())
    return (
        PendingChange.objects.filter(pk=change.pk, revision=change.revision).update(**fields) == 1
    )


def _record_failure(
    change: PendingChange, err: MailchimpError, now: datetime, rng: random.Random | None
) -> str:
    attempts = change.attempts + 1
    if is_retryable(err):
        delay = backoff_delay(attempts, rng)
        PendingChange.objects.filter(pk=change.pk).update(
            state=PendingChange.State.RETRYING,
            attempts=attempts,
            next_attempt_at=now + timedelta(seconds=delay),
            last_error=error_text(err),
            last_status=err.status,
            updated_at=timezone.now(),
        )
        return PendingChange.State.RETRYING
    PendingChange.objects.filter(pk=change.pk).update(
        state=PendingChange.State.FAILED,
        attempts=attempts,
        last_error=error_text(err),
        last_status=err.status,
        updated_at=timezone.now(),
    )
    return PendingChange.State.FAILED


def _defer_rest(now: datetime, err: MailchimpError, rng: random.Random | None) -> int:
    """Mailchimp is unreachable: push every other due change back by a short backoff,
    recording why, without spending a call (or a timeout) on each."""
    rest = PendingChange.objects.filter(state__in=OPEN, next_attempt_at__lte=now)
    count = 0
    for change in rest.only("pk", "attempts"):
        delay = backoff_delay(max(change.attempts, 1), rng)
        count += PendingChange.objects.filter(pk=change.pk, state__in=OPEN).update(
            next_attempt_at=now + timedelta(seconds=delay),
            last_error=f"Not attempted, Mailchimp unavailable: {error_text(err)}",
            last_status=err.status,
            updated_at=timezone.now(),
        )
    return count


def deliver_one(
    api: Api, change: PendingChange, now: datetime, rng: random.Random | None = None
) -> tuple[str, MailchimpError | None]:
    """Deliver one change and record the outcome on its row; returns (state, error)."""
    try:
        outcome = deliver_change(api, change)
    except MailchimpError as err:
        logger.warning("Mailchimp refused change %s: %s", change.pk, err)
        return _record_failure(change, err, now, rng), err
    is_erase = change.action == PendingChange.Action.ERASE
    state = PendingChange.State.SUPERSEDED if outcome.gone else PendingChange.State.DELIVERED
    closed = _finish(
        change,
        state=state,
        attempts=change.attempts + 1,
        delivered_at=timezone.now(),
        last_error=outcome.note,
        last_status=None,
    )
    if closed and is_erase:
        scrub_erased(change.email, change.previous_email, change.pk)
    if not closed:
        # Coalesced while in flight: count the attempt, deliver the newer data next.
        PendingChange.objects.filter(pk=change.pk).update(attempts=models.F("attempts") + 1)
        return PendingChange.State.QUEUED, None
    if is_erase or state == PendingChange.State.DELIVERED:
        _supersede_older_failures(change)
    return state, None


def _supersede_older_failures(change: PendingChange) -> None:
    """A later successful delivery makes older failed upserts of the person moot."""
    if change.subscriber_id is None:
        return
    PendingChange.objects.filter(
        subscriber_id=change.subscriber_id,
        action=PendingChange.Action.UPSERT,
        state=PendingChange.State.FAILED,
        pk__lt=change.pk,
    ).update(state=PendingChange.State.SUPERSEDED, updated_at=timezone.now())


def deliver_due(
    now: datetime | None = None,
    rng: random.Random | None = None,
    api: Api | None = None,
    limit: int = 1000,
    schedule: bool = True,
) -> DeliveryReport:
    """Deliver every change that is due at `now`, each at most once per run.

    `now` and `rng` are injectable so tests never sleep: pass a time past the
    backoff to see retries happen. Only one run works at a time (a lease in
    SyncState); a run that finds the lease taken returns at once, and the
    holder re-checks for due changes after releasing it, so none is stranded.
    """
    report = DeliveryReport()
    if not is_configured():
        return report
    seen: set[int] = set()  # one attempt per change per call, however small its backoff
    while True:
        current = now or timezone.now()
        if not _acquire(current):
            logger.info("Another Mailchimp delivery run holds the lease")
            break
        try:
            _run(current, rng, api, limit, report, seen)
        finally:
            _release()
        if report.retrying or len(seen) >= limit or now is not None:
            break  # Mailchimp is struggling, enough for one call, or an injected clock
        if _due(timezone.now(), exclude=seen) is None:
            break  # nothing new arrived while we held the lease
    if schedule:
        schedule_next_run(now or timezone.now())
    return report


def _run(
    now: datetime,
    rng: random.Random | None,
    api: Api | None,
    limit: int,
    report: DeliveryReport,
    seen: set[int],
) -> None:
    api_used: Api | None = api
    while len(seen) < limit:
        change = _due(now, seen)
        if change is None:
            break
        seen.add(change.pk)
        if api_used is None:
            api_used = Api()
        calls_before = api_used.calls
        state, err = deliver_one(api_used, change, now, rng)
        report.calls += api_used.calls - calls_before
        if state == PendingChange.State.QUEUED:
            seen.discard(change.pk)  # coalesced in flight: deliver the newer data too
        elif state in (PendingChange.State.DELIVERED, PendingChange.State.SUPERSEDED):
            report.delivered += 1
        elif state == PendingChange.State.FAILED:
            report.failed += 1
            report.errors.append(f"{change}: {err}")
        elif state == PendingChange.State.RETRYING:
            report.retrying += 1
            report.errors.append(f"{change}: {err}")
            if err is not None and looks_down(err):
                report.deferred += _defer_rest(now, err, rng)
                break
        _renew(now)


def deliver_erasures(email: str, api: Api | None = None) -> int:
    """Delete `email` permanently in Mailchimp now, for "Delete my profile and account".

    Delivers every erasure of the address still waiting in the outbox, a refused
    one included (the person asked for it; an editor's "Retry now" would do the
    same). A member Mailchimp no longer knows counts as done (deliver_erase).
    Raises MailchimpError if any is not delivered, so the caller can retry; the
    row stays open, so the outbox's own retries may deliver it first, and then
    there is nothing left to do here. Returns how many were delivered. Only
    erasures are delivered: nothing here writes a member.
    """
    address = normalise_email(email)
    if not address or not is_configured():
        return 0
    waiting = (
        PendingChange.objects.filter(action=PendingChange.Action.ERASE, email=address)
        .exclude(state__in=(PendingChange.State.DELIVERED, PendingChange.State.SUPERSEDED))
        .order_by("id")
    )
    delivered = 0
    for change in waiting:
        api = api or Api()
        state, err = deliver_one(api, change, timezone.now())
        if err is not None:
            raise err
        if state != PendingChange.State.DELIVERED:
            raise MailchimpError(None, "Not delivered", f"erasure {change.pk} changed meanwhile")
        delivered += 1
    return delivered


def schedule_next_run(now: datetime) -> None:
    """Re-enqueue the delivery task for the earliest retry, if the backend can defer.

    The immediate backend cannot; then `newsletter_sync --deliver` from cron (or
    the next local change) picks retries up. A run already scheduled at or before
    the time needed is not duplicated.
    """
    from newsletter.mailchimp.tasks import deliver_pending_changes

    backend = deliver_pending_changes.get_backend()
    if not backend.supports_defer:
        return
    earliest = PendingChange.objects.filter(state__in=OPEN).aggregate(t=Min("next_attempt_at"))["t"]
    if earliest is None:
        return
    run_after = max(earliest, now)
    scheduled = SyncState.get_value(SCHEDULED_KEY)
    if scheduled:
        try:
            at = datetime.fromisoformat(scheduled)
        except ValueError:
            at = None
        if at is not None and now < at <= run_after:
            return
    try:
        deliver_pending_changes.using(run_after=run_after).enqueue()
    except Exception:  # noqa: BLE001 - the sweep command is the safety net
        logger.exception("Could not schedule the next Mailchimp delivery run")
        return
    SyncState.set_value(SCHEDULED_KEY, run_after.isoformat())


def prune_finished(now: datetime | None = None, keep: timedelta = KEEP_FINISHED) -> int:
    """Delete delivered and superseded rows older than `keep`, so the outbox does not
    grow for ever; each subscriber's latest upsert stays (it holds the status the
    outbox last knew, which tells a confirmation from an edit). Failed rows stay
    until a later delivery supersedes them."""
    cutoff = (now or timezone.now()) - keep
    latest = (
        PendingChange.objects.filter(subscriber__isnull=False, action=PendingChange.Action.UPSERT)
        .values("subscriber_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    finished = PendingChange.objects.filter(
        state__in=(PendingChange.State.DELIVERED, PendingChange.State.SUPERSEDED),
        updated_at__lt=cutoff,
    ).exclude(pk__in=latest)
    deleted, _ = finished.delete()
    return deleted

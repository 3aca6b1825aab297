"""Queueing local changes for Mailchimp: the write side of the outbox.

Everything here runs inside the caller's transaction, so a change is stored if
and only if the subscriber change it describes is committed. The worker is only
told after commit (`transaction.on_commit`); if telling it fails, the row is
still there and `newsletter_sync --deliver` (or the next change) delivers it.
"""

from __future__ import annotations

import logging

from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from newsletter.mailchimp.client import is_configured
from newsletter.mailchimp.models import PendingChange, email_hash
from newsletter.models import Subscriber, SubscriberStatus
from newsletter.models.subscribers import normalise_email

logger = logging.getLogger(__name__)

OPEN = PendingChange.OPEN_STATES


def enqueue_delivery() -> None:
    """Ask the task worker to deliver due changes; never raises (the outbox is durable)."""
    from newsletter.mailchimp.tasks import deliver_pending_changes

    try:
        deliver_pending_changes.enqueue()
    except Exception:  # noqa: BLE001 - a broken queue must not break the request
        logger.exception("Could not enqueue Mailchimp delivery; the sweep will deliver it")


def _reference(subscriber: Subscriber, open_change: PendingChange | None) -> PendingChange | None:
    """The change that holds the status the outbox last knew for this subscriber."""
    if open_change is not None:
        return open_change
    return (
        PendingChange.objects.filter(subscriber=subscriber, action=PendingChange.Action.UPSERT)
        .order_by("-id")
        .first()
    )


def _infer_confirmed(subscriber: Subscriber, reference: PendingChange | None) -> bool:
    """A completed double opt-in seen through the outbox: last known `pending`, now
    `subscribed`, and `confirmed_at` set after that change was queued (an editor
    flipping the status by hand does not count)."""
    return (
        subscriber.status == SubscriberStatus.SUBSCRIBED
        and reference is not None
        and reference.local_status == SubscriberStatus.PENDING
        and subscriber.confirmed_at is not None
        and subscriber.confirmed_at > reference.created_at
    )


def queue_upsert(
    subscriber: Subscriber,
    previous_email: str | None = None,
    confirmed: bool | None = None,
) -> PendingChange | None:
    """Queue (or coalesce into the open) upsert for `subscriber`.

    `confirmed=True` says the person has just completed double opt-in, the only
    case in which the sync sends `status: subscribed` for an existing member;
    None infers it (see _infer_confirmed). A subscriber who has just become
    `pending` (a sign-up, or a sign-up again after leaving) is marked `reopt_in`:
    if Mailchimp has them as unsubscribed or cleaned, the sync asks it for
    `pending`, and Mailchimp sends its own confirmation e-mail.
    Returns None when Mailchimp is not configured (nothing is queued).
    """
    if not is_configured():
        return None
    previous = normalise_email(previous_email or "")
    if previous == subscriber.email:
        previous = ""
    with transaction.atomic():
        open_change = (
            PendingChange.objects.select_for_update()
            .filter(subscriber=subscriber, action=PendingChange.Action.UPSERT, state__in=OPEN)
            .order_by("id")
            .first()
        )
        reference = _reference(subscriber, open_change)
        if confirmed is None:
            confirmed = _infer_confirmed(subscriber, reference)
        reopt_in = subscriber.status == SubscriberStatus.PENDING and (
            reference is None or reference.local_status != SubscriberStatus.PENDING
        )
        if open_change is None:
            change = PendingChange.objects.create(
                subscriber=subscriber,
                email=subscriber.email,
                previous_email=previous,
                action=PendingChange.Action.UPSERT,
                confirm=bool(confirmed),
                reopt_in=reopt_in,
                local_status=subscriber.status,
            )
        else:
            # Mailchimp still has the member under the address of the oldest
            # undelivered move; A -> B -> A needs no move at all.
            keep_previous = open_change.previous_email or previous
            if keep_previous == subscriber.email:
                keep_previous = ""
            PendingChange.objects.filter(pk=open_change.pk).update(
                email=subscriber.email,
                previous_email=keep_previous,
                confirm=open_change.confirm or bool(confirmed),
                reopt_in=open_change.reopt_in or reopt_in,
                local_status=subscriber.status,
                revision=models.F("revision") + 1,
                updated_at=timezone.now(),
            )
            change = PendingChange.objects.get(pk=open_change.pk)
        transaction.on_commit(enqueue_delivery)
    return change


def queue_reconfirm(subscriber: Subscriber) -> PendingChange | None:
    """Mailchimp said `subscribed` for someone who had left on the site: the sync asks
    it for `pending`, so Mailchimp sends its confirmation e-mail and the person is
    mailed again only once they confirm (Mailchimp's word alone is no opt-in the
    site can check: an admin there can add anyone)."""
    change = queue_upsert(subscriber)
    if change is not None:
        PendingChange.objects.filter(pk=change.pk).update(reconfirm=True)
        change.reconfirm = True
    return change


def queue_erase(email: str) -> PendingChange | None:
    """Queue the permanent deletion of `email` (and of any address not yet moved from).

    Open upserts for the person are superseded: delivering them after the erase
    would re-create the member.
    """
    if not is_configured():
        return None
    email = normalise_email(email)
    if not email:
        return None
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.alias(email_lower=Lower("email")).filter(email_lower=email).first()
        )
        open_upserts = PendingChange.objects.select_for_update().filter(
            action=PendingChange.Action.UPSERT, state__in=OPEN
        )
        if subscriber is not None:
            open_upserts = open_upserts.filter(
                models.Q(subscriber=subscriber) | models.Q(email=email)
            )
        else:
            open_upserts = open_upserts.filter(email=email)
        previous = next(
            (c.previous_email for c in open_upserts.order_by("id") if c.previous_email), ""
        )
        open_upserts.update(
            state=PendingChange.State.SUPERSEDED,
            last_error="Superseded by an erasure.",
            updated_at=timezone.now(),
        )
        change = PendingChange.objects.create(
            subscriber=subscriber,
            email=email,
            previous_email=previous if previous != email else "",
            action=PendingChange.Action.ERASE,
            local_status="",
        )
        transaction.on_commit(enqueue_delivery)
    return change


def note_remote_status(subscriber_id: int, status: str) -> None:
    """Record a status the sync took from Mailchimp, so the next local change does not
    mistake it for a confirmation by the person (see queue_upsert)."""
    latest = (
        PendingChange.objects.filter(
            subscriber_id=subscriber_id, action=PendingChange.Action.UPSERT
        )
        .order_by("-id")
        .values_list("pk", flat=True)
        .first()
    )
    if latest is not None:
        PendingChange.objects.filter(pk=latest).update(local_status=status)


def retry_now(change: PendingChange) -> bool:
    """Put a failed or waiting change back at the front of the queue (admin action)."""
    if change.state not in (*OPEN, PendingChange.State.FAILED):
        return False
    with transaction.atomic():
        PendingChange.objects.filter(pk=change.pk).update(
            state=PendingChange.State.QUEUED,
            next_attempt_at=timezone.now(),
            attempts=0 if change.state == PendingChange.State.FAILED else change.attempts,
            revision=models.F("revision") + 1,
            updated_at=timezone.now(),
        )
        transaction.on_commit(enqueue_delivery)
    return True


def scrub_erased(email: str, previous_email: str, keep_pk: int) -> None:
    """After an erasure is delivered, keep no copy of the addresses in finished rows."""
    addresses = [a for a in (email, previous_email) if a]
    finished = PendingChange.objects.exclude(state__in=OPEN).exclude(pk=keep_pk)
    finished.filter(models.Q(email__in=addresses) | models.Q(previous_email__in=addresses)).delete()
    PendingChange.objects.filter(pk=keep_pk).update(email="", previous_email="")


__all__ = [
    "email_hash",
    "enqueue_delivery",
    "note_remote_status",
    "queue_erase",
    "queue_reconfirm",
    "queue_upsert",
    "retry_now",
    "scrub_erased",
]

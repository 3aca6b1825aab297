"""Taking state from Mailchimp into the local records: one set of rules for every path.

Webhooks, `newsletter_sync --pull`, the answers to our own writes and the bulk
push all end here, so "never re-subscribe anyone who left" is decided in one
place. Nothing here sends `subscriber_changed`: a change that came from
Mailchimp must not be queued back to Mailchimp (that would be an echo loop).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from newsletter.mailchimp.interests import interest_map
from newsletter.mailchimp.models import PendingChange
from newsletter.mailchimp.outbox import note_remote_status, queue_reconfirm
from newsletter.models import Subscriber, SubscriberStatus
from newsletter.models.subscribers import NewsletterLanguage

LEFT = (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.CLEANED)
ARCHIVED = "archived"
MIN_TIME = datetime.min.replace(tzinfo=UTC)


def by_email(email: str, queryset: models.QuerySet | None = None) -> models.QuerySet:
    """Subscribers with this address, through the LOWER(email) unique index (a plain
    `email=` filter cannot use it on PostgreSQL)."""
    queryset = Subscriber.objects.all() if queryset is None else queryset
    return queryset.alias(email_lower=Lower("email")).filter(email_lower=email.strip().lower())


def parse_time(value: str | None) -> datetime | None:
    """Mailchimp's timestamps: ISO 8601 in the API, "YYYY-MM-DD HH:MM:SS" (UTC) in webhooks."""
    if not value:
        return None
    parsed = parse_datetime(str(value).strip().replace(" ", "T", 1))
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def local_language(value: str | None) -> str | None:
    """Mailchimp's language code (`es`, `es_ES`, `pt_PT`) → one of ours, or None."""
    code = (value or "").strip().lower().replace("-", "_").split("_", 1)[0]
    return code if code in NewsletterLanguage.values else None


def has_open_changes(subscriber: Subscriber) -> bool:
    return PendingChange.objects.filter(
        subscriber=subscriber, state__in=PendingChange.OPEN_STATES
    ).exists()


def erasure_waiting(email: str) -> bool:
    """Whether the permanent delete of `email` is still waiting in the outbox: the
    person asked to be forgotten, so Mailchimp's copy must not bring them back."""
    return PendingChange.objects.filter(
        action=PendingChange.Action.ERASE,
        email=email,
        state__in=(*PendingChange.OPEN_STATES, PendingChange.State.FAILED),
    ).exists()


def pending_since(subscriber: Subscriber) -> datetime:
    """When the local sign-up that is awaiting confirmation started (best evidence)."""
    stamps = [subscriber.created_at, subscriber.confirmation_sent_at, subscriber.updated_at]
    return max(s for s in stamps if s is not None)


def status_update(
    subscriber: Subscriber, remote: str, at: datetime, *, after_own_write: bool = False
) -> dict:
    """The field changes that take Mailchimp's status `remote` (seen at `at`) locally.

    - unsubscribed/cleaned there: a locally subscribed person takes it; a locally
      pending person only if it happened after their sign-up started (a person
      who signs up again must not be thrown out by their old unsubscribe).
    - subscribed there: the person opted in at Mailchimp; a pending person is
      confirmed. One who left locally is never re-subscribed by it: if the opt-in
      is newer than their leaving they become pending and Mailchimp is asked for
      double opt-in; if older, nothing changes.
    - archived (deleted there) counts as unsubscribed.
    - pending, transactional: nothing.

    `after_own_write`: the answer to our own write, whose `last_changed` is ours,
    not the person's: then a pending person never leaves and nobody who left
    locally comes back.
    """
    local = subscriber.status
    if remote == ARCHIVED:
        remote = SubscriberStatus.UNSUBSCRIBED  # deleted there: no mail reaches them
    if remote in LEFT:
        if local == SubscriberStatus.SUBSCRIBED or (
            local == SubscriberStatus.PENDING
            and not after_own_write
            and at > pending_since(subscriber)
        ):
            return {"status": remote, "unsubscribed_at": at}
        return {}
    if remote == SubscriberStatus.SUBSCRIBED:
        if local == SubscriberStatus.PENDING:
            return {"status": remote, "confirmed_at": at}
        if local in LEFT and not after_own_write and at > (subscriber.unsubscribed_at or MIN_TIME):
            # They left on the site: Mailchimp's word is no opt-in the site can
            # check (an admin there can add anyone), so they become pending and
            # save_remote() asks Mailchimp for double opt-in (see queue_reconfirm).
            return {"status": SubscriberStatus.PENDING}
    return {}


def save_remote(subscriber: Subscriber, changes: dict, *, expect_status: str | None = None) -> bool:
    """Write `changes` without signals; skip if the status moved meanwhile (lost race).

    Returns True when the row was written. `updated_at` is bumped only for real
    changes, not for bookkeeping like `mailchimp_last_changed`.
    """
    if not changes:
        return False
    fields = dict(changes)
    if set(fields) - {"mailchimp_last_changed"}:
        fields["updated_at"] = timezone.now()
    was = subscriber.status
    rows = Subscriber.objects.filter(pk=subscriber.pk)
    if expect_status is not None:
        rows = rows.filter(status=expect_status)
    written = rows.update(**fields) == 1
    if written:
        for name, value in fields.items():
            setattr(subscriber, name, value)
        if "status" in changes:
            note_remote_status(subscriber.pk, changes["status"])
            if changes["status"] == SubscriberStatus.PENDING and was in LEFT:
                queue_reconfirm(subscriber)
    return written


def set_topics(subscriber: Subscriber, topic_ids: list[int] | None) -> None:
    """Set the subscriber's topics among the linked ones (unlinked topics are kept)."""
    if topic_ids is None:
        return
    linked = set(interest_map())
    current = set(subscriber.topics.values_list("pk", flat=True))
    wanted = (current - linked) | set(topic_ids)
    if wanted != current:
        subscriber.topics.set(wanted)


def profile_update(
    subscriber: Subscriber | None,
    merge_fields: Mapping[str, str],
    language: str | None,
) -> dict:
    """Names and language from Mailchimp, for fields it actually sent."""
    changes: dict = {}
    for tag, field in (("FNAME", "first_name"), ("LNAME", "last_name")):
        if tag in merge_fields:
            value = str(merge_fields[tag] or "")[:120]
            if subscriber is None or getattr(subscriber, field) != value:
                changes[field] = value
    lang = local_language(language)
    if lang and (subscriber is None or subscriber.language != lang):
        changes["language"] = lang
    return changes


@transaction.atomic
def create_from_remote(
    email: str,
    merge_fields: Mapping[str, str],
    language: str | None,
    topic_ids: list[int] | None,
    at: datetime,
) -> Subscriber:
    """A person who opted in at Mailchimp and whom the site did not know yet."""
    fields = profile_update(None, merge_fields, language)
    subscriber = Subscriber.objects.create(
        email=email,
        status=SubscriberStatus.SUBSCRIBED,
        confirmed_at=at,
        mailchimp_last_changed=at,
        **fields,
    )
    if topic_ids:
        subscriber.topics.set(topic_ids)
    return subscriber

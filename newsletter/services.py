"""The mailing list's domain operations; views, the admin and other apps call these.

Why one module: every local change must (1) keep consent evidence, (2) send
`subscriber_changed` explicitly so the Mailchimp sync can follow, and (3) never
put a person who left back on the list without double opt-in. Doing that in one
place is the only way to keep all three true.

Signals are sent inside the transaction that makes the change (a queue the sync
writes commits or rolls back with it); e-mail is sent after it, so a rollback
never leaves a confirmation link pointing at nothing.

Nothing here that sends e-mail or calls Mailchimp runs in a web request: the
sign-up view hands the whole sign-up to `newsletter.tasks.process_signup`, and
the admin's changes enqueue their e-mail (`newsletter.tasks`), so no response
waits on, or is timed by, a mail server or Mailchimp.

Who sends the confirmation e-mail: without Mailchimp settings the site runs its
own list and sends it through Django's e-mail framework. With Mailchimp, the sync
puts the member in Mailchimp as `pending` and Mailchimp sends its own opt-in
e-mail; sending ours too would ask people to confirm twice.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletter import emails, limits
from newsletter.models import (
    Consent,
    ConsentKind,
    NewsletterLanguage,
    Subscriber,
    SubscriberStatus,
    normalise_email,
    subscriber_changed,
    subscriber_erased,
)
from newsletter.tokens import (
    StaleToken,
    address_digest,
    read_address_change_token,
    read_confirmation_token,
)

logger = logging.getLogger(__name__)


def local_list() -> bool:
    """Whether the site itself sends confirmation e-mail (no Mailchimp configured)."""
    from newsletter.mailchimp.client import is_configured

    return not is_configured()


def notify_changed(
    subscriber: Subscriber, previous_email: str | None = None, *, confirmed: bool | None = None
) -> None:
    """Tell the sync about a local change. Never called for changes that came from Mailchimp.

    `confirmed=True` marks the person's own completed double opt-in (the only case
    in which the sync may tell Mailchimp `subscribed`); None lets the sync infer it.
    """
    subscriber_changed.send(
        sender=Subscriber,
        subscriber=subscriber,
        previous_email=previous_email if previous_email != subscriber.email else None,
        confirmed=confirmed,
    )


def link_researcher(subscriber: Subscriber) -> bool:
    """Point `researcher` at the profile with the same address (live profiles first).

    Returns whether the link changed; the caller saves.
    """
    from directory.models import ResearcherPage

    match = (
        ResearcherPage.objects.filter(email__iexact=subscriber.email)
        .order_by("-live", "pk")
        .values_list("pk", flat=True)
        .first()
        if subscriber.email
        else None
    )
    if match == subscriber.researcher_id:
        return False
    subscriber.researcher_id = match
    return True


# --- sign-up -----------------------------------------------------------------


class SubscribeOutcome(enum.Enum):
    """What happened, for logs and tests. Never show it to the visitor: that would
    tell anyone whether an address is on the list."""

    CREATED = "created"
    RESENT = "resent"  # was pending: details updated, confirmation sent again
    REOPTIN = "reoptin"  # had left or bounced: back to pending, must confirm again
    ALREADY_SUBSCRIBED = "already_subscribed"  # no change; a notice goes to the inbox


@dataclass(frozen=True)
class SubscribeResult:
    outcome: SubscribeOutcome
    subscriber: Subscriber
    email_sent: bool


def _topic_ids(topics: Iterable) -> list[int]:
    return [getattr(topic, "pk", topic) for topic in topics]


def _locked(email: str) -> Subscriber | None:
    return Subscriber.objects.select_for_update().for_email(email).first()


def _record_consent(
    subscriber: Subscriber,
    kind: str,
    text: str,
    ip: str | None = None,
    source_url: str = "",
) -> Consent:
    return Consent.objects.create(
        subscriber=subscriber,
        kind=kind,
        text=text,
        ip_address=ip or None,
        source_url=(source_url or "")[:500],
    )


def subscribe(
    email: str,
    first_name: str | None = None,
    last_name: str | None = None,
    language: str | None = None,
    topics: Iterable | None = None,
    consent_text: str = "",
    ip: str | None = None,
    source_url: str = "",
    *,
    language_hint: str | None = None,
    digest: bool | None = None,
    country: str | None = None,
    career_stage: str | None = None,
) -> SubscribeResult:
    """Someone asked to join the list. The public answer must not depend on the result.

    * new address: a pending subscriber, and a confirmation e-mail;
    * pending: details updated, the confirmation sent again;
    * unsubscribed or cleaned: back to pending, so they must confirm again
      (double opt-in; nobody who left is ever put back on the list directly);
    * subscribed: nothing changes (a stranger could be typing the address), and a
      "you're already subscribed, here are your preferences" e-mail is sent.

    `None` for a field means "not asked" (the footer form only asks for the
    address), so a second, shorter sign-up doesn't wipe earlier choices.
    `language_hint` (e.g. from Accept-Language) is used only for a new subscriber
    who didn't choose. A consent row records `consent_text` exactly as shown.
    E-mail caused by sign-ups is capped per address (see newsletter.limits).
    """
    email = normalise_email(email)
    if not email:
        raise ValueError("An e-mail address is required.")
    if language is not None and language not in NewsletterLanguage.values:
        raise ValueError(f"Unknown newsletter language {language!r}.")

    with transaction.atomic():
        subscriber = _locked(email)
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=email,
                        status=SubscriberStatus.PENDING,
                        language=language
                        or (
                            language_hint
                            if language_hint in NewsletterLanguage.values
                            else NewsletterLanguage.ENGLISH
                        ),
                    )
                outcome = SubscribeOutcome.CREATED
            except IntegrityError:
                # A simultaneous sign-up for the same address won the race.
                subscriber = _locked(email)
                if subscriber is None:
                    raise
                outcome = _outcome_for(subscriber)
        else:
            outcome = _outcome_for(subscriber)

        if outcome is not SubscribeOutcome.ALREADY_SUBSCRIBED:
            subscriber.status = SubscriberStatus.PENDING
            if first_name is not None:
                subscriber.first_name = first_name.strip()[:120]
            if last_name is not None:
                subscriber.last_name = last_name.strip()[:120]
            if language is not None:
                subscriber.language = language
            _set_digest_fields(subscriber, digest, country, career_stage)
            subscriber.confirmation_sent_at = timezone.now()
            link_researcher(subscriber)
            subscriber.save()
            if topics is not None:
                subscriber.topics.set(_topic_ids(topics))
            _record_consent(subscriber, ConsentKind.SIGNUP, consent_text, ip, source_url)
            notify_changed(subscriber)

    email_sent = False
    wants_mail = outcome is SubscribeOutcome.ALREADY_SUBSCRIBED or local_list()
    if wants_mail and limits.hit_address(address_digest(email)).allowed:
        email_sent = _send_safely(subscriber, outcome, consent_text)
    return SubscribeResult(outcome, subscriber, email_sent)


def _set_digest_fields(
    subscriber: Subscriber, digest: bool | None, country: str | None, career_stage: str | None
) -> None:
    """The weekly digest's opt-in (with the time it was given) and its narrowing fields;
    `None` means "not asked". Ticking it again keeps the first consent time."""
    if digest is not None:
        if digest and not subscriber.digest:
            subscriber.digest_consent_at = timezone.now()
        subscriber.digest = bool(digest)
    if country is not None:
        subscriber.country = country
    if career_stage is not None:
        subscriber.career_stage = career_stage


def _outcome_for(subscriber: Subscriber) -> SubscribeOutcome:
    if subscriber.status == SubscriberStatus.SUBSCRIBED:
        return SubscribeOutcome.ALREADY_SUBSCRIBED
    if subscriber.status == SubscriberStatus.PENDING:
        return SubscribeOutcome.RESENT
    return SubscribeOutcome.REOPTIN


def _send_safely(subscriber: Subscriber, outcome: SubscribeOutcome, consent_text: str) -> bool:
    """A mail server fault must not turn into an error page that differs by address."""
    try:
        if outcome is SubscribeOutcome.ALREADY_SUBSCRIBED:
            return bool(emails.send_already_subscribed_email(subscriber))
        return bool(emails.send_confirmation_email(subscriber, consent_text=consent_text))
    except Exception:
        logger.exception(
            "Could not send the newsletter sign-up e-mail to subscriber %s", subscriber.pk
        )
        return False


def send_confirmation(subscriber: Subscriber) -> bool:
    """(Re-)send the confirmation e-mail for a pending subscriber, quoting their latest consent."""
    if subscriber.status != SubscriberStatus.PENDING or not local_list():
        return False
    latest = subscriber.consents.filter(kind__in=[ConsentKind.SIGNUP, ConsentKind.ADMIN]).first()
    return _send_safely(subscriber, SubscribeOutcome.RESENT, latest.text if latest else "")


# --- confirmation ------------------------------------------------------------


class ConfirmOutcome(enum.Enum):
    CONFIRMED = "confirmed"
    ALREADY_SUBSCRIBED = "already_subscribed"
    NOT_PENDING = "not_pending"  # left or bounced since: the old link must not re-subscribe


@dataclass(frozen=True)
class ConfirmResult:
    outcome: ConfirmOutcome
    subscriber: Subscriber


def confirmation_consent_text(subscriber: Subscriber) -> str:
    latest = subscriber.consents.filter(kind__in=[ConsentKind.SIGNUP, ConsentKind.ADMIN]).first()
    quoted = f" The e-mail repeated what they had agreed to: “{latest.text}”" if latest else ""
    return (
        "Confirmed by pressing the button on the page the confirmation link e-mailed to "
        f"{subscriber.email} opens.{quoted}"
    )


def confirm(token: str, *, ip: str | None = None, source_url: str = "") -> ConfirmResult:
    """Double opt-in, step two. Raises newsletter.tokens.TokenError for a bad link.

    Only a pending subscriber is confirmed: a link from before an unsubscribe
    must never put the person back on the list.
    """
    subscriber = read_confirmation_token(token)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == SubscriberStatus.SUBSCRIBED:
            return ConfirmResult(ConfirmOutcome.ALREADY_SUBSCRIBED, subscriber)
        if subscriber.status != SubscriberStatus.PENDING:
            return ConfirmResult(ConfirmOutcome.NOT_PENDING, subscriber)
        subscriber.status = SubscriberStatus.SUBSCRIBED
        subscriber.confirmed_at = timezone.now()
        link_researcher(subscriber)
        subscriber.save()
        _record_consent(
            subscriber,
            ConsentKind.CONFIRMATION,
            confirmation_consent_text(subscriber),
            ip,
            source_url,
        )
        notify_changed(subscriber, confirmed=True)
    return ConfirmResult(ConfirmOutcome.CONFIRMED, subscriber)


# --- preferences, unsubscribe, erasure ---------------------------------------


def update_preferences(
    subscriber: Subscriber,
    *,
    language: str | None = None,
    topics: Iterable | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    digest: bool | None = None,
    country: str | None = None,
    career_stage: str | None = None,
) -> bool:
    """Change interests, language, name or the digest; returns whether anything changed.

    Status is not touched: preferences never subscribe or unsubscribe anyone.
    """
    if language is not None and language not in NewsletterLanguage.values:
        raise ValueError(f"Unknown newsletter language {language!r}.")
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)

        def state() -> tuple:
            return (
                subscriber.language,
                subscriber.first_name,
                subscriber.last_name,
                subscriber.digest,
                str(subscriber.country or ""),
                subscriber.career_stage,
            )

        before = state()
        old_topics = set(subscriber.topics.values_list("pk", flat=True))
        if language is not None:
            subscriber.language = language
        if first_name is not None:
            subscriber.first_name = first_name.strip()[:120]
        if last_name is not None:
            subscriber.last_name = last_name.strip()[:120]
        _set_digest_fields(subscriber, digest, country, career_stage)
        new_topics = set(_topic_ids(topics)) if topics is not None else old_topics
        changed = before != state() or new_topics != old_topics
        if not changed:
            return False
        subscriber.save()
        if new_topics != old_topics:
            subscriber.topics.set(new_topics)
        notify_changed(subscriber)
    return True


def unsubscribe(
    subscriber: Subscriber, source: str, *, ip: str | None = None, source_url: str = ""
) -> bool:
    """Take the address off the list; returns False if it already was.

    `source` says how (e.g. "one-click", "unsubscribe page", "admin") and is kept
    with the withdrawal in the consent history.
    """
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
            return False
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save()
        _record_consent(
            subscriber, ConsentKind.WITHDRAWAL, f"Unsubscribed ({source}).", ip, source_url
        )
        notify_changed(subscriber)
    return True


def erase(subscriber: Subscriber) -> None:
    """Delete the subscriber and their consent history (right to erasure).

    `subscriber_erased` goes first, while the row still exists, so the sync can
    queue a permanent delete in Mailchimp in the same transaction. The admin's
    history entries for the subscriber go too: their label is the address.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    with transaction.atomic():
        subscriber_erased.send(sender=Subscriber, email=subscriber.email, subscriber=subscriber)
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Subscriber),
            object_id=str(subscriber.pk),
        ).delete()
        subscriber.delete()


# --- the admin ---------------------------------------------------------------


def admin_created(subscriber: Subscriber, *, added_by: str) -> None:
    """An editor added someone by hand: they start pending and must confirm themselves."""
    with transaction.atomic():
        subscriber.status = SubscriberStatus.PENDING
        subscriber.confirmation_sent_at = timezone.now()
        link_researcher(subscriber)
        subscriber.save()
        _record_consent(
            subscriber,
            ConsentKind.ADMIN,
            f"Added by an administrator ({added_by}); the person is asked to confirm by e-mail.",
        )
        notify_changed(subscriber)
    _enqueue("send_confirmation", subscriber.pk)


def admin_changed(
    subscriber: Subscriber,
    *,
    previous_email: str,
    previous_status: str,
    changed_by: str,
    new_email: str | None = None,
) -> None:
    """An editor saved the edit form (already saved); keep the side effects in step.

    The form's address is not saved as the address: only its owner can put it on
    the list. A different `new_email` becomes `pending_email`, its owner is asked
    to confirm it (see `confirm_address_change`), and until then nothing is sent
    to it and the Mailchimp sync never hears of it.
    """
    new_email = normalise_email(new_email or "")
    asks_change = bool(new_email) and new_email not in (subscriber.email, subscriber.pending_email)
    with transaction.atomic():
        if (
            subscriber.status == SubscriberStatus.UNSUBSCRIBED
            and previous_status != SubscriberStatus.UNSUBSCRIBED
        ):
            subscriber.unsubscribed_at = timezone.now()
            _record_consent(
                subscriber,
                ConsentKind.WITHDRAWAL,
                f"Unsubscribed by an administrator ({changed_by}).",
            )
        if asks_change:
            subscriber.pending_email = new_email
            _record_consent(
                subscriber,
                ConsentKind.ADMIN,
                f"An administrator ({changed_by}) entered {new_email} as the new address; "
                "it replaces the current one only once its owner confirms it by e-mail.",
            )
        link_researcher(subscriber)
        subscriber.save()
        notify_changed(subscriber, previous_email=previous_email)
    if asks_change:
        _enqueue("send_address_change", subscriber.pk)


class AddressChangeOutcome(enum.Enum):
    CONFIRMED = "confirmed"
    TAKEN = "taken"  # another subscriber has the address now: nothing changes


def confirm_address_change(
    token: str, *, ip: str | None = None, source_url: str = ""
) -> tuple[AddressChangeOutcome, Subscriber]:
    """The owner of an address an editor entered confirms it; only now does it replace
    the old one, reach Mailchimp (as a move of the member) and receive list e-mail.

    The status is left as it was. A pending subscriber's earlier confirmation
    link named the old address, so a new one is sent to the new address.
    Raises newsletter.tokens.TokenError for a bad, expired or superseded link.
    """
    subscriber = read_address_change_token(token)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        new_email = subscriber.pending_email
        if not new_email:  # confirmed twice at once: the other request won
            raise StaleToken
        if Subscriber.objects.for_email(new_email).exclude(pk=subscriber.pk).exists():
            subscriber.pending_email = ""
            subscriber.save()
            return AddressChangeOutcome.TAKEN, subscriber
        previous_email = subscriber.email
        subscriber.email = new_email
        subscriber.pending_email = ""
        link_researcher(subscriber)
        subscriber.save()
        _record_consent(
            subscriber,
            ConsentKind.CONFIRMATION,
            f"The new address {new_email} (replacing {previous_email}) was confirmed by "
            "pressing the button on the page the link e-mailed to it opens.",
            ip,
            source_url,
        )
        notify_changed(subscriber, previous_email=previous_email)
    if subscriber.status == SubscriberStatus.PENDING:
        _enqueue("send_confirmation", subscriber.pk)
    return AddressChangeOutcome.CONFIRMED, subscriber


def _enqueue(task_name: str, *args) -> None:
    """Hand e-mail to the task queue; a queue fault is logged, never shown to anyone."""
    from newsletter import tasks

    try:
        getattr(tasks, task_name).enqueue(*args)
    except Exception:
        logger.exception("Could not enqueue newsletter task %s", task_name)

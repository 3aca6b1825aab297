"""Delivering one queued change: the calls that bring a member in line with the site.

`deliver_change()` is called by the worker (worker.py) for one outbox row; it
reads the subscriber as they are *now*, builds the body (member_body.py), makes
the calls through `client.Api`, and hands Mailchimp's answer to apply_remote.py.

Rules that keep people's choices (see docs/mailchimp.md):

- Members are written with PUT by subscriber hash and `status_if_new`, which
  creates a member but never changes an existing member's status
  (docs/mailchimp-api.md §1).
- `status: subscribed` is sent only for a genuine confirmation by the person
  (double opt-in completed). If Mailchimp answers "Member In Compliance State"
  (they unsubscribed themselves or bounced), the sync asks for `pending`
  instead, and Mailchimp sends its own re-opt-in e-mail.
- A person who signs up again here after leaving (`reopt_in`) and whom Mailchimp
  still has as unsubscribed, cleaned or archived is asked for `pending`, so
  Mailchimp sends its confirmation e-mail; nothing else sends `pending` to an
  existing member.
- Mailchimp saying `subscribed` for someone who left on the site (`reconfirm`)
  is answered with `pending` too: double opt-in before they are mailed again.
- A member archived (deleted) in Mailchimp is written to only for the person's
  own sign-up or confirmation (see ArchivedContact).
- A local unsubscribe is sent as PATCH `status: unsubscribed` (nothing is created
  for someone Mailchimp does not know).
- Whatever status Mailchimp answers with is taken by the rules in apply_remote.py,
  so a member who left there leaves here too, silently (no `subscriber_changed`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from newsletter.mailchimp.apply_remote import (
    MIN_TIME,
    parse_time,
    save_remote,
    status_update,
)
from newsletter.mailchimp.client import Api, MailchimpError
from newsletter.mailchimp.interests import digest_interest_id, interest_map
from newsletter.mailchimp.member_body import profile_body, tag_changes, upsert_body, wanted_tags
from newsletter.mailchimp.models import ArchivedContact, PendingChange, email_hash
from newsletter.models import Subscriber, SubscriberStatus

logger = logging.getLogger(__name__)

COMPLIANCE_TITLE = "Member In Compliance State"
#: Statuses from which a new sign-up here asks Mailchimp for `pending` again.
REOPT_FROM = ("unsubscribed", "cleaned", "archived")


def is_compliance(err: MailchimpError) -> bool:
    return err.status == 400 and err.title == COMPLIANCE_TITLE


@dataclass
class Outcome:
    """What delivering a change did, for the outbox row and for logs."""

    note: str = ""
    remote_status: str | None = None
    #: The subscriber was deleted before delivery: nothing to send (erasure has its own row).
    gone: bool = False


def reconcile(subscriber: Subscriber, member: dict, *, fell_back: bool = False) -> None:
    """Take what Mailchimp answered for our own write (never queues anything)."""
    at = parse_time(member.get("last_changed"))
    remote = member.get("status", "")
    changes: dict[str, Any] = {}
    if at is not None:
        changes["mailchimp_last_changed"] = at
    changes.update(status_update(subscriber, remote, at or MIN_TIME, after_own_write=True))
    if fell_back and remote == "pending" and subscriber.status == SubscriberStatus.SUBSCRIBED:
        # They must confirm Mailchimp's re-opt-in e-mail before mail reaches them.
        changes.update({"status": SubscriberStatus.PENDING})
    save_remote(subscriber, changes, expect_status=subscriber.status)


def _move(api: Api, old_email: str, new_email: str) -> str:
    """Move the member from the old address (PATCH `email_address` on the old hash)."""
    try:
        api.update_member(email_hash(old_email), {"email_address": new_email})
    except MailchimpError as err:
        if err.status == 404:
            return "old address not in Mailchimp; upserting the new one"
        if err.status == 400 and "already in this list" in err.detail:
            # The new address is already a member: keep that one and archive the
            # old one, so the person does not get everything twice.
            try:
                api.archive_member(email_hash(old_email))
            except MailchimpError as archive_err:
                if archive_err.status not in (404, 405):
                    raise
            return "new address already a member; old member archived"
        raise
    return "moved from the old address"


def deliver_upsert(api: Api, change: PendingChange, subscriber: Subscriber) -> Outcome:
    """Send the subscriber's current data; raise MailchimpError if Mailchimp refuses."""
    outcome = Outcome()
    notes: list[str] = []
    asked = change.confirm or change.reopt_in or change.reconfirm
    if not asked and ArchivedContact.holds(subscriber.email):
        # Deleted in Mailchimp: a PUT or PATCH would restore the member. Only the
        # person's own sign-up or confirmation brings them back there.
        return Outcome(note="archived in Mailchimp: left deleted there")
    if change.previous_email and email_hash(change.previous_email) != email_hash(subscriber.email):
        notes.append(_move(api, change.previous_email, subscriber.email))
    mapping = interest_map()
    topic_ids = set(subscriber.topics.values_list("pk", flat=True))
    h = email_hash(subscriber.email)
    member: dict | None
    fell_back = False
    if subscriber.status in (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.CLEANED):
        body = profile_body(subscriber, topic_ids, mapping, digest_interest=digest_interest_id())
        if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
            body["status"] = "unsubscribed"
        try:
            member = api.update_member(h, body)
        except MailchimpError as err:
            if err.status != 404:
                raise
            member = None
            notes.append("not in Mailchimp; nothing to unsubscribe")
    else:
        body = upsert_body(subscriber, topic_ids, mapping, digest_interest=digest_interest_id())
        confirm = change.confirm and subscriber.status == SubscriberStatus.SUBSCRIBED
        if confirm:
            body["status"] = "subscribed"
        try:
            member = api.set_member(h, body)
        except MailchimpError as err:
            if not (confirm and is_compliance(err)):
                raise
            body["status"] = "pending"
            member = api.set_member(h, body)
            fell_back = True
            notes.append("in compliance state there: Mailchimp sent its re-opt-in e-mail")
        if (
            change.reopt_in
            and subscriber.status == SubscriberStatus.PENDING
            and member.get("status") in REOPT_FROM
        ):
            # They signed up again here after leaving there: double opt-in.
            body["status"] = "pending"
            member = api.set_member(h, body)
            notes.append("had left Mailchimp: asked it for double opt-in")
        elif (
            change.reconfirm
            and subscriber.status == SubscriberStatus.PENDING
            and member.get("status") in (*REOPT_FROM, "subscribed")
        ):
            # Mailchimp had them subscribed although they left here: double opt-in.
            body["status"] = "pending"
            member = api.set_member(h, body)
            notes.append("had left the site: asked Mailchimp for double opt-in")
        if change.confirm or change.reopt_in or change.reconfirm:
            # The status part is done: if a later call (tags) fails, the retry must not
            # ask again, or Mailchimp would send its opt-in e-mail twice.
            PendingChange.objects.filter(pk=change.pk, revision=change.revision).update(
                confirm=False, reopt_in=False, reconfirm=False
            )
    if member is not None:
        outcome.remote_status = member.get("status")
        if member.get("status") != "archived":
            ArchivedContact.forget(subscriber.email)
        tags = tag_changes(wanted_tags(subscriber), member)
        if tags:
            api.update_tags(h, tags)
        reconcile(subscriber, member, fell_back=fell_back)
    outcome.note = "; ".join(notes)
    return outcome


def deliver_erase(api: Api, change: PendingChange) -> Outcome:
    """Delete the member permanently (and any address it had not yet been moved from)."""
    notes = []
    for address in dict.fromkeys(a for a in (change.email, change.previous_email) if a):
        try:
            api.delete_member_permanently(email_hash(address))
        except MailchimpError as err:
            if err.status != 404:
                raise
            notes.append("not in Mailchimp")
        ArchivedContact.forget(address)
    return Outcome(note="; ".join(notes))


def deliver_change(api: Api, change: PendingChange) -> Outcome:
    """Deliver one change with the subscriber's data as it is now."""
    if change.action == PendingChange.Action.ERASE:
        return deliver_erase(api, change)
    subscriber = (
        Subscriber.objects.select_related("researcher").filter(pk=change.subscriber_id).first()
    )
    if subscriber is None:
        return Outcome(note="Subscriber no longer exists.", gone=True)
    return deliver_upsert(api, change, subscriber)

"""The mapping from a local subscriber to a Mailchimp member, and delivering one change.

Rules that keep people's choices (see docs/mailchimp.md):

- Members are written with PUT by subscriber hash and `status_if_new`, which
  creates a member but never changes an existing member's status.
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
- Whatever status Mailchimp answers with is taken by the rules in remote.py, so a
  member who left there leaves here too, silently (no `subscriber_changed`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import mailchimp_marketing
from django.conf import settings
from django_countries import countries

from newsletter.mailchimp.client import MailchimpError, call, get_client
from newsletter.mailchimp.models import ArchivedContact, PendingChange, email_hash
from newsletter.mailchimp.remote import (
    MIN_TIME,
    interest_map,
    parse_time,
    save_remote,
    status_update,
)
from newsletter.models import Subscriber, SubscriberStatus

logger = logging.getLogger(__name__)

RESEARCHER_TAG = "researcher"
COMPLIANCE_TITLE = "Member In Compliance State"
#: Statuses from which a new sign-up here asks Mailchimp for `pending` again.
REOPT_FROM = ("unsubscribed", "cleaned", "archived")


class Api:
    """The SDK client bound to the audience, counting every API call it makes.

    Every call goes through client.call(), so error bodies (problem+json strings)
    and body-less errors (returned, not raised, by the SDK) become MailchimpError.
    """

    def __init__(
        self,
        client: mailchimp_marketing.Client | None = None,
        list_id: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.client = client or get_client(timeout=timeout)
        self.list_id = list_id or settings.MAILCHIMP_AUDIENCE_ID
        self.calls = 0

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return call(method, *args, **kwargs)

    # members
    def set_member(self, subscriber_hash: str, body: dict) -> dict:
        return self._call(self.client.lists.set_list_member, self.list_id, subscriber_hash, body)

    def update_member(self, subscriber_hash: str, body: dict) -> dict:
        return self._call(self.client.lists.update_list_member, self.list_id, subscriber_hash, body)

    def archive_member(self, subscriber_hash: str) -> None:
        self._call(self.client.lists.delete_list_member, self.list_id, subscriber_hash)

    def delete_member_permanently(self, subscriber_hash: str) -> None:
        self._call(self.client.lists.delete_list_member_permanent, self.list_id, subscriber_hash)

    def update_tags(self, subscriber_hash: str, tags: list[dict]) -> None:
        self._call(
            self.client.lists.update_list_member_tags,
            self.list_id,
            subscriber_hash,
            {"tags": tags},
        )

    def list_members(self, **params: Any) -> dict:
        return self._call(self.client.lists.get_list_members_info, self.list_id, **params)

    # interests and webhooks
    def interest_categories(self) -> dict:
        return self._call(self.client.lists.get_list_interest_categories, self.list_id, count=1000)

    def create_interest_category(self, body: dict) -> dict:
        return self._call(self.client.lists.create_list_interest_category, self.list_id, body)

    def interests(self, category_id: str) -> dict:
        return self._call(
            self.client.lists.list_interest_category_interests,
            self.list_id,
            category_id,
            count=1000,
        )

    def create_interest(self, category_id: str, body: dict) -> dict:
        return self._call(
            self.client.lists.create_interest_category_interest,
            self.list_id,
            category_id,
            body,
        )

    def webhooks(self) -> dict:
        return self._call(self.client.lists.get_list_webhooks, self.list_id)

    def create_webhook(self, body: dict) -> dict:
        return self._call(self.client.lists.create_list_webhook, self.list_id, body)

    # batches
    def start_batch(self, operations: list[dict]) -> dict:
        return self._call(self.client.batches.start, {"operations": operations})

    def batch_status(self, batch_id: str) -> dict:
        return self._call(self.client.batches.status, batch_id)


# ---------------------------------------------------------------- the mapping


class MemberData(Protocol):
    """What the mapping reads: a Subscriber, or the bulk push's lighter rows."""

    email: str
    first_name: str
    last_name: str
    language: str
    status: str


def merge_fields(subscriber: MemberData) -> dict[str, str]:
    return {"FNAME": subscriber.first_name, "LNAME": subscriber.last_name}


def interests(topic_ids: set[int], mapping: dict[int, str]) -> dict[str, bool]:
    """Every linked topic, true or false: unticking a topic must reach Mailchimp too."""
    return {interest_id: topic_id in topic_ids for topic_id, interest_id in mapping.items()}


def tags_for(linked_to_researcher: bool, country_code: str = "") -> set[str]:
    """'researcher' for someone linked to a profile, plus that profile's country code."""
    tags: set[str] = set()
    if linked_to_researcher:
        tags.add(RESEARCHER_TAG)
        if country_code:
            tags.add(country_code.upper())
    return tags


def wanted_tags(subscriber: Subscriber) -> set[str]:
    researcher = subscriber.researcher
    return tags_for(researcher is not None, researcher.country_code if researcher else "")


def is_managed_tag(name: str) -> bool:
    """Tags the site owns (and may remove): 'researcher' and ISO country codes."""
    return name == RESEARCHER_TAG or (len(name) == 2 and name.isupper() and name in countries)


def tag_changes(wanted: set[str], member: dict) -> list[dict]:
    """The tag updates that bring `member` (as Mailchimp answered) to `wanted`; [] if none."""
    current = {t.get("name", "") for t in member.get("tags") or []}
    changes = [{"name": n, "status": "active"} for n in sorted(wanted - current)]
    stale = {n for n in current if is_managed_tag(n)} - wanted
    changes += [{"name": n, "status": "inactive"} for n in sorted(stale)]
    return changes


def profile_body(subscriber: MemberData, topic_ids: set[int], mapping: dict[int, str]) -> dict:
    body: dict[str, Any] = {
        "merge_fields": merge_fields(subscriber),
        "language": subscriber.language,
    }
    if mapping:
        body["interests"] = interests(topic_ids, mapping)
    return body


def status_if_new(subscriber: MemberData) -> str:
    """`pending` (Mailchimp double opt-in) unless the person is confirmed locally."""
    if subscriber.status == SubscriberStatus.SUBSCRIBED:
        return "subscribed"
    if subscriber.status == SubscriberStatus.PENDING:
        return "pending"
    return "unsubscribed"


def upsert_body(
    subscriber: MemberData, topic_ids: set[int], mapping: dict[int, str]
) -> dict[str, Any]:
    """The PUT body without `status`: safe to send for anyone, any number of times."""
    return {
        "email_address": subscriber.email,
        "status_if_new": status_if_new(subscriber),
        **profile_body(subscriber, topic_ids, mapping),
    }


def is_compliance(err: MailchimpError) -> bool:
    return err.status == 400 and err.title == COMPLIANCE_TITLE


# ---------------------------------------------------------------- delivering one change


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
        body = profile_body(subscriber, topic_ids, mapping)
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
        body = upsert_body(subscriber, topic_ids, mapping)
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

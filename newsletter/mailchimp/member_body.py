"""What the site sends for one subscriber: the member body and the tag updates.

Shared by the outbox delivery (deliver.py) and the bulk push (bulk_push.py), so
both write a member the same way. The body never carries `status`: a PUT with
`status_if_new` creates a member but never changes an existing member's status
(docs/mailchimp-api.md §1); the callers add `status` only where a rule in
deliver.py allows it.
"""

from __future__ import annotations

from typing import Any, Protocol

from django_countries import countries

from newsletter.models import Subscriber, SubscriberStatus

RESEARCHER_TAG = "researcher"


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


def profile_body(
    subscriber: MemberData,
    topic_ids: set[int],
    mapping: dict[int, str],
    *,
    digest_interest: str = "",
) -> dict:
    """Names, language and interests; with `digest_interest` (the setup made it), the
    weekly digest's opt-in as that interest, on or off."""
    body: dict[str, Any] = {
        "merge_fields": merge_fields(subscriber),
        "language": subscriber.language,
    }
    if mapping:
        body["interests"] = interests(topic_ids, mapping)
    if digest_interest:
        body.setdefault("interests", {})[digest_interest] = bool(
            getattr(subscriber, "digest", False)
        )
    return body


def status_if_new(subscriber: MemberData) -> str:
    """`pending` (Mailchimp double opt-in) unless the person is confirmed locally."""
    if subscriber.status == SubscriberStatus.SUBSCRIBED:
        return "subscribed"
    if subscriber.status == SubscriberStatus.PENDING:
        return "pending"
    return "unsubscribed"


def upsert_body(
    subscriber: MemberData,
    topic_ids: set[int],
    mapping: dict[int, str],
    *,
    digest_interest: str = "",
) -> dict[str, Any]:
    """The PUT body without `status`: safe to send for anyone, any number of times."""
    return {
        "email_address": subscriber.email,
        "status_if_new": status_if_new(subscriber),
        **profile_body(subscriber, topic_ids, mapping, digest_interest=digest_interest),
    }

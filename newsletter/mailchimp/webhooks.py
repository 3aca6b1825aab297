"""Handling Mailchimp's audience webhooks: subscribe, unsubscribe, profile, upemail, cleaned.

Mailchimp posts `application/x-www-form-urlencoded` bodies with PHP-style keys
(`type`, `fired_at`, `data[email]`, `data[merges][FNAME]`, ...), delivers at
least once and retries for 75 minutes, so every handler only *sets* state and
ignores events older than what the record already reflects: replays and
late arrivals change nothing.

Decisions:
- An event for another audience (`data[list_id]` is not ours) is answered 200
  and ignored: retrying could never make it ours, and a webhook that keeps
  failing gets disabled by Mailchimp.
- An event about an address the site does not know is ignored, except
  `subscribe`, which creates the subscriber (the person opted in there).
- `fired_at` is taken as UTC.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsletter.mailchimp.models import SyncState
from newsletter.mailchimp.remote import (
    by_email,
    create_from_remote,
    parse_time,
    profile_update,
    save_remote,
    set_topics,
    status_update,
    topics_from_names,
)
from newsletter.models import Subscriber
from newsletter.models.subscribers import normalise_email

logger = logging.getLogger(__name__)

CATEGORY_KEY = "interest-category-id"
CATEGORY_TITLE = "Topics"
_BRACKETS = re.compile(r"\[([^\]]*)\]")


def nested(form: Mapping[str, Any]) -> dict[str, Any]:
    """`{"data[merges][FNAME]": "Ana"}` → `{"data": {"merges": {"FNAME": "Ana"}}}`."""
    out: dict[str, Any] = {}
    for key in form:
        value = form[key]
        head = key.split("[", 1)[0]
        parts = [head, *_BRACKETS.findall(key[len(head) :])]
        node = out
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = value
    return out


def _topics(merges: Mapping[str, Any]) -> list[int] | None:
    """Topic ids from `merges[GROUPINGS]` (our category) or `merges[INTERESTS]`; None if
    the event carries no interests, so a missing block never clears the topics."""
    groupings = merges.get("GROUPINGS")
    if isinstance(groupings, dict):
        category_id = SyncState.get_value(CATEGORY_KEY)
        for grouping in groupings.values():
            if not isinstance(grouping, dict):
                continue
            if (category_id and grouping.get("unique_id") == category_id) or grouping.get(
                "name"
            ) == CATEGORY_TITLE:
                return topics_from_names(str(grouping.get("groups") or "").split(","))
        return None
    if "INTERESTS" in merges:
        return topics_from_names(str(merges.get("INTERESTS") or "").split(","))
    return None


def _language(data: Mapping[str, Any], merges: Mapping[str, Any]) -> str | None:
    return data.get("language") or merges.get("MC_LANGUAGE")


def _merges(data: Mapping[str, Any]) -> dict[str, Any]:
    merges = data.get("merges")
    return merges if isinstance(merges, dict) else {}


def _locked(email: str) -> Subscriber | None:
    return by_email(email, Subscriber.objects.select_for_update()).first()


def _stale(subscriber: Subscriber, at: datetime) -> bool:
    """Older than the Mailchimp state this record already took (a late or replayed event)."""
    return subscriber.mailchimp_last_changed is not None and at < subscriber.mailchimp_last_changed


def on_subscribe(data: Mapping[str, Any], at: datetime) -> str:
    email = normalise_email(data.get("email", ""))
    if not email:
        return "ignored: no address"
    merges = _merges(data)
    topics = _topics(merges)
    subscriber = _locked(email)
    if subscriber is None:
        create_from_remote(email, merges, _language(data, merges), topics, at)
        return "created"
    if _stale(subscriber, at):
        return "ignored: stale"
    changes = status_update(subscriber, "subscribed", at)
    changes.update(profile_update(subscriber, merges, _language(data, merges)))
    changes["mailchimp_last_changed"] = at
    save_remote(subscriber, changes)
    set_topics(subscriber, topics)
    return "subscribed"


def _leave(status: str) -> Callable[[Mapping[str, Any], datetime], str]:
    def handler(data: Mapping[str, Any], at: datetime) -> str:
        subscriber = _locked(normalise_email(data.get("email", "")))
        if subscriber is None:
            return "ignored: unknown address"
        if _stale(subscriber, at):
            return "ignored: stale"
        changes = status_update(subscriber, status, at)
        changes["mailchimp_last_changed"] = at
        save_remote(subscriber, changes)
        return status if "status" in changes else "unchanged"

    handler.__name__ = f"on_{status}"
    return handler


def on_profile(data: Mapping[str, Any], at: datetime) -> str:
    subscriber = _locked(normalise_email(data.get("email", "")))
    if subscriber is None:
        return "ignored: unknown address"
    if _stale(subscriber, at):
        return "ignored: stale"
    merges = _merges(data)
    changes = profile_update(subscriber, merges, _language(data, merges))
    changes["mailchimp_last_changed"] = at
    save_remote(subscriber, changes)
    set_topics(subscriber, _topics(merges))
    return "updated"


def on_upemail(data: Mapping[str, Any], at: datetime) -> str:
    old = normalise_email(data.get("old_email", ""))
    new = normalise_email(data.get("new_email", ""))
    if not old or not new:
        return "ignored: missing address"
    subscriber = _locked(old)
    if subscriber is None:
        return "ignored: already moved" if _locked(new) else "ignored: unknown address"
    if old == new:
        return "unchanged"
    if by_email(new).exists():
        logger.warning("Mailchimp moved %s to an address the site already has", subscriber.pk)
        return "ignored: new address already has a record"
    save_remote(subscriber, {"email": new, "mailchimp_last_changed": at})
    return "moved"


HANDLERS: dict[str, Callable[[Mapping[str, Any], datetime], str]] = {
    "subscribe": on_subscribe,
    "unsubscribe": _leave("unsubscribed"),
    "cleaned": _leave("cleaned"),
    "profile": on_profile,
    "upemail": on_upemail,
}


def handle(form: Mapping[str, Any]) -> tuple[int, str]:
    """Apply one webhook POST; returns (HTTP status, short text for the log/answer)."""
    payload = nested(form)
    kind = payload.get("type")
    data = payload.get("data")
    if not isinstance(kind, str) or not isinstance(data, dict):
        return 400, "malformed"
    if data.get("list_id") != settings.MAILCHIMP_AUDIENCE_ID:
        logger.warning("Mailchimp webhook for another audience ignored: %s", data.get("list_id"))
        return 200, "ignored: another audience"
    handler = HANDLERS.get(kind)
    if handler is None:
        return 200, f"ignored: {kind}"
    at = parse_time(payload.get("fired_at")) or timezone.now()
    with transaction.atomic():
        result = handler(data, at)
    logger.info("Mailchimp webhook %s: %s", kind, result)
    return 200, result

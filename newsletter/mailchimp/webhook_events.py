"""Handling Mailchimp's audience webhooks: subscribe, unsubscribe, profile, upemail, cleaned.

Mailchimp posts `application/x-www-form-urlencoded` bodies with PHP-style keys
(`type`, `fired_at`, `data[email]`, `data[merges][FNAME]`, ...), delivers at
least once and retries for 75 minutes, so every handler only *sets* state and
ignores events older than what the record already reflects: replays and
late arrivals change nothing.

Decisions (docs/mailchimp.md, "Inward: webhooks"):
- The right secret is not trusted blindly: a body Mailchimp would never send
  (no or unknown `type`, repeated keys, nested values where text belongs, a
  missing `data[email]`, a `fired_at` that is not a time or lies in the future,
  a NUL character) is answered 400 and changes nothing.
- A well-formed event the site cannot take is answered 200 and ignored, with a
  log line: another audience (`data[list_id]` is not ours), an address the site
  would not store, `campaign`. Retrying could never change the answer, and a
  webhook that keeps failing gets disabled by Mailchimp.
- An event about an address the site does not know is ignored, except
  `subscribe`, which creates the subscriber (the person opted in there).
- `subscribe` never re-subscribes someone who left on the site: they become
  pending and Mailchimp is asked for double opt-in (apply_remote.status_update).
- `fired_at` is taken as UTC; up to MAX_SKEW ahead of our clock it is taken as
  now, further ahead it is refused, so a stamp in the future can never make
  later genuine events look stale.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from newsletter.mailchimp.apply_remote import (
    by_email,
    create_from_remote,
    profile_update,
    save_remote,
    set_topics,
    status_update,
)
from newsletter.mailchimp.interests import CATEGORY_KEY, CATEGORY_TITLE, topics_from_names
from newsletter.mailchimp.member_read import read_language_later
from newsletter.mailchimp.models import ArchivedContact, SyncState
from newsletter.models import Subscriber, SubscriberStatus
from newsletter.models.subscribers import normalise_email

logger = logging.getLogger(__name__)

_BRACKETS = re.compile(r"\[([^\]]*)\]")


#: Event types Mailchimp sends; `campaign` is answered 200 and ignored.
KNOWN_TYPES = ("subscribe", "unsubscribe", "profile", "upemail", "cleaned", "campaign")
#: How far ahead of our clock `fired_at` may be (clock skew) and still be taken, as now.
MAX_SKEW = timedelta(minutes=5)
_KEY = re.compile(r"^[A-Za-z0-9_]+(?:\[[A-Za-z0-9_ .\-]*\])*$")
_FIRED_AT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$")
_MAX_DEPTH = 5
#: An event has about 20 fields, plus 4 per interest category: far fewer than this.
MAX_FIELDS = 300


class Malformed(ValueError):
    """A body Mailchimp would never send: answered 400, nothing changed."""


def nested(form: Mapping[str, Any]) -> dict[str, Any]:
    """`{"data[merges][FNAME]": "Ana"}` → `{"data": {"merges": {"FNAME": "Ana"}}}`.

    Raises Malformed for keys that are not PHP-style, too deep, repeated, or that
    make one name both a value and a group (`data[email]` and `data[email][x]`).
    """
    lists = getattr(form, "lists", None)
    if len(form) > MAX_FIELDS:
        raise Malformed("too many fields")
    out: dict[str, Any] = {}
    for key in form:
        if lists is None:
            value = form[key]
        else:
            values = form.getlist(key)
            if len(values) != 1:
                raise Malformed(f"repeated key {key[:40]!r}")
            value = values[0]
        if not isinstance(key, str) or not _KEY.match(key):
            raise Malformed(f"bad key {str(key)[:40]!r}")
        if not isinstance(value, str) or "\x00" in value:
            raise Malformed(f"bad value for {key[:40]!r}")
        head = key.split("[", 1)[0]
        parts = [head, *_BRACKETS.findall(key[len(head) :])]
        if len(parts) > _MAX_DEPTH:
            raise Malformed(f"key too deep {key[:40]!r}")
        node = out
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise Malformed(f"key {key[:40]!r} nests under a value")
            node = child
        if parts[-1] in node:
            raise Malformed(f"key {key[:40]!r} is both a value and a group")
        node[parts[-1]] = value
    return out


def _text(data: Mapping[str, Any], name: str, *, required: bool = False) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Malformed(f"{name} missing or not text")
    return value


def _fired_at(value: Any, now: datetime) -> datetime:
    """Mailchimp's "YYYY-MM-DD HH:MM:SS" (UTC); a little ahead of us counts as now."""
    if not isinstance(value, str) or not _FIRED_AT.match(value.strip()):
        raise Malformed("fired_at missing or not YYYY-MM-DD HH:MM:SS")
    try:
        at = datetime.strptime(value.strip().replace("T", " "), "%Y-%m-%d %H:%M:%S")
    except ValueError as err:
        raise Malformed("fired_at is not a date") from err
    at = at.replace(tzinfo=UTC)
    if at > now + MAX_SKEW:
        raise Malformed("fired_at is in the future")
    return min(at, now)


#: Merge fields the handlers read, which must be text. Others may also be groups
#: (an address merge field arrives as `merges[ADDRESS][addr1]`, ...).
TEXT_MERGES = ("EMAIL", "FNAME", "LNAME", "MC_LANGUAGE", "INTERESTS")


def _merges_ok(merges: Any) -> None:
    """The merge fields read are text; GROUPINGS is a group of groups of text."""
    if merges is None:
        return
    if not isinstance(merges, dict):
        raise Malformed("merges is not a group")
    for tag in TEXT_MERGES:
        if tag in merges and not isinstance(merges[tag], str):
            raise Malformed(f"merges[{tag}] is not text")
    groupings = merges.get("GROUPINGS")
    if groupings is not None and (
        not isinstance(groupings, dict)
        or not all(
            isinstance(g, dict) and all(isinstance(v, str) for v in g.values())
            for g in groupings.values()
        )
    ):
        raise Malformed("merges[GROUPINGS] is not a list of groups")


def _address(value: str) -> str | None:
    """The stored form of an address Mailchimp names, or None if the site would not
    store it (the same check as the sign-up form's EmailField)."""
    email = normalise_email(value)
    if not email or len(email) > 254:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


def _topics(merges: Mapping[str, Any]) -> list[int] | None:
    """Topic ids from `merges[GROUPINGS]` (our category) or `merges[INTERESTS]`; None if
    the event carries no interests, so a missing block never clears the topics.

    Both hold group *names* joined by ", "; names may hold commas themselves, so
    they are matched against the linked names (interests.split_group_names)."""
    groupings = merges.get("GROUPINGS")
    if isinstance(groupings, dict):
        category_id = SyncState.get_value(CATEGORY_KEY)
        for grouping in groupings.values():
            if not isinstance(grouping, dict):
                continue
            if (category_id and grouping.get("unique_id") == category_id) or grouping.get(
                "name"
            ) == CATEGORY_TITLE:
                return topics_from_names(str(grouping.get("groups") or ""))
        return None
    if "INTERESTS" in merges:
        return topics_from_names(str(merges.get("INTERESTS") or ""))
    return None


def _language(data: Mapping[str, Any], merges: Mapping[str, Any]) -> str | None:
    """The member's language if the event carries one. Mailchimp's documented
    payloads do not (docs/mailchimp-api.md §4): then the handler reads the member
    back (`member_read`), so a language changed on Mailchimp's form reaches us."""
    return data.get("language") or merges.get("MC_LANGUAGE") or None


def _merges(data: Mapping[str, Any]) -> dict[str, Any]:
    merges = data.get("merges")
    return merges if isinstance(merges, dict) else {}


def _locked(email: str) -> Subscriber | None:
    return by_email(email, Subscriber.objects.select_for_update()).first()


def _stale(subscriber: Subscriber, at: datetime) -> bool:
    """Not newer than the Mailchimp state this record already took (a late or replayed
    event: a replayed `subscribe` must not confirm someone asked to confirm again).

    A mark in the future (stored before fired_at was checked) is disregarded, so it
    cannot make every later genuine event look stale."""
    mark = subscriber.mailchimp_last_changed
    return mark is not None and mark <= timezone.now() and at <= mark


def on_subscribe(data: Mapping[str, Any], at: datetime) -> str:
    email = _address(data["email"])
    if email is None:
        return "ignored: invalid address"
    merges = _merges(data)
    topics = _topics(merges)
    ArchivedContact.forget(email, seen_at=at)  # a member again there
    language = _language(data, merges)
    subscriber = _locked(email)
    if subscriber is None:
        created = create_from_remote(email, merges, language, topics, at)
        if language is None:
            read_language_later(created)
        return "created"
    if _stale(subscriber, at):
        return "ignored: stale"
    changes = status_update(subscriber, "subscribed", at)
    changes.update(profile_update(subscriber, merges, language))
    changes["mailchimp_last_changed"] = at
    save_remote(subscriber, changes)
    set_topics(subscriber, topics)
    if language is None:
        read_language_later(subscriber)
    if changes.get("status") == SubscriberStatus.PENDING:
        logger.info("Mailchimp subscribed %s, who had left here: asking to confirm", subscriber.pk)
        return "pending: left here, asked to confirm"
    return "subscribed"


def _leave(status: str) -> Callable[[Mapping[str, Any], datetime], str]:
    def handler(data: Mapping[str, Any], at: datetime) -> str:
        email = _address(data["email"])
        if email is None:
            return "ignored: invalid address"
        deleted = status == "unsubscribed" and data.get("action") == "delete"
        subscriber = _locked(email)
        if subscriber is not None and _stale(subscriber, at):
            return "ignored: stale"
        if deleted:
            # Archived in Mailchimp: the sync must never write the member back.
            ArchivedContact.record(email, at)
        if subscriber is None:
            return "ignored: unknown address"
        changes = status_update(subscriber, "archived" if deleted else status, at)
        changes["mailchimp_last_changed"] = at
        save_remote(subscriber, changes)
        return status if "status" in changes else "unchanged"

    handler.__name__ = f"on_{status}"
    return handler


def on_profile(data: Mapping[str, Any], at: datetime) -> str:
    email = _address(data["email"])
    if email is None:
        return "ignored: invalid address"
    ArchivedContact.forget(email, seen_at=at)  # a member again there
    subscriber = _locked(email)
    if subscriber is None:
        return "ignored: unknown address"
    if _stale(subscriber, at):
        return "ignored: stale"
    merges = _merges(data)
    language = _language(data, merges)
    changes = profile_update(subscriber, merges, language)
    changes["mailchimp_last_changed"] = at
    save_remote(subscriber, changes)
    set_topics(subscriber, _topics(merges))
    if language is None:
        read_language_later(subscriber)
    return "updated"


def on_upemail(data: Mapping[str, Any], at: datetime) -> str:
    old = _address(data["old_email"])
    new = _address(data["new_email"])
    if not old or not new:
        return "ignored: invalid address"
    subscriber = _locked(old)
    if subscriber is None:
        return "ignored: already moved" if _locked(new) else "ignored: unknown address"
    if old == new:
        return "unchanged"
    if by_email(new).exists():
        logger.warning("Mailchimp moved %s to an address the site already has", subscriber.pk)
        return "ignored: new address already has a record"
    save_remote(subscriber, {"email": new, "mailchimp_last_changed": at})
    # The address moved on Mailchimp's own form, where the language can change too.
    read_language_later(subscriber)
    return "moved"


HANDLERS: dict[str, Callable[[Mapping[str, Any], datetime], str]] = {
    "subscribe": on_subscribe,
    "unsubscribe": _leave("unsubscribed"),
    "cleaned": _leave("cleaned"),
    "profile": on_profile,
    "upemail": on_upemail,
}


#: The text fields each event must carry (beyond `list_id`).
REQUIRED = {
    "subscribe": ("email",),
    "unsubscribe": ("email",),
    "profile": ("email",),
    "cleaned": ("email",),
    "upemail": ("old_email", "new_email"),
    "campaign": (),
}
#: Optional fields the handlers read, which must be text when present.
OPTIONAL = ("language", "action", "reason")


def validate(form: Mapping[str, Any], now: datetime | None = None) -> tuple[str, dict, datetime]:
    """(type, data, fired_at) of a body Mailchimp could have sent; raises Malformed."""
    payload = nested(form)
    kind = payload.get("type")
    if not isinstance(kind, str) or kind not in KNOWN_TYPES:
        raise Malformed("type missing or unknown")
    data = payload.get("data")
    if not isinstance(data, dict):
        raise Malformed("data missing")
    _text(data, "list_id", required=True)
    for name in REQUIRED[kind]:
        _text(data, name, required=True)
    for name in OPTIONAL:
        _text(data, name)
    _merges_ok(data.get("merges"))
    at = _fired_at(payload.get("fired_at"), now or timezone.now())
    return kind, data, at


def handle(form: Mapping[str, Any]) -> tuple[int, str]:
    """Apply one webhook POST; returns (HTTP status, short text for the log/answer)."""
    try:
        kind, data, at = validate(form)
    except Malformed as err:
        logger.warning("Mailchimp webhook refused: %s", err)
        return 400, "malformed"
    if data["list_id"] != settings.MAILCHIMP_AUDIENCE_ID:
        logger.warning("Mailchimp webhook for another audience ignored: %s", data["list_id"][:40])
        return 200, "ignored: another audience"
    handler = HANDLERS.get(kind)
    if handler is None:
        return 200, f"ignored: {kind}"
    with transaction.atomic():
        result = handler(data, at)
    logger.info("Mailchimp webhook %s: %s", kind, result)
    return 200, result

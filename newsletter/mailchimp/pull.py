"""`newsletter_sync --pull`: catch up with Mailchimp when webhooks were missed.

Reads `GET /lists/{id}/members?since_last_changed=<mark>` a thousand at a time.
Pages are sorted by `last_changed` *descending*: a member who changes while we
page moves to the front, so a change during the pull can only make us see
someone twice (harmless: applying is idempotent), never skip someone, which
ascending order with offsets would do. The new mark is the newest
`last_changed` seen, minus a second (timestamps have whole seconds).

Archived ("deleted") contacts are absent from that list unless asked for with
`status=archived`, so each pull reads that listing too: the site records them
as having left, and the sync never writes them back (models.ArchivedContact).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction

from newsletter.mailchimp.apply_remote import (
    ARCHIVED,
    by_email,
    create_from_remote,
    erasure_waiting,
    has_open_changes,
    parse_time,
    profile_update,
    save_remote,
    set_topics,
    status_update,
)
from newsletter.mailchimp.client import Api, MailchimpError
from newsletter.mailchimp.interests import topics_from_interests
from newsletter.mailchimp.models import ArchivedContact, SyncState, email_hash
from newsletter.mailchimp.worker import backoff_delay
from newsletter.models import Subscriber, SubscriberStatus
from newsletter.models.subscribers import normalise_email

PAGE_SIZE = 1000  # Mailchimp's maximum
#: Mailchimp leaves archived ("deleted") contacts out of the member list unless asked
#: for by status, so the pull reads them in a second listing: "" = the default list.
LISTINGS = ("", ARCHIVED)
PAGE_TRIES = 5
MARK_KEY = "last-pull"
#: Field selection must be a list: the SDK joins a string character by character.
FIELDS = [
    "members.email_address",
    "members.status",
    "members.last_changed",
    "members.merge_fields",
    "members.interests",
    "members.language",
    "total_items",
]


@dataclass
class PullReport:
    pages: int = 0
    seen: int = 0
    created: int = 0
    updated: int = 0
    left: int = 0
    skipped: int = 0
    calls: int = 0
    since: str = ""
    mark: str = ""


def mailchimp_time(value: datetime) -> str:
    """A filter timestamp for Mailchimp, in UTC, since it ignores the offset
    (docs/mailchimp-api.md §3)."""
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def apply_member(member: dict[str, Any], archived: set[str] | None = None) -> str:
    """Bring the local record in line with one member as Mailchimp lists it.

    `archived`: the hashes known as archived before the pull (None: look them up),
    so a member listed again is forgotten as archived without a query per member."""
    email = normalise_email(member.get("email_address", ""))
    at = parse_time(member.get("last_changed"))
    if not email or at is None:
        return "skipped"
    remote = member.get("status", "")
    merges = member.get("merge_fields") or {}
    topics = topics_from_interests(member.get("interests") or {})
    with transaction.atomic():
        if remote == ARCHIVED:
            ArchivedContact.record(email, at)  # never written back (see deliver.py)
        elif archived is None or email_hash(email) in archived:
            ArchivedContact.forget(email)
        subscriber = by_email(email, Subscriber.objects.select_for_update()).first()
        if subscriber is None:
            if remote != SubscriberStatus.SUBSCRIBED:
                return "skipped"  # pending there: not confirmed; left: nothing to keep
            if erasure_waiting(email):
                return "skipped"  # erased here; the permanent delete is on its way
            create_from_remote(email, merges, member.get("language"), topics, at)
            return "created"
        if has_open_changes(subscriber):
            return "skipped"  # our queued change is newer; its answer will reconcile
        if subscriber.mailchimp_last_changed and at <= subscriber.mailchimp_last_changed:
            return "skipped"
        changes = status_update(subscriber, remote, at)
        changes.update(profile_update(subscriber, merges, member.get("language")))
        changes["mailchimp_last_changed"] = at
        save_remote(subscriber, changes, expect_status=subscriber.status)
        set_topics(subscriber, topics)
    if changes.get("status") in (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.CLEANED):
        return "left"
    return "updated"


def _page(api: Api, params: dict[str, Any], sleep: Callable[[float], None]) -> dict:
    """One page, retried on transient faults (a GET can safely be asked again)."""
    for attempt in range(1, PAGE_TRIES + 1):
        try:
            return api.list_members(**params)
        except MailchimpError as err:
            if not err.retryable or attempt == PAGE_TRIES:
                raise
            sleep(backoff_delay(attempt + 1))
    raise AssertionError("unreachable")


def pull(
    api: Api | None = None,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PullReport:
    """Reconcile every member changed since the last pull (all of them if `full`)."""
    api = api or Api()
    report = PullReport(since="" if full else SyncState.get_value(MARK_KEY))
    newest: datetime | None = None
    archived = set(ArchivedContact.objects.values_list("email_hash", flat=True))
    for status in LISTINGS:
        newest = _pull_listing(api, report, status, newest, archived, progress, sleep)
    report.calls = api.calls
    if newest is not None:
        report.mark = mailchimp_time(newest - timedelta(seconds=1))
        SyncState.set_value(MARK_KEY, report.mark)
    else:
        report.mark = report.since
    return report


def _pull_listing(
    api: Api,
    report: PullReport,
    status: str,
    newest: datetime | None,
    archived: set[str],
    progress: Callable[[int, int], None] | None,
    sleep: Callable[[float], None],
) -> datetime | None:
    """Page through one listing (every member but the archived, or the archived)."""
    offset = 0
    while True:
        params: dict[str, Any] = {
            "count": PAGE_SIZE,
            "offset": offset,
            "fields": FIELDS,
            "sort_field": "last_changed",
            "sort_dir": "DESC",
        }
        if status:
            params["status"] = status
        if report.since:
            params["since_last_changed"] = report.since
        page = _page(api, params, sleep)
        report.pages += 1
        members = page.get("members") or []
        for member in members:
            outcome = apply_member(member, archived)
            report.seen += 1
            if outcome == "created":
                report.created += 1
            elif outcome == "left":
                report.left += 1
            elif outcome == "updated":
                report.updated += 1
            else:
                report.skipped += 1
            at = parse_time(member.get("last_changed"))
            if at is not None and (newest is None or at > newest):
                newest = at
        offset += len(members)
        total = int(page.get("total_items") or 0)
        if progress:
            progress(min(offset, total), total)
        if not members or offset >= total:
            return newest

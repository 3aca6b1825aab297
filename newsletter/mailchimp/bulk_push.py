"""`newsletter_sync --push --all`: every subscriber to Mailchimp through batch operations.

One `PUT /lists/{l}/members/{hash}` per subscriber with `status_if_new` and no
`status`, so the push creates who is missing and updates profiles, but can never
change anyone's status there: whoever unsubscribed stays unsubscribed. (The
batch-subscribe endpoint with `update_existing` is avoided for that reason,
docs/mailchimp-api.md §2.) Operations go in batches of `chunk_size`; all batches are submitted,
then polled oldest first, then their result tarballs are read, and per-subscriber
errors become failed outbox rows that editors see in the admin. Tags need the
member to exist, so they follow in a second round, only for members whose tags
differ from what the site wants.

API calls: a full pull first (one call per thousand members already in the
audience), then one POST per batch plus the status polls; the tarball downloads
are plain HTTPS (S3), not API calls. 50,000 subscribers in batches of 5,000
take 10 POSTs and 10 polls plus one per wait (and the same again for the tags
that differ): within the budget of 110 even when all 50,000 are already members.
"""

from __future__ import annotations

import io
import json
import tarfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.batching import batched
from common.progress import ProgressBar
from directory.models import ResearcherPage
from newsletter.mailchimp.apply_remote import save_remote, status_update
from newsletter.mailchimp.client import Api, MailchimpError, configured_timeout
from newsletter.mailchimp.interests import digest_interest_id, interest_map
from newsletter.mailchimp.member_body import tag_changes, tags_for, upsert_body
from newsletter.mailchimp.models import ArchivedContact, PendingChange, email_hash
from newsletter.mailchimp.pull import pull
from newsletter.mailchimp.worker import backoff_delay
from newsletter.models import Subscriber, SubscriberStatus

CHUNK_SIZE = 5000
MEMBER_FIELDS = "id,email_address,status,last_changed,tags"
POLL_DELAYS = (1, 2, 4, 8, 15, 30)  # then every 30 s
MAX_WAIT = 2 * 3600.0
SUBMIT_TRIES = 5


class PushError(Exception):
    """The push could not finish (a batch was refused or never finished)."""


@dataclass
class PushReport:
    subscribers: int = 0
    operations: int = 0
    batches: int = 0
    calls: int = 0
    errors: int = 0
    #: Members read by the pull that precedes the push.
    pulled: int = 0
    #: Subscribers not sent because they are archived (deleted) in Mailchimp.
    archived: int = 0
    #: Local records that took Mailchimp's status (e.g. unsubscribed there).
    took_remote_status: int = 0
    tagged: int = 0
    seconds: float = 0.0
    error_samples: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Row:
    """What the push needs of one subscriber: read with one query, not as 50,000 models."""

    pk: int
    email: str
    first_name: str
    last_name: str
    language: str
    status: str
    topics: set[int]
    tags: set[str]
    digest: bool = False


def _rows() -> Iterator[_Row]:
    countries = dict(ResearcherPage.objects.values_list("pk", "country_code"))
    topics: dict[int, set[int]] = defaultdict(set)
    through = Subscriber.topics.through
    for subscriber_id, topic_id in through.objects.values_list("subscriber_id", "topic_id"):
        topics[subscriber_id].add(topic_id)
    no_topics: set[int] = set()
    rows = Subscriber.objects.order_by("pk").values_list(
        "pk", "email", "first_name", "last_name", "language", "status", "researcher_id", "digest"
    )
    for pk, email, first, last, language, status, researcher_id, digest in rows.iterator(5000):
        tags = tags_for(True, countries.get(researcher_id, "")) if researcher_id else set()
        yield _Row(
            pk, email, first, last, language, status, topics.get(pk, no_topics), tags, digest
        )


class _Runner:
    def __init__(
        self,
        api: Api,
        bar: ProgressBar,
        sleep: Callable[[float], None],
        chunk_size: int,
    ) -> None:
        self.api = api
        self.bar = bar
        self.sleep = sleep
        self.chunk_size = chunk_size
        self.batches = 0

    def _submit(self, operations: list[dict]) -> str:
        """POST /batches, retrying faults that mean "not accepted, try later". A
        duplicate batch after a timeout is harmless: every operation is idempotent."""
        for attempt in range(1, SUBMIT_TRIES + 1):
            try:
                return self.api.start_batch(operations)["id"]
            except MailchimpError as err:
                if not err.retryable or attempt == SUBMIT_TRIES:
                    raise PushError(
                        _("Mailchimp refused a batch: %(error)s") % {"error": err}
                    ) from err
                self.sleep(backoff_delay(attempt + 1))
        raise AssertionError("unreachable")

    def _wait(self, batch_ids: list[str], label: str, total_ops: int) -> dict[str, dict]:
        """Poll the oldest unfinished batch until all are finished.

        Mailchimp works through batches in order, so asking about one batch at a
        time costs one call per batch plus one per wait, however many batches
        there are (polling all of them every round would cost batches × rounds).
        """
        finished: dict[str, dict] = {}
        pending = list(batch_ids)
        waited = 0.0
        waits = 0
        done_before = 0
        while pending:
            batch_id = pending[0]
            try:
                status = self.api.batch_status(batch_id)
            except MailchimpError as err:
                if not err.retryable:
                    raise PushError(
                        _("Could not read batch %(batch)s: %(error)s")
                        % {"batch": batch_id, "error": err}
                    ) from err
                status = {}
            if status.get("status") == "finished":
                finished[batch_id] = status
                pending.pop(0)
                done_before += int(status.get("total_operations") or 0)
                self.bar(label, done_before, total_ops)
                continue
            self.bar(label, done_before + int(status.get("finished_operations") or 0), total_ops)
            delay = POLL_DELAYS[min(waits, len(POLL_DELAYS) - 1)]
            if waited + delay > MAX_WAIT:
                raise PushError(
                    _("Batches still unfinished after %(seconds)ds: %(pending)s")
                    % {"seconds": waited, "pending": pending}
                )
            self.sleep(delay)
            waited += delay
            waits += 1
        self.bar.close()
        return finished

    def run(self, operations: list[dict], label: str) -> list[dict]:
        """Submit `operations` in batches, wait for all, return every result."""
        if not operations:
            return []
        batch_ids = []
        chunks = list(batched(operations, self.chunk_size))
        for n, chunk in enumerate(chunks, start=1):
            batch_ids.append(self._submit(chunk))
            self.bar(f"{label}: sending", n, len(chunks))
        self.bar.close()
        self.batches += len(batch_ids)
        statuses = self._wait(batch_ids, f"{label}: processing", len(operations))
        results: list[dict] = []
        for n, batch_id in enumerate(batch_ids, start=1):
            results += read_results(statuses[batch_id].get("response_body_url") or "")
            self.bar(f"{label}: reading", n, len(batch_ids))
        self.bar.close()
        return results


def read_results(url: str) -> list[dict]:
    """Download a batch's gzipped tar of JSON arrays of {status_code, operation_id, response}."""
    if not url:
        return []
    response = requests.get(url, timeout=max(configured_timeout(), 60))
    response.raise_for_status()
    results: list[dict] = []
    with tarfile.open(fileobj=io.BytesIO(response.content), mode="r:gz") as tar:
        for info in tar:
            if info.isfile() and info.name.endswith(".json"):
                handle = tar.extractfile(info)
                if handle is not None:
                    results += json.load(handle)
    return results


def _problem(result: dict) -> tuple[int, str]:
    status = int(result.get("status_code") or 0)
    try:
        body = json.loads(result.get("response") or "{}")
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    text = ": ".join(p for p in (body.get("title", ""), body.get("detail", "")) if p)
    return status, f"HTTP {status}: {text}" if text else f"HTTP {status}"


def _record_errors(errors: dict[int, tuple[int, str]], by_pk: dict[int, _Row]) -> None:
    """One failed outbox row per subscriber, visible in the admin (reused on re-runs)."""
    if not errors:
        return
    now = timezone.now()
    existing = {
        c.subscriber_id: c
        for c in PendingChange.objects.filter(
            subscriber_id__in=errors,
            action=PendingChange.Action.UPSERT,
            state=PendingChange.State.FAILED,
        )
    }
    new, changed = [], []
    for pk, (status, text) in errors.items():
        change = existing.get(pk)
        if change is None:
            change = PendingChange(
                subscriber_id=pk,
                email=by_pk[pk].email,
                action=PendingChange.Action.UPSERT,
                state=PendingChange.State.FAILED,
                local_status=by_pk[pk].status,
                created_at=now,
            )
            new.append(change)
        else:
            changed.append(change)
        change.attempts += 1
        change.last_status = status or None
        change.last_error = f"Bulk push: {text}"
        change.updated_at = now
    with transaction.atomic():
        PendingChange.objects.bulk_create(new, batch_size=1000)
        PendingChange.objects.bulk_update(
            changed, ["attempts", "last_status", "last_error", "updated_at"], batch_size=1000
        )


def _took_remote_status(row: _Row, remote: str) -> bool:
    """Apply apply_remote.status_update() to the few rows whose status Mailchimp contradicts."""
    if remote == row.status or remote not in (*SubscriberStatus.values, "archived"):
        return False
    subscriber = Subscriber.objects.filter(pk=row.pk).first()
    if subscriber is None:
        return False
    changes = status_update(subscriber, remote, timezone.now(), after_own_write=True)
    return bool(changes) and save_remote(subscriber, changes, expect_status=subscriber.status)


def push_all(
    api: Api | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: ProgressBar | None = None,
    sleep: Callable[[float], None] = time.sleep,
    pull_first: bool = True,
) -> PushReport:
    """Push every subscriber; returns counts, including the API calls made.

    `pull_first` reads the whole audience first (a thousand members a call) so
    the site knows who left, bounced or was deleted there before it writes: a
    PUT restores an archived member, which must not happen to someone the site
    still has as subscribed only because it missed the deletion.
    """
    started = time.monotonic()
    api = api or Api()
    bar = progress or ProgressBar(None)
    runner = _Runner(api, bar, sleep, chunk_size)
    report = PushReport()
    if pull_first:
        report.pulled = pull(
            api=api,
            full=True,
            progress=lambda done, total: bar("Reading the audience", done, total),
            sleep=sleep,
        ).seen
        bar.close()
    mapping = interest_map()
    digest_interest = digest_interest_id()
    members_path = f"/lists/{api.list_id}/members"

    # Deleted in Mailchimp: a PUT would restore them, so they are not sent at all.
    archived = set(ArchivedContact.objects.values_list("email_hash", flat=True))
    by_pk: dict[int, _Row] = {}
    operations: list[dict[str, Any]] = []
    for row in _rows():
        if email_hash(row.email) in archived:
            report.archived += 1
            continue
        by_pk[row.pk] = row
        operations.append(
            {
                "method": "PUT",
                "path": f"{members_path}/{email_hash(row.email)}",
                "params": {"fields": MEMBER_FIELDS},
                "body": json.dumps(
                    upsert_body(row, row.topics, mapping, digest_interest=digest_interest),
                    separators=(",", ":"),
                ),
                "operation_id": f"put-{row.pk}",
            }
        )
        if len(operations) % 5000 == 0:
            bar("Members: preparing", len(operations), len(operations))
    bar.close()
    report.subscribers = len(by_pk)

    errors: dict[int, tuple[int, str]] = {}
    tag_ops: list[dict[str, Any]] = []
    for result in runner.run(operations, "Members"):
        pk = int(str(result.get("operation_id", "put-0")).removeprefix("put-"))
        row = by_pk.get(pk)
        if row is None:
            continue
        if int(result.get("status_code") or 0) >= 400:
            errors[pk] = _problem(result)
            continue
        member = json.loads(result.get("response") or "{}")
        if _took_remote_status(row, member.get("status", "")):
            report.took_remote_status += 1
        tags = tag_changes(row.tags, member)
        if tags:
            tag_ops.append(
                {
                    "method": "POST",
                    "path": f"{members_path}/{email_hash(row.email)}/tags",
                    "body": json.dumps({"tags": tags}),
                    "operation_id": f"tags-{pk}",
                }
            )
    report.operations = len(operations) + len(tag_ops)
    for result in runner.run(tag_ops, "Tags"):
        pk = int(str(result.get("operation_id", "tags-0")).removeprefix("tags-"))
        if int(result.get("status_code") or 0) >= 400:
            errors.setdefault(pk, _problem(result))
        else:
            report.tagged += 1
    _record_errors(errors, by_pk)
    report.errors = len(errors)
    report.error_samples = [f"{by_pk[pk].email}: {t}" for pk, (_, t) in errors.items()][:10]
    report.batches = runner.batches
    report.calls = api.calls
    report.seconds = time.monotonic() - started
    return report

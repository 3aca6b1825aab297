"""Sending the weekly digest: once a week at most, to those who asked, never after leaving.

`send_digests()` is what the `send_digests` command (weekly cron) and the
`send_digests` task run. It chooses the backend as issues do:

* **Locally** (no Mailchimp): one e-mail per subscriber, in their language, built
  by `newsletter.emails.build_list_email` (footer, `List-Unsubscribe` and RFC 8058
  one-click headers; it refuses anyone not subscribed). Before a message goes out
  its `DigestSend` row for the ISO week is inserted: the unique constraint makes a
  second run that week, even a concurrent one, skip the person. If the mail server
  refuses or is down, the row is removed (the message was not accepted) and the
  next run tries again; if the process dies after the server accepted it and
  before the row is marked, the row stays `sending` and nobody resends it
  (at most once, as issues do).
* **With Mailchimp**: subscribers who opted in are grouped by (language, exact set
  of topics); each group with something new is one campaign, aimed by interest
  and language conditions at the same members in Mailchimp (see
  `digest_segment`). Each campaign is claimed by its `DigestCampaign` row (unique
  per week, language and segment), its id saved as soon as Mailchimp hands it
  out, and it is sent once: a retry asks Mailchimp whether it already went.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletter.models import Subscriber, SubscriberStatus

from . import digest
from .digest_records import DigestCampaign, DigestSend, DigestState

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass
class DigestReport:
    backend: str = "local"
    sent: int = 0
    nothing_new: int = 0
    already: int = 0
    failed: int = 0
    campaigns: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "sent": self.sent,
            "nothing_new": self.nothing_new,
            "already": self.already,
            "failed": self.failed,
            "campaigns": self.campaigns,
        }


def recipients(year: int, week: int):
    """Subscribed people who opted in and have no digest row for this week yet."""
    return (
        Subscriber.objects.filter(status=SubscriberStatus.SUBSCRIBED, digest=True)
        .exclude(digest_sends__iso_year=year, digest_sends__iso_week=week)
        .prefetch_related("topics")
        .order_by("pk")
    )


def send_digests(now: datetime | None = None, progress: Progress | None = None) -> DigestReport:
    from newsletter.mailchimp.client import is_configured

    now = now or timezone.now()
    if is_configured():
        return MailchimpDigests().run(now, progress)
    return send_local(now, progress)


# --- local ------------------------------------------------------------------------


def _claim(subscriber: Subscriber, year: int, week: int) -> DigestSend | None:
    try:
        with transaction.atomic():
            return DigestSend.objects.create(subscriber=subscriber, iso_year=year, iso_week=week)
    except IntegrityError:
        return None  # another run has this person for this week


def send_local(now: datetime, progress: Progress | None = None) -> DigestReport:
    from django.core.mail import get_connection

    from newsletter.emails import build_list_email

    report = DigestReport(backend="local")
    year, week = digest.iso_week(now)
    people = list(recipients(year, week))
    connection = get_connection()
    for done, subscriber in enumerate(people, 1):
        content = digest.for_subscriber(subscriber, now)
        if not content:
            report.nothing_new += 1
        else:
            row = _claim(subscriber, year, week)
            if row is None:
                report.already += 1
            else:
                _send_one(row, subscriber, content, connection, report, build_list_email)
        if progress:
            progress(done, len(people))
    connection.close()
    return report


def _send_one(row, subscriber, content, connection, report, build_list_email) -> None:
    from newsletter.emails import NotMailable

    subscriber.refresh_from_db(fields=["status", "email", "language"])
    rendered = digest.render(content)
    try:
        message = build_list_email(
            subscriber,
            rendered.subject,
            rendered.text,
            rendered.html,
            connection=connection,
            headers={"X-Newsletter-Digest": str(row.pk)},
            language=content.language,
        )
    except NotMailable:  # left since the list was read
        row.delete()
        return
    try:
        message.send()
    except Exception as exc:  # not accepted: the next run may try again
        logger.warning("Digest to subscriber %s not sent: %s", subscriber.pk, exc)
        row.delete()
        report.failed += 1
        report.errors.append(f"{subscriber.pk}: {exc}")
        return
    DigestSend.objects.filter(pk=row.pk).update(
        state=DigestState.SENT, sent_at=timezone.now(), items=content.count
    )
    report.sent += 1


# --- Mailchimp --------------------------------------------------------------------


def segment_key(topic_ids: frozenset[int]) -> str:
    """The sorted topic ids, or their hash when too long for the column."""
    joined = ",".join(str(pk) for pk in sorted(topic_ids))
    return joined if len(joined) <= 64 else "h:" + hashlib.sha1(joined.encode()).hexdigest()


class DigestSegmentError(Exception):
    pass


def digest_segment(language: str, topic_ids: frozenset[int]) -> dict[str, Any]:
    """Mailchimp `segment_opts` for the members with the digest interest, this language,
    and exactly these topics' interests (all of them, none of the others)."""
    from newsletter.mailchimp.interests import (
        CATEGORY_KEY,
        DIGEST_CATEGORY_KEY,
        digest_interest_id,
    )
    from newsletter.mailchimp.models import SyncState, TopicInterest

    digest_id = digest_interest_id()
    digest_category = SyncState.get_value(DIGEST_CATEGORY_KEY)
    topic_category = SyncState.get_value(CATEGORY_KEY)
    if not digest_id or not digest_category:
        raise DigestSegmentError("The digest interest is missing: run newsletter_mailchimp_setup.")
    linked = dict(TopicInterest.objects.values_list("topic_id", "interest_id"))
    missing = sorted(pk for pk in topic_ids if pk not in linked)
    if missing:
        raise DigestSegmentError(f"Topics without a Mailchimp interest: {missing}")
    chosen = sorted(linked[pk] for pk in topic_ids)
    others = sorted(iid for pk, iid in linked.items() if pk not in topic_ids)
    conditions: list[dict[str, Any]] = [
        {
            "condition_type": "Interests",
            "field": f"interests-{digest_category}",
            "op": "interestcontains",
            "value": [digest_id],
        },
        {"condition_type": "Language", "field": "language", "op": "is", "value": language},
    ]
    if chosen:
        conditions.append(
            {
                "condition_type": "Interests",
                "field": f"interests-{topic_category}",
                "op": "interestcontainsall",
                "value": chosen,
            }
        )
    if others:
        conditions.append(
            {
                "condition_type": "Interests",
                "field": f"interests-{topic_category}",
                "op": "interestnotcontains",
                "value": others,
            }
        )
    return {"match": "all", "conditions": conditions}


class MailchimpDigests:
    """One campaign per (language, topic set) with something new, each sent once."""

    def __init__(self, client: Any = None) -> None:
        self._client = client

    @property
    def client(self) -> Any:
        from newsletter.mailchimp.client import get_client

        if self._client is None:
            self._client = get_client()
        return self._client

    def run(self, now: datetime, progress: Progress | None = None) -> DigestReport:
        report = DigestReport(backend="mailchimp")
        year, week = digest.iso_week(now)
        groups: dict[tuple[str, frozenset[int]], list[Subscriber]] = defaultdict(list)
        for subscriber in recipients(year, week):
            topics = frozenset(topic.pk for topic in subscriber.topics.all())
            groups[(subscriber.language, topics)].append(subscriber)
        for done, ((language, topics), members) in enumerate(sorted(groups.items()), 1):
            since = min(digest.since_for(member, now) for member in members)
            content = digest.select(topic_ids=topics, language=language, since=since, now=now)
            if not content:
                report.nothing_new += len(members)
            else:
                self._campaign(year, week, language, topics, members, content, report)
            if progress:
                progress(done, len(groups))
        return report

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        from newsletter.mailchimp.client import call

        return call(method, *args, **kwargs)

    def _campaign(self, year, week, language, topics, members, content, report) -> None:
        from newsletter.mailchimp.client import MailchimpError

        key = segment_key(topics)
        with transaction.atomic():
            row, _ = DigestCampaign.objects.get_or_create(
                iso_year=year, iso_week=week, language=language, segment_key=key
            )
            row = DigestCampaign.objects.select_for_update().get(pk=row.pk)
            if row.sent_at:
                report.already += len(members)
                self._record(row, members)
                return
            try:
                self._send(row, language, topics, content)
            except (MailchimpError, DigestSegmentError) as exc:
                logger.warning("Digest campaign %s not sent: %s", row, exc)
                row.last_error = str(exc)
                row.save(update_fields=["last_error"])
                report.failed += len(members)
                report.errors.append(f"{row}: {exc}")
                return
            report.campaigns += 1
            report.sent += len(members)
            self._record(row, members)

    def _send(self, row: DigestCampaign, language, topics, content) -> None:
        from email.utils import parseaddr

        from django.conf import settings

        from newsletter.emails import from_email

        from .campaigns.mailchimp import GONE

        rendered = digest.render(content, mailchimp_footer=True)
        if row.campaign_id:
            data = self._call(self.client.campaigns.get, row.campaign_id)
            if str(data.get("status", "")) in GONE:  # a lost answer: it went already
                self._mark(row, rendered, content)
                return
        else:
            name, address = parseaddr(from_email())
            created = self._call(
                self.client.campaigns.create,
                {
                    "type": "regular",
                    "recipients": {
                        "list_id": settings.MAILCHIMP_AUDIENCE_ID,
                        "segment_opts": digest_segment(language, topics),
                    },
                    "settings": {
                        "subject_line": rendered.subject,
                        "title": f"Digest {row}"[:100],
                        "from_name": name or address,
                        "reply_to": address,
                    },
                },
            )
            row.campaign_id = str(created["id"])
            row.subject = rendered.subject
            row.save(update_fields=["campaign_id", "subject"])
            row.topics.set(topics)
        self._call(
            self.client.campaigns.set_content,
            row.campaign_id,
            {"html": rendered.html, "plain_text": rendered.text},
        )
        self._call(self.client.campaigns.send, row.campaign_id)
        self._mark(row, rendered, content)

    def _mark(self, row: DigestCampaign, rendered, content) -> None:
        row.sent_at = timezone.now()
        row.items = content.count
        row.last_error = ""
        row.save(update_fields=["sent_at", "items", "last_error"])

    def _record(self, row: DigestCampaign, members: list[Subscriber]) -> None:
        """The members the campaign was meant for: their week is done."""
        DigestSend.objects.bulk_create(
            [
                DigestSend(
                    subscriber=member,
                    iso_year=row.iso_year,
                    iso_week=row.iso_week,
                    state=DigestState.SENT,
                    sent_at=row.sent_at,
                    items=row.items,
                    campaign=row,
                )
                for member in members
            ],
            ignore_conflicts=True,
        )

"""An issue as a Mailchimp campaign: create/update, content, test, send, schedule.

Mailchimp keeps the audience, sends, and adds its own unsubscribe headers; the
footer carries its merge tags (`*|UNSUB|*`, `*|UPDATE_PROFILE|*`). Every API
call goes through `newsletter.mailchimp.client.call`, so the client's quirks
(errors as raw problem+json strings, body-less 429s *returned* instead of
raised) arrive as one `MailchimpError`, which is turned into a `CampaignError`
worded for the editor: a failed call is a message in the admin, never a 500
(the gap wagtail-newsletter had, GH wagtail/wagtail-newsletter#56).

Topic targeting: the Mailchimp sync keeps one interest per topic
(`newsletter.mailchimp.models.TopicInterest`) in one interest category; the
campaign's `segment_opts` selects members with any of the chosen interests. If
a chosen topic has no interest yet, sending is refused rather than widened to
the whole audience.

A campaign deleted in Mailchimp (404 on update) is created again, as
wagtail-newsletter does. When the recipients change, the old draft campaign is
deleted and a new one created, because PATCHing `recipients` does not reliably
clear a previous segment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.utils import timezone

from newsletter.issues.models import Dispatch, DispatchBackend, DispatchState
from newsletter.issues.rendering import FOOTER_MAILCHIMP
from newsletter.mailchimp.client import MailchimpError, call, get_client

from .base import CampaignBackend, CampaignError

logger = logging.getLogger(__name__)

SCHEDULE_MINUTES = (0, 15, 30, 45)


def describe(action: str, exc: MailchimpError) -> str:
    """One sentence for the editor: what failed, Mailchimp's own words, what to do."""
    said = ": ".join(part for part in (exc.title, exc.detail) if part)
    fields = "; ".join(
        f"{e.get('field') or '?'}: {e.get('message', '')}"
        for e in (exc.body or {}).get("errors", []) or []
        if isinstance(e, dict)
    )
    if fields:
        said = f"{said} ({fields})" if said else fields
    if exc.status is None:
        return (
            f"Could not reach Mailchimp to {action} ({said or 'no answer'}). "
            "Check the campaign's status before trying again."
        )
    if exc.status == 401:
        return (
            f"Mailchimp refused the API key when asked to {action} ({said}). "
            "Check MAILCHIMP_API_KEY."
        )
    if exc.retryable:
        return (
            f"Mailchimp is busy or having trouble (HTTP {exc.status}{': ' + said if said else ''})"
            f" and could not {action}. Please try again in a few minutes."
        )
    return f"Mailchimp could not {action} (HTTP {exc.status}): {said or 'no details given'}."


def topic_interest_ids(topic_ids: Iterable[int]) -> dict[int, str]:
    """topic id → Mailchimp interest id, as the Mailchimp sync stored them."""
    from newsletter.mailchimp.models import TopicInterest

    return dict(
        TopicInterest.objects.filter(topic_id__in=list(topic_ids)).values_list(
            "topic_id", "interest_id"
        )
    )


def validate_quarter_hour(when: datetime) -> None:
    """Mailchimp schedules only on :00/:15/:30/:45
    (docs/mailchimp-api.md §5); say so before calling it."""
    if when.minute not in SCHEDULE_MINUTES or when.second or when.microsecond:
        floor = when.replace(minute=when.minute - when.minute % 15, second=0, microsecond=0)
        raise CampaignError(
            "Mailchimp can only send on the quarter hour (:00, :15, :30 or :45), "
            f"e.g. {floor:%H:%M} rather than {when:%H:%M:%S}."
        )


class MailchimpBackend(CampaignBackend):
    name = DispatchBackend.MAILCHIMP
    footer = FOOTER_MAILCHIMP

    def __init__(self, client: Any = None) -> None:
        self._client = client
        self._categories: dict[str, str] | None = None

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = get_client()
        return self._client

    @property
    def list_id(self) -> str:
        return settings.MAILCHIMP_AUDIENCE_ID

    def _call(self, action: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return call(method, *args, **kwargs)
        except MailchimpError as exc:
            logger.warning("Mailchimp call failed (%s): %s", action, exc)
            raise CampaignError(describe(action, exc), status=exc.status) from exc

    # --- recipients -----------------------------------------------------------

    def _interest_categories(self, interest_ids: set[str]) -> dict[str, str]:
        """interest id → its category id (segment conditions are per category)."""
        if self._categories is None:
            found: dict[str, str] = {}
            answer = self._call(
                "read the audience's interest groups",
                self.client.lists.get_list_interest_categories,
                self.list_id,
                count=100,
            )
            for category in (answer or {}).get("categories", []):
                interests = self._call(
                    "read the audience's interest groups",
                    self.client.lists.list_interest_category_interests,
                    self.list_id,
                    category["id"],
                    count=100,
                )
                for interest in (interests or {}).get("interests", []):
                    found[interest["id"]] = category["id"]
            self._categories = found
        return {iid: self._categories[iid] for iid in interest_ids if iid in self._categories}

    def recipients(self, dispatch: Dispatch) -> dict[str, Any]:
        """`{list_id}` for the whole audience, plus `segment_opts` for chosen topics."""
        recipients: dict[str, Any] = {"list_id": self.list_id}
        topics = sorted(dispatch.topics.all(), key=lambda t: t.pk)
        if not topics:
            return recipients
        interest_ids = topic_interest_ids(t.pk for t in topics)
        missing = [t.name for t in topics if t.pk not in interest_ids]
        if missing:
            raise CampaignError(
                "These topics have no Mailchimp interest group yet: "
                f"{', '.join(missing)}. Run the Mailchimp sync, or remove them from the "
                "recipients; nothing was sent."
            )
        categories = self._interest_categories(set(interest_ids.values()))
        unknown = [t.name for t in topics if interest_ids[t.pk] not in categories]
        if unknown:
            raise CampaignError(
                "Mailchimp no longer has the interest groups for "
                f"{', '.join(unknown)}. Run the Mailchimp sync; nothing was sent."
            )
        by_category: dict[str, list[str]] = {}
        for topic in topics:
            interest = interest_ids[topic.pk]
            by_category.setdefault(categories[interest], []).append(interest)
        recipients["segment_opts"] = {
            "match": "any",
            "conditions": [
                {
                    "condition_type": "Interests",
                    "field": f"interests-{category}",
                    "op": "interestcontains",
                    "value": interests,
                }
                for category, interests in sorted(by_category.items())
            ],
        }
        return recipients

    # --- the campaign ---------------------------------------------------------

    def campaign_settings(self, dispatch: Dispatch) -> dict[str, str]:
        from newsletter.emails import from_email

        name, address = parseaddr(from_email())
        if not address:
            raise CampaignError("Set NEWSLETTER_FROM_EMAIL or DEFAULT_FROM_EMAIL to an address.")
        return {
            "subject_line": dispatch.subject,
            "preview_text": dispatch.preview_text,
            "title": f"{dispatch.issue.title} (issue {dispatch.issue_id})"[:100],
            "from_name": name or getattr(settings, "WAGTAIL_SITE_NAME", "") or address,
            "reply_to": address,
        }

    def _create(self, dispatch: Dispatch, recipients: dict[str, Any], body: dict) -> None:
        created = self._call(
            "create the campaign",
            self.client.campaigns.create,
            {"type": "regular", "recipients": recipients, **body},
        )
        dispatch.campaign_id = str(created["id"])
        dispatch.campaign_web_id = str(created.get("web_id", ""))
        dispatch.campaign_status = str(created.get("status", ""))
        dispatch.campaign_recipients = recipients
        # Saved at once (not with the caller's later save): a campaign that exists in
        # Mailchimp must never be forgotten, or the next attempt would make a second one.
        dispatch.save(
            update_fields=[
                "campaign_id",
                "campaign_web_id",
                "campaign_status",
                "campaign_recipients",
                "updated_at",
            ]
        )

    def save_campaign(self, dispatch: Dispatch) -> str:
        """Create or update the campaign from the snapshot, and set its content."""
        recipients = self.recipients(dispatch)
        body = {"settings": self.campaign_settings(dispatch)}
        if dispatch.campaign_id and dispatch.campaign_recipients != recipients:
            try:
                self._call(
                    "replace the campaign", self.client.campaigns.remove, dispatch.campaign_id
                )
            except CampaignError as exc:
                if exc.status != 404:
                    raise
            dispatch.campaign_id = ""
        if dispatch.campaign_id:
            try:
                self._call(
                    "update the campaign",
                    self.client.campaigns.update,
                    dispatch.campaign_id,
                    body,
                )
            except CampaignError as exc:
                if exc.status != 404:
                    raise
                logger.info("Campaign %s deleted in Mailchimp; recreating", dispatch.campaign_id)
                self._create(dispatch, recipients, body)
        else:
            self._create(dispatch, recipients, body)
        self._call(
            "set the campaign's content",
            self.client.campaigns.set_content,
            dispatch.campaign_id,
            {"html": dispatch.html, "plain_text": dispatch.text},
        )
        return dispatch.campaign_id

    # --- the interface --------------------------------------------------------

    def validate_schedule_time(self, when: datetime) -> None:
        super().validate_schedule_time(when)
        validate_quarter_hour(when)

    def send_test(self, dispatch: Dispatch, email: str) -> None:
        if dispatch.state == DispatchState.DRAFT or not dispatch.campaign_id:
            self.save_campaign(dispatch)
        self._call(
            "send the test e-mail",
            self.client.campaigns.send_test_email,
            dispatch.campaign_id,
            {"test_emails": [email], "send_type": "html"},
        )

    def send(self, dispatch: Dispatch) -> None:
        self.save_campaign(dispatch)
        self._call("send the campaign", self.client.campaigns.send, dispatch.campaign_id)
        now = timezone.now()
        dispatch.state = DispatchState.SENT
        dispatch.campaign_status = "sending"
        dispatch.started_at = dispatch.finished_at = now
        dispatch.last_error = ""
        dispatch.save()

    def schedule(self, dispatch: Dispatch, when: datetime) -> None:
        self.validate_schedule_time(when)
        self.save_campaign(dispatch)
        self._call(
            "schedule the campaign",
            self.client.campaigns.schedule,
            dispatch.campaign_id,
            {"schedule_time": when.astimezone(UTC).isoformat()},
        )
        dispatch.state = DispatchState.SCHEDULED
        dispatch.scheduled_at = when
        dispatch.campaign_status = "schedule"
        dispatch.last_error = ""
        dispatch.save()

    def unschedule(self, dispatch: Dispatch) -> None:
        if dispatch.campaign_id:
            self._call(
                "cancel the schedule", self.client.campaigns.unschedule, dispatch.campaign_id
            )
        dispatch.state = DispatchState.DRAFT
        dispatch.scheduled_at = None
        dispatch.campaign_status = "save"
        dispatch.save()

    def refresh(self, dispatch: Dispatch) -> dict[str, Any]:
        """Follow what happened in Mailchimp: a scheduled campaign going out, a
        campaign unscheduled or deleted in Mailchimp's own interface."""
        if not dispatch.campaign_id:
            return {}
        try:
            data = self._call(
                "read the campaign's status", self.client.campaigns.get, dispatch.campaign_id
            )
        except CampaignError as exc:
            if exc.status != 404:
                raise
            if dispatch.state in (DispatchState.DRAFT, DispatchState.SCHEDULED):
                dispatch.campaign_id = ""
                dispatch.state = DispatchState.DRAFT
                dispatch.scheduled_at = None
                dispatch.last_error = "The campaign was deleted in Mailchimp."
                dispatch.save()
            return {"deleted": True}
        status = str(data.get("status", ""))
        dispatch.campaign_status = status
        dispatch.emails_sent = data.get("emails_sent")
        if status in ("sending", "sent") and dispatch.state != DispatchState.SENT:
            dispatch.state = DispatchState.SENT
            dispatch.finished_at = dispatch.finished_at or timezone.now()
        elif status == "schedule" and dispatch.state == DispatchState.SENDING:
            dispatch.state = DispatchState.SCHEDULED  # a request died after scheduling
        elif status in ("save", "paused") and dispatch.state == DispatchState.SCHEDULED:
            dispatch.state = DispatchState.DRAFT  # unscheduled in Mailchimp itself
            dispatch.scheduled_at = None
        elif (
            status in ("save", "paused")
            and dispatch.state == DispatchState.SENDING
            and dispatch.updated_at < timezone.now() - timedelta(minutes=5)
        ):
            dispatch.state = DispatchState.DRAFT  # a request died before sending
        dispatch.save()
        server = getattr(self.client.api_client, "server", "")
        page = "reports/summary" if status in ("sending", "sent") else "campaigns/edit"
        return {
            "status": status,
            "emails_sent": data.get("emails_sent"),
            "recipient_count": (data.get("recipients") or {}).get("recipient_count"),
            "url": f"https://{server}.admin.mailchimp.com/{page}?id={dispatch.campaign_web_id}"
            if server and dispatch.campaign_web_id
            else "",
        }

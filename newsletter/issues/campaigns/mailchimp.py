"""An issue as Mailchimp campaigns (one per language): create/update, content, test,
send, schedule.

Mailchimp keeps the audience, sends, and adds its own unsubscribe headers; the
footer carries its merge tags (`*|UNSUB|*`, `*|UPDATE_PROFILE|*`). Every API
call goes through `newsletter.mailchimp.client.call`, so the client's quirks
(errors as raw problem+json strings, body-less 429s *returned* instead of
raised) arrive as one `MailchimpError`, which is turned into a `CampaignError`
worded for the editor: a failed call is a message in the admin, never a 500
(the gap wagtail-newsletter had, GH wagtail/wagtail-newsletter#56).

One campaign per edition (English on the `Dispatch`, each published translation
an `Edition`), each aimed at its language's members (`mailchimp_recipients`).

Exactly once, per campaign:
* a campaign id is saved the moment Mailchimp hands it out, so a failure later
  never leads to a second campaign for the same language;
* `campaign_sent_at` is saved the moment Mailchimp accepts the send, and a
  campaign with it is never sent again;
* before a campaign that already exists is sent, Mailchimp is asked whether it
  went out already (a send whose answer was lost, a process that died after
  sending): if so it is only marked, never sent twice;
* once one language has gone, the dispatch never returns to a draft (the other
  campaigns' audiences were fixed by it): "Send now" resumes with the rest.

A campaign deleted in Mailchimp (404 on update) is created again, as
wagtail-newsletter does. When the recipients change, the old draft campaign is
deleted and a new one created, because PATCHing `recipients` does not reliably
clear a previous segment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from newsletter.issues.editions import EMPTY, EditionContent
from newsletter.issues.models import Dispatch, DispatchBackend, DispatchState
from newsletter.issues.rendering import FOOTER_MAILCHIMP
from newsletter.mailchimp.client import MailchimpError, call, get_client

from . import mailchimp_recipients
from .base import CampaignBackend, CampaignError
from .mailchimp_wording import (
    EMPTY_SEGMENT,
    STATUS_LABELS,
    describe,
    validate_quarter_hour,
)

logger = logging.getLogger(__name__)

#: Statuses of a campaign that has gone (or is going) out (docs/mailchimp-api.md §5).
GONE = ("sending", "sent")
#: How long a send may be silent before the status page calls it interrupted.
SILENT = timedelta(minutes=5)
CAMPAIGN_FIELDS = [
    "campaign_id",
    "campaign_web_id",
    "campaign_status",
    "campaign_recipients",
    "campaign_sent_at",
    "emails_sent",
]


def _save(edition: EditionContent, fields: list[str]) -> None:
    """Save campaign fields of an edition (the Dispatch also keeps `updated_at`)."""
    edition.save(update_fields=[*fields, "updated_at"] if edition.is_source else fields)


def language_name(edition: EditionContent) -> str:
    return edition.language_label


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
            action = gettext("read the audience's interest groups")
            answer = self._call(
                action, self.client.lists.get_list_interest_categories, self.list_id, count=100
            )
            for category in (answer or {}).get("categories", []):
                interests = self._call(
                    action,
                    self.client.lists.list_interest_category_interests,
                    self.list_id,
                    category["id"],
                    count=100,
                )
                for interest in (interests or {}).get("interests", []):
                    found[interest["id"]] = category["id"]
            self._categories = found
        return {iid: self._categories[iid] for iid in interest_ids if iid in self._categories}

    def recipients(self, dispatch: Dispatch, edition: EditionContent | None = None) -> dict:
        """The recipients of one edition's campaign (English by default)."""
        return mailchimp_recipients.recipients(
            self.list_id, dispatch, edition or dispatch, self._interest_categories
        )

    # --- one campaign ---------------------------------------------------------

    def campaign_settings(self, dispatch: Dispatch, edition: EditionContent) -> dict[str, str]:
        from newsletter.emails import from_email

        name, address = parseaddr(from_email())
        if not address:
            raise CampaignError(
                gettext("Set NEWSLETTER_FROM_EMAIL or DEFAULT_FROM_EMAIL to an address.")
            )
        title = f"{dispatch.issue.title} (issue {dispatch.issue_id})"
        if not edition.is_source:
            title = f"{dispatch.issue.title} (issue {dispatch.issue_id}, {edition.language})"
        return {
            "subject_line": edition.subject,
            "preview_text": edition.preview_text,
            "title": title[:100],
            "from_name": name or getattr(settings, "WAGTAIL_SITE_NAME", "") or address,
            "reply_to": address,
        }

    def _create(self, edition: EditionContent, recipients: dict[str, Any], body: dict) -> None:
        created = self._call(
            gettext("create the campaign"),
            self.client.campaigns.create,
            {"type": "regular", "recipients": recipients, **body},
        )
        edition.campaign_id = str(created["id"])
        edition.campaign_web_id = str(created.get("web_id", ""))
        edition.campaign_status = str(created.get("status", ""))
        edition.campaign_recipients = recipients
        # Saved at once (not with the caller's later save): a campaign that exists in
        # Mailchimp must never be forgotten, or the next attempt would make a second one.
        _save(edition, CAMPAIGN_FIELDS)

    def save_campaign(self, dispatch: Dispatch, edition: EditionContent | None = None) -> str:
        """Create or update one edition's campaign from the snapshot, and set its content."""
        edition = edition or dispatch
        recipients = self.recipients(dispatch, edition)
        body = {"settings": self.campaign_settings(dispatch, edition)}
        if edition.campaign_id and edition.campaign_recipients != recipients:
            try:
                self._call(
                    gettext("replace the campaign"),
                    self.client.campaigns.remove,
                    edition.campaign_id,
                )
            except CampaignError as exc:
                if exc.status != 404:
                    raise
            edition.campaign_id = ""
        if edition.campaign_id:
            try:
                self._call(
                    gettext("update the campaign"),
                    self.client.campaigns.update,
                    edition.campaign_id,
                    body,
                )
            except CampaignError as exc:
                if exc.status != 404:
                    raise
                logger.info("Campaign %s deleted in Mailchimp; recreating", edition.campaign_id)
                self._create(edition, recipients, body)
        else:
            self._create(edition, recipients, body)
        self._call(
            gettext("set the campaign's content"),
            self.client.campaigns.set_content,
            edition.campaign_id,
            {"html": edition.html, "plain_text": edition.text},
        )
        return edition.campaign_id

    def _went_out(self, edition: EditionContent) -> bool:
        """Whether an existing campaign already went out (a lost answer, a dead process);
        if so it is marked as sent, and must not be sent again."""
        if edition.campaign_sent_at:
            return True
        if not edition.campaign_id:
            return False
        try:
            data = self._call(
                gettext("read the campaign's status"),
                self.client.campaigns.get,
                edition.campaign_id,
            )
        except CampaignError as exc:
            if exc.status == 404:
                return False  # deleted there: save_campaign makes a new one
            raise
        status = str(data.get("status", ""))
        if status not in GONE:
            return False
        self._mark_sent(edition, status, data.get("emails_sent"))
        return True

    def _segment_empty(self, edition: EditionContent) -> bool:
        """Whether Mailchimp refused a send because the campaign's segment is empty
        (its send checklist says so: docs/mailchimp-api.md §5)."""
        try:
            checklist = self._call(
                gettext("read the campaign's checklist"),
                self.client.campaigns.get_send_checklist,
                edition.campaign_id,
            )
        except CampaignError:
            return False
        return any(
            item.get("type") == "error" and EMPTY_SEGMENT.search(str(item.get("details", "")))
            for item in (checklist or {}).get("items", [])
        )

    def _mark_sent(self, edition: EditionContent, status: str, emails: int | None = None) -> None:
        edition.campaign_sent_at = edition.campaign_sent_at or timezone.now()
        edition.campaign_status = status
        if emails is not None:
            edition.emails_sent = emails
        _save(edition, ["campaign_sent_at", "campaign_status", "emails_sent"])

    # --- the interface --------------------------------------------------------

    def validate_schedule_time(self, when: datetime) -> None:
        super().validate_schedule_time(when)
        validate_quarter_hour(when)

    def send_test(
        self, dispatch: Dispatch, email: str, edition: EditionContent | None = None
    ) -> None:
        edition = edition or dispatch
        if dispatch.state == DispatchState.DRAFT or not edition.campaign_id:
            self.save_campaign(dispatch, edition)
        self._call(
            gettext("send the test e-mail"),
            self.client.campaigns.send_test_email,
            edition.campaign_id,
            {"test_emails": [email], "send_type": "html"},
        )

    def send(self, dispatch: Dispatch) -> None:
        """Send every language's campaign that has not gone yet, each exactly once.

        A campaign whose segment is empty (nobody of its language among the
        recipients) is skipped, not an error; if every one is, nobody would receive
        the issue, and Mailchimp's refusal is passed on as before.
        """
        editions = dispatch.all_editions()
        refusal: CampaignError | None = None
        for edition in editions:
            if self._went_out(edition):
                continue
            self.save_campaign(dispatch, edition)
            try:
                self._call(
                    gettext("send the %(language)s campaign")
                    % {"language": language_name(edition)},
                    self.client.campaigns.send,
                    edition.campaign_id,
                )
            except CampaignError as exc:
                if exc.status != 400 or not self._segment_empty(edition):
                    raise
                refusal = refusal or exc
                self._mark_sent(edition, EMPTY, 0)  # done: there is nobody to send it to
                continue
            self._mark_sent(edition, "sending")
        if not any(edition.went_out for edition in editions) and refusal is not None:
            for edition in editions:  # nothing went: let a later attempt try them all again
                edition.campaign_sent_at = None
                edition.campaign_status = "save"
                _save(edition, ["campaign_sent_at", "campaign_status"])
            raise refusal
        now = timezone.now()
        dispatch.refresh_from_db()
        dispatch.state = DispatchState.SENT
        dispatch.started_at = dispatch.started_at or now
        dispatch.finished_at = now
        dispatch.last_error = ""
        dispatch.save()

    def schedule(self, dispatch: Dispatch, when: datetime) -> None:
        """Schedule every language's campaign for `when`; all or none."""
        self.validate_schedule_time(when)
        editions = dispatch.all_editions()
        scheduled: list[EditionContent] = []
        refusal: CampaignError | None = None
        try:
            for edition in editions:
                self.save_campaign(dispatch, edition)
                try:
                    self._call(
                        gettext("schedule the campaign"),
                        self.client.campaigns.schedule,
                        edition.campaign_id,
                        {"schedule_time": when.astimezone(UTC).isoformat()},
                    )
                except CampaignError as exc:
                    if exc.status != 400 or not self._segment_empty(edition):
                        raise
                    refusal = refusal or exc
                    self._mark_sent(edition, EMPTY, 0)  # nobody of this language: done
                    scheduled.append(edition)
                    continue
                edition.campaign_status = "schedule"
                _save(edition, ["campaign_status"])
                scheduled.append(edition)
            if refusal is not None and all(e.campaign_status == EMPTY for e in editions):
                raise refusal  # nobody at all would receive it
        except CampaignError:
            self._unschedule_all(scheduled, strict=False)
            raise
        dispatch.refresh_from_db()
        dispatch.state = DispatchState.SCHEDULED
        dispatch.scheduled_at = when
        dispatch.last_error = ""
        dispatch.save()

    def _unschedule_all(self, editions: list[EditionContent], *, strict: bool) -> None:
        failure: CampaignError | None = None
        for edition in editions:
            if edition.campaign_status == EMPTY:  # skipped, not scheduled: look again next time
                edition.campaign_sent_at = None
                edition.campaign_status = "save"
                _save(edition, ["campaign_sent_at", "campaign_status"])
                continue
            if not edition.campaign_id or edition.campaign_sent_at:
                continue
            try:
                self._call(
                    gettext("cancel the schedule"),
                    self.client.campaigns.unschedule,
                    edition.campaign_id,
                )
            except CampaignError as exc:
                logger.warning("Could not unschedule campaign %s: %s", edition.campaign_id, exc)
                failure = failure or exc
                continue
            edition.campaign_status = "save"
            _save(edition, ["campaign_status"])
        if failure is not None and strict:
            raise failure

    def unschedule(self, dispatch: Dispatch) -> None:
        self._unschedule_all(dispatch.all_editions(), strict=True)
        dispatch.refresh_from_db()
        dispatch.state = DispatchState.DRAFT
        dispatch.scheduled_at = None
        dispatch.save()

    def discard_campaigns(self, campaign_ids: list[str]) -> None:
        for campaign_id in campaign_ids:
            try:
                self._call(
                    gettext("delete the campaign"), self.client.campaigns.remove, campaign_id
                )
            except CampaignError as exc:
                logger.info("Draft campaign %s not deleted: %s", campaign_id, exc)

    # --- following Mailchimp ----------------------------------------------------

    def _refresh_one(self, dispatch: Dispatch, edition: EditionContent) -> dict[str, Any]:
        """One campaign's state in Mailchimp, taken onto its edition."""
        info: dict[str, Any] = {"edition": edition, "language": language_name(edition)}
        if edition.campaign_status == EMPTY:
            return {**info, "status": EMPTY, "status_label": STATUS_LABELS[EMPTY]}
        if not edition.campaign_id:
            return {**info, "status": ""}
        try:
            data = self._call(
                gettext("read the campaign's status"),
                self.client.campaigns.get,
                edition.campaign_id,
            )
        except CampaignError as exc:
            if exc.status != 404:
                raise
            if dispatch.state in (DispatchState.DRAFT, DispatchState.SCHEDULED):
                edition.campaign_id = ""
                edition.campaign_status = ""
                _save(edition, ["campaign_id", "campaign_status"])
            return {**info, "status": "", "deleted": True}
        status = str(data.get("status", ""))
        edition.campaign_status = status
        edition.emails_sent = data.get("emails_sent")
        if status in GONE and not edition.campaign_sent_at:
            edition.campaign_sent_at = timezone.now()
        _save(edition, ["campaign_status", "emails_sent", "campaign_sent_at"])
        server = getattr(self.client.api_client, "server", "")
        page = "reports/summary" if status in GONE else "campaigns/edit"
        return {
            **info,
            "status": status,
            "status_label": STATUS_LABELS.get(status, status),
            "emails_sent": data.get("emails_sent"),
            "recipient_count": (data.get("recipients") or {}).get("recipient_count"),
            "url": f"https://{server}.admin.mailchimp.com/{page}?id={edition.campaign_web_id}"
            if server and edition.campaign_web_id
            else "",
        }

    def refresh(self, dispatch: Dispatch) -> dict[str, Any]:
        """Follow what happened in Mailchimp: scheduled campaigns going out, campaigns
        unscheduled or deleted in Mailchimp's own interface, a send that died."""
        silent = dispatch.updated_at < timezone.now() - SILENT  # before saving anything
        campaigns = [self._refresh_one(dispatch, e) for e in dispatch.all_editions()]
        dispatch.refresh_from_db()
        statuses = [c["status"] for c in campaigns]
        gone = [bool(c["edition"].campaign_sent_at) for c in campaigns]
        if any(c.get("deleted") for c in campaigns) and dispatch.state in (
            DispatchState.DRAFT,
            DispatchState.SCHEDULED,
        ):
            dispatch.state = DispatchState.DRAFT
            dispatch.scheduled_at = None
            dispatch.last_error = gettext("The campaign was deleted in Mailchimp.")
        elif all(gone) and dispatch.state != DispatchState.SENT:
            dispatch.state = DispatchState.SENT
            dispatch.finished_at = dispatch.finished_at or timezone.now()
            dispatch.last_error = ""
        elif dispatch.state == DispatchState.SENDING and all(s == "schedule" for s in statuses):
            dispatch.state = DispatchState.SCHEDULED  # a request died after scheduling
        elif dispatch.state == DispatchState.SCHEDULED and all(
            s in ("save", "paused") for s in statuses
        ):
            dispatch.state = DispatchState.DRAFT  # unscheduled in Mailchimp itself
            dispatch.scheduled_at = None
        elif dispatch.state == DispatchState.SENDING and silent and not dispatch.last_error:
            if not any(gone):
                dispatch.state = DispatchState.DRAFT  # a request died before sending
            else:  # died part-way: "Send now" resumes with the rest
                dispatch.last_error = gettext(
                    "Sending was interrupted after some languages' campaigns went out; "
                    "press Send now to send the rest. No campaign is ever sent twice."
                )
        dispatch.save()
        source = campaigns[0]
        return {
            "status": source["status"],
            "emails_sent": source.get("emails_sent"),
            "recipient_count": source.get("recipient_count"),
            "url": source.get("url", ""),
            "deleted": any(c.get("deleted") for c in campaigns),
            "campaigns": campaigns,
        }

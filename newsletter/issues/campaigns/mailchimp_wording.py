"""What an editor reads about Mailchimp: failures, campaign statuses, the schedule rule.

Every failure of a campaign call becomes one sentence (`describe`): what failed,
Mailchimp's own title and detail, and what to do next; the statuses Mailchimp
gives a campaign are shown in the admin's language.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.utils.translation import gettext, pgettext_lazy

from newsletter.issues.editions import EMPTY
from newsletter.mailchimp.client import MailchimpError

from .base import CampaignError

SCHEDULE_MINUTES = (0, 15, 30, 45)
#: Mailchimp's campaign statuses (docs/mailchimp-api.md §5), as the admin shows them.
STATUS_LABELS = {
    "save": pgettext_lazy("Mailchimp campaign status", "draft"),
    "paused": pgettext_lazy("Mailchimp campaign status", "paused"),
    "schedule": pgettext_lazy("Mailchimp campaign status", "scheduled"),
    "sending": pgettext_lazy("Mailchimp campaign status", "sending"),
    "sent": pgettext_lazy("Mailchimp campaign status", "sent"),
    "canceling": pgettext_lazy("Mailchimp campaign status", "being cancelled"),
    "canceled": pgettext_lazy("Mailchimp campaign status", "cancelled"),
    "archived": pgettext_lazy("Mailchimp campaign status", "archived"),
    EMPTY: pgettext_lazy("Mailchimp campaign status", "not sent: nobody in this language"),
}
#: The send checklist's wording for an empty segment (docs/mailchimp-api.md §5).
EMPTY_SEGMENT = re.compile(r"segment of list .* is empty", re.IGNORECASE)


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
    values = {"action": action, "said": said, "status": exc.status}
    if exc.status is None:
        values["said"] = said or gettext("no answer")
        return (
            gettext(
                "Could not reach Mailchimp to %(action)s (%(said)s). Check the campaign's "
                "status before trying again."
            )
            % values
        )
    if exc.status == 401:
        return (
            gettext(
                "Mailchimp refused the API key when asked to %(action)s (%(said)s). "
                "Check MAILCHIMP_API_KEY."
            )
            % values
        )
    if exc.retryable:
        return gettext(
            "Mailchimp is busy or having trouble (HTTP %(status)s%(said)s) and could not "
            "%(action)s. Please try again in a few minutes."
        ) % {**values, "said": f": {said}" if said else ""}
    values["said"] = said or gettext("no details given")
    return gettext("Mailchimp could not %(action)s (HTTP %(status)s): %(said)s.") % values


def validate_quarter_hour(when: datetime) -> None:
    """Mailchimp schedules only on :00/:15/:30/:45
    (docs/mailchimp-api.md §5); say so before calling it."""
    if when.minute not in SCHEDULE_MINUTES or when.second or when.microsecond:
        floor = when.replace(minute=when.minute - when.minute % 15, second=0, microsecond=0)
        raise CampaignError(
            gettext(
                "Mailchimp can only send on the quarter hour (:00, :15, :30 or :45), "
                "e.g. %(floor)s rather than %(when)s."
            )
            % {"floor": f"{floor:%H:%M}", "when": f"{when:%H:%M:%S}"}
        )


def stored_campaigns(editions: list) -> list[dict]:
    """Each language's campaign as last seen, without asking Mailchimp (the editor's
    status panel must never wait on it); the sending page refreshes them."""
    return [
        {
            "edition": edition,
            "language": edition.language_label,
            "status": edition.campaign_status,
            "status_label": STATUS_LABELS.get(edition.campaign_status, edition.campaign_status),
            "emails_sent": edition.emails_sent if edition.campaign_sent_at else None,
        }
        for edition in editions
    ]

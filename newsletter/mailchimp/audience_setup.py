"""`newsletter_mailchimp_setup`: the interest category, one interest per topic, the webhook.

Idempotent: everything is looked up before it is created, so running it again
creates nothing new; it only adds what is missing (a new topic, a deleted
interest, the webhook). A topic keeps its interest while that interest exists,
even if one of them was renamed, so members' choices stay attached.

The webhook listens to sources `user` and `admin` but not `api`: with `api`,
every write the sync makes would come straight back as a webhook (an echo loop).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from directory.models import Topic
from newsletter.mailchimp.client import Api
from newsletter.mailchimp.interests import (
    CATEGORY_KEY,
    CATEGORY_TITLE,
    DIGEST_CATEGORY_KEY,
    DIGEST_CATEGORY_TITLE,
    DIGEST_INTEREST_KEY,
    DIGEST_INTEREST_NAME,
)
from newsletter.mailchimp.models import SyncState, TopicInterest

WEBHOOK_KEY = "webhook-id"
WEBHOOK_EVENTS = {
    "subscribe": True,
    "unsubscribe": True,
    "profile": True,
    "cleaned": True,
    "upemail": True,
    "campaign": False,
}
WEBHOOK_SOURCES = {"user": True, "admin": True, "api": False}


@dataclass
class SetupReport:
    category_id: str = ""
    category_created: bool = False
    interests_created: list[str] = field(default_factory=list)
    interests_linked: list[str] = field(default_factory=list)
    webhook_id: str = ""
    webhook_url: str = ""
    webhook_created: bool = False
    notes: list[str] = field(default_factory=list)
    calls: int = 0


def webhook_url() -> str:
    path = reverse("newsletter_mailchimp:webhook", kwargs={"secret": "SECRET"})
    path = path.replace("SECRET", settings.MAILCHIMP_WEBHOOK_SECRET)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _category(api: Api, report: SetupReport) -> str:
    categories = api.interest_categories().get("categories") or []
    stored = SyncState.get_value(CATEGORY_KEY)
    match = next((c for c in categories if c["id"] == stored), None) or next(
        (c for c in categories if c.get("title") == CATEGORY_TITLE), None
    )
    if match is None:
        match = api.create_interest_category({"title": CATEGORY_TITLE, "type": "checkboxes"})
        report.category_created = True
    SyncState.set_value(CATEGORY_KEY, match["id"])
    return match["id"]


def _interests(api: Api, category_id: str, report: SetupReport) -> None:
    remote = api.interests(category_id).get("interests") or []
    by_id = {i["id"]: i for i in remote}
    by_name = {i["name"]: i for i in remote}
    linked = {ti.topic_id: ti for ti in TopicInterest.objects.all()}
    for topic in Topic.objects.order_by("sort_order", "name"):
        current = linked.get(topic.pk)
        if current is not None and current.interest_id in by_id:
            name = by_id[current.interest_id]["name"]
            if current.name != name:  # renamed there: webhooks now carry the new name
                TopicInterest.objects.filter(pk=current.pk).update(name=name)
            continue
        interest = by_name.get(topic.name)
        if interest is None:
            interest = api.create_interest(category_id, {"name": topic.name})
            report.interests_created.append(topic.name)
        else:
            report.interests_linked.append(topic.name)
        with transaction.atomic():
            TopicInterest.objects.filter(interest_id=interest["id"]).exclude(topic=topic).delete()
            TopicInterest.objects.update_or_create(
                topic=topic, defaults={"interest_id": interest["id"], "name": interest["name"]}
            )
    stale = set(linked) - set(Topic.objects.values_list("pk", flat=True))
    TopicInterest.objects.filter(topic_id__in=stale).delete()


def _digest_interest(api: Api, report: SetupReport) -> str:
    """The "Newsletter options" category with its one "Weekly digest" interest (the
    digest opt-in, which digest campaigns select on); looked up before created."""
    categories = api.interest_categories().get("categories") or []
    stored = SyncState.get_value(DIGEST_CATEGORY_KEY)
    match = next((c for c in categories if c["id"] == stored), None) or next(
        (c for c in categories if c.get("title") == DIGEST_CATEGORY_TITLE), None
    )
    if match is None:
        match = api.create_interest_category({"title": DIGEST_CATEGORY_TITLE, "type": "checkboxes"})
    SyncState.set_value(DIGEST_CATEGORY_KEY, match["id"])
    remote = api.interests(match["id"]).get("interests") or []
    stored = SyncState.get_value(DIGEST_INTEREST_KEY)
    interest = next((i for i in remote if i["id"] == stored), None) or next(
        (i for i in remote if i.get("name") == DIGEST_INTEREST_NAME), None
    )
    if interest is None:
        interest = api.create_interest(match["id"], {"name": DIGEST_INTEREST_NAME})
        report.interests_created.append(DIGEST_INTEREST_NAME)
    SyncState.set_value(DIGEST_INTEREST_KEY, interest["id"])
    return interest["id"]


def _webhook(api: Api, report: SetupReport) -> None:
    if not settings.MAILCHIMP_WEBHOOK_SECRET:
        report.notes.append(_("MAILCHIMP_WEBHOOK_SECRET is not set: no webhook registered."))
        return
    url = webhook_url()
    report.webhook_url = url
    hooks = api.webhooks().get("webhooks") or []
    match = next((h for h in hooks if h.get("url") == url), None)
    if match is None:
        match = api.create_webhook(
            {"url": url, "events": WEBHOOK_EVENTS, "sources": WEBHOOK_SOURCES}
        )
        report.webhook_created = True
    elif (match.get("sources") or {}).get("api"):
        report.notes.append(
            _(
                "The existing webhook also listens to source 'api': untick it in Mailchimp "
                "to avoid echoes of the site's own changes."
            )
        )
    others = [
        h["url"]
        for h in hooks
        if h.get("url") != url and "/newsletter/mailchimp/" in h.get("url", "")
    ]
    if others:
        report.notes.append(
            _("Other webhooks to this site remain (old secrets?): %(urls)s") % {"urls": others}
        )
    report.webhook_id = match["id"]
    SyncState.set_value(WEBHOOK_KEY, match["id"])


def run_setup(api: Api | None = None, webhook: bool = True) -> SetupReport:
    api = api or Api()
    report = SetupReport()
    report.category_id = _category(api, report)
    _interests(api, report.category_id, report)
    _digest_interest(api, report)
    if webhook:
        _webhook(api, report)
    report.calls = api.calls
    return report

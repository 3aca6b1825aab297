"""Opportunities and events in e-mail: which ones, and how each is shown.

Shared by newsletter issues (the editor's picks, plus what was published since
the last issue) and the weekly digest. As with news (`news.py`), a page is shown
in the edition's language when it has a live translation there, in its original
otherwise, and only live, public pages are included, since every link must work.

"Published" means Wagtail's `first_published_at`: an opportunity edited later is
not new again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Locale, Page

from editorial.models import EventPage, OpportunityPage
from editorial.zones import get_zone, instant_text, span_text

#: Without any sent issue, "since the last issue" reaches back this far.
FIRST_ISSUE_WINDOW = timedelta(days=30)


def live_opportunities() -> QuerySet[OpportunityPage]:
    return OpportunityPage.objects.live().public().select_related("host", "locale")


def live_events() -> QuerySet[EventPage]:
    return EventPage.objects.live().public().select_related("locale")


def _default_locale_id() -> int | None:
    try:
        return Locale.get_default().pk
    except Locale.DoesNotExist:
        return None


def in_language(pages: list[Page], locale_id: int | None, queryset: QuerySet) -> list[Page]:
    """The same pages, each as its live translation in `locale_id` where there is one."""
    keys = {page.translation_key for page in pages}
    if not keys or locale_id is None:
        return list(pages)
    translated = {
        page.translation_key: page
        for page in queryset.filter(translation_key__in=keys, locale_id=locale_id)
    }
    return [translated.get(page.translation_key, page) for page in pages]


def one_per_story(pages: Iterable[Page]) -> list[Page]:
    """One page per translation key, the default language's where there is one, in
    the order first seen."""
    default = _default_locale_id()
    chosen: dict[object, Page] = {}
    for page in pages:
        current = chosen.get(page.translation_key)
        if current is None or (page.locale_id == default and current.locale_id != default):
            chosen[page.translation_key] = page
    return list(chosen.values())


def published_since(queryset: QuerySet, since: datetime) -> QuerySet:
    return queryset.filter(first_published_at__gte=since)


def last_issue_sent_at(exclude_issue_id: int | None = None) -> datetime | None:
    """When the most recent issue went out (its dispatch finished), if any."""
    from .models import Dispatch, DispatchState

    sent = Dispatch.objects.filter(state=DispatchState.SENT, finished_at__isnull=False)
    if exclude_issue_id:
        sent = sent.exclude(issue_id=exclude_issue_id)
    latest = sent.order_by("-finished_at").values_list("finished_at", flat=True).first()
    return latest


def since_last_issue(issue: Any) -> datetime:
    """The start of "new since the last issue" for `issue` (its English original's)."""
    source = issue.source_issue if issue.is_translation else issue
    own = getattr(source, "pk", None)
    return last_issue_sent_at(own) or timezone.now() - FIRST_ISSUE_WINDOW


# --- e-mail context -------------------------------------------------------------


def opportunity_context(page: OpportunityPage, absolute: Any) -> dict[str, Any]:
    """What an e-mail shows of an opportunity: kind, host, deadline in its zone, link."""
    from newsletter.languages import lang_attribute

    zone = get_zone(page.time_zone)
    return {
        "lang": lang_attribute(page.locale.language_code),
        "kind": page.get_kind_display(),
        "title": page.title,
        "url": absolute(page.url),
        "host": page.host.name if page.host_id and page.host else "",
        "summary": page.summary,
        # Translators: an opportunity's closing date and time in an e-mail.
        "deadline": gettext("Deadline: %(when)s") % {"when": instant_text(page.closes_at, zone)},
    }


def event_context(page: EventPage, absolute: Any) -> dict[str, Any]:
    """What an e-mail shows of an event: kind, dates in its zone, place or online, link."""
    from editorial.event_display import location_text
    from newsletter.languages import lang_attribute

    zone = get_zone(page.time_zone)
    place = location_text(page) if page.is_at_a_place else ""
    return {
        "lang": lang_attribute(page.locale.language_code),
        "kind": page.get_kind_display(),
        "title": page.title,
        "url": absolute(page.url),
        "summary": page.summary,
        "when": span_text(page.start, page.end, zone),
        "where": place or (gettext("Online") if page.is_online else ""),
    }

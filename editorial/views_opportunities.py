"""What the opportunity pages show: the filtered listing, one opportunity, its JSON-LD.

The listing's whole state lives in the URL (kind, topic, country, career_stage, status,
page) and its form is a plain GET form that works without JavaScript. A value that is
not one of the choices is dropped with a note rather than answered with an error page,
as the directory does. Time is read once per request (`timezone.now()`), so every
part of a page agrees on what is open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django_countries import countries

from directory.choices import LATIN_AMERICA, UK_COUNTRIES, CareerStage
from directory.labels import choice_label
from directory.models import Topic
from editorial.models.opportunities import (
    OpportunityIndexPage,
    OpportunityKind,
    OpportunityPage,
    Region,
    Status,
)
from editorial.zones import DualTime, dual_time, visitor_zone

OPPORTUNITIES_PAGE_SIZE = 20
#: Kinds described as jobs (schema.org JobPosting) and as grants (MonetaryGrant).
JOB_KINDS = frozenset({OpportunityKind.JOB, OpportunityKind.STUDENTSHIP})
GRANT_KINDS = frozenset({OpportunityKind.FUNDING, OpportunityKind.FELLOWSHIP})
FILTER_PARAMS = ("kind", "topic", "country", "career_stage", "status")


# --------------------------------------------------------------------------------------
# The listing
# --------------------------------------------------------------------------------------


@dataclass
class Filters:
    kind: str = ""
    topic: Topic | None = None
    country: str = ""
    career_stage: str = ""
    status: str = Status.OPEN
    ignored: list[str] = field(default_factory=list)

    def params(self, **overrides: str) -> dict[str, str]:
        values = {
            "kind": self.kind,
            "topic": self.topic.slug if self.topic else "",
            "country": self.country,
            "career_stage": self.career_stage,
            "status": "" if self.status == Status.OPEN else self.status,
            **overrides,
        }
        return {key: value for key, value in values.items() if value}


def read_filters(request: HttpRequest, topics: list[Topic]) -> Filters:
    """The filters in the URL; unknown values are left out and named in `ignored`."""
    get = request.GET
    filters = Filters()
    kind = get.get("kind", "")
    if kind in OpportunityKind.values:
        filters.kind = kind
    elif kind:
        filters.ignored.append(_("kind"))
    slug = get.get("topic", "")
    if slug:
        filters.topic = next((topic for topic in topics if topic.slug == slug), None)
        if filters.topic is None:
            filters.ignored.append(_("topic"))
    country = get.get("country", "").strip().upper()
    if country and country in dict(countries):
        filters.country = country
    elif country:
        filters.ignored.append(_("country"))
    stage = get.get("career_stage", "")
    if stage in CareerStage.values:
        filters.career_stage = stage
    elif stage:
        filters.ignored.append(_("career stage"))
    status = get.get("status", "")
    if status in Status.values:
        filters.status = status
    elif status:
        filters.ignored.append(_("status"))
    return filters


def country_options(selected: str) -> list[tuple[str, str]]:
    """The network's countries (the UK and Latin America), by name in this language."""
    codes = set(UK_COUNTRIES) | set(LATIN_AMERICA) | ({selected} if selected else set())
    return sorted(((code, choice_label("country", code)) for code in codes), key=lambda c: c[1])


def listing_context(index: OpportunityIndexPage, request: HttpRequest) -> dict[str, Any]:
    now = timezone.now()
    topics = list(Topic.objects.all())
    filters = read_filters(request, topics)
    items = OpportunityPage.objects.child_of(index).listed()
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.topic:
        family = [t.pk for t in topics if filters.topic.pk in (t.pk, t.parent_id)]
        items = items.for_topics(family)
    if filters.country:
        items = items.for_country(filters.country)
    if filters.career_stage:
        items = items.for_career_stage(filters.career_stage)
    items = items.with_status(filters.status, now).with_card_relations()
    page_obj = Paginator(items, OPPORTUNITIES_PAGE_SIZE).get_page(request.GET.get("page"))
    zone = visitor_zone(request)
    cards = [card(item, zone, now) for item in page_obj.object_list]
    base = index.get_url(request) or "/"
    feed_topic = {"topic": filters.topic.slug} if filters.topic else {}
    return {
        "filters": filters,
        "page_obj": page_obj,
        "cards": cards,
        "query_string": urlencode(filters.params()),
        "kind_options": OpportunityKind.choices,
        "topic_options": [(t.slug, t.label) for t in topics],
        "country_options": country_options(filters.country),
        "career_stage_options": CareerStage.choices,
        "status_options": Status.choices,
        "archive_url": f"{base}?{urlencode(filters.params(status=Status.CLOSED))}",
        "open_url": f"{base}?{urlencode(filters.params(status=''))}".rstrip("?"),
        "filtered": bool(filters.params(status="")),
        "clear_url": base,
        "feeds": feed_urls(index, request, **feed_topic),
    }


def feed_urls(index: OpportunityIndexPage, request: HttpRequest, topic: str = "") -> dict:
    """The RSS and Atom addresses of the listing (of one topic's, if given)."""
    base = index.get_url(request) or "/"
    route = "topic_feed" if topic else "feed"
    extra = {"topic": topic} if topic else {}
    return {
        flavour: base + index.reverse_subpage(route, kwargs={"flavour": flavour, **extra})
        for flavour in ("rss", "atom")
    }


@dataclass(frozen=True)
class Card:
    page: OpportunityPage
    kind: str
    deadline: DualTime | None
    opens: DualTime | None
    closing_soon: bool
    closed: bool


def card(page: OpportunityPage, zone: Any, now: datetime) -> Card:
    from editorial.models.opportunities import CLOSING_SOON

    return Card(
        page=page,
        kind=page.get_kind_display(),
        deadline=dual_time(page.closes_at, page.time_zone, zone),
        opens=dual_time(page.opens_at, page.time_zone, zone) if not page.has_opened(now) else None,
        closing_soon=now < page.closes_at <= now + CLOSING_SOON,
        closed=not page.is_open(now),
    )


# --------------------------------------------------------------------------------------
# One opportunity
# --------------------------------------------------------------------------------------


def amount_label(page: OpportunityPage) -> str:
    """ "25,000 GBP" in this language's digit grouping; "" when there is no amount."""
    if page.amount is None:
        return ""
    places = 0 if page.amount == page.amount.to_integral_value() else 2
    number = number_format(page.amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{number} {page.currency}".strip()


def eligibility_labels(page: OpportunityPage) -> list[str]:
    """The regions then the countries an opportunity is open to; empty means anyone."""
    regions = [str(Region(value).label) for value in page.eligible_regions if value in Region]
    return regions + [choice_label("country", code) for code in page.eligible_country_codes]


def page_context(page: OpportunityPage, request: HttpRequest) -> dict[str, Any]:
    now = timezone.now()
    zone = visitor_zone(request)
    topics = list(page.topics.all())
    return {
        "now": now,
        "is_open": page.is_open(now),
        "has_opened": page.has_opened(now),
        "deadline": dual_time(page.closes_at, page.time_zone, zone),
        "opens": dual_time(page.opens_at, page.time_zone, zone),
        "amount": amount_label(page),
        "eligible_in": eligibility_labels(page),
        "career_stages": [choice_label("career_stage", v) for v in page.career_stages],
        "topics": topics,
        "json_ld": json_ld(page, request, topics),
        "contact_url": (
            page.get_url(request) + page.reverse_subpage("contact")
            if page.can_be_contacted and page.is_open(now)
            else ""
        ),
    }


def _organization(page: OpportunityPage) -> dict[str, Any] | None:
    if not page.host_id:
        return None
    host = page.host
    data: dict[str, Any] = {"@type": "Organization", "name": host.name}
    if host.website:
        data["sameAs"] = host.website
    if host.country:
        data["address"] = {"@type": "PostalAddress", "addressCountry": host.country.code}
    return data


def _amount(page: OpportunityPage) -> dict[str, Any] | None:
    if page.amount is None or not page.currency:
        return None
    value: Decimal = page.amount
    number = int(value) if value == value.to_integral_value() else float(value)
    return {"@type": "MonetaryAmount", "currency": page.currency, "value": number}


def json_ld(page: OpportunityPage, request: HttpRequest, topics: list[Topic]) -> dict | None:
    """schema.org JobPosting (jobs, studentships) or MonetaryGrant (funding calls,
    fellowships and scholarships); None for the other kinds. No contact address."""
    url = page.get_full_url(request)
    description = page.summary or strip_tags(str(page.body))[:500]
    organization = _organization(page)
    amount = _amount(page)
    if page.kind in JOB_KINDS:
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": page.title,
            "description": description or page.title,
            "url": url,
            "datePosted": (page.first_published_at or page.opens_at or timezone.now())
            .date()
            .isoformat(),
            "validThrough": page.closes_at.isoformat(),
        }
        if organization:
            data["hiringOrganization"] = organization
            if page.host.country:
                data["jobLocation"] = {
                    "@type": "Place",
                    "address": {
                        "@type": "PostalAddress",
                        "addressCountry": page.host.country.code,
                        **({"addressLocality": page.host.city} if page.host.city else {}),
                    },
                }
        if amount:
            data["baseSalary"] = amount
        if page.eligible_country_codes:
            data["applicantLocationRequirements"] = [
                {"@type": "Country", "name": code} for code in page.eligible_country_codes
            ]
        if page.kind == OpportunityKind.STUDENTSHIP:
            data["employmentType"] = "FULL_TIME"
            data["occupationalCategory"] = "Doctoral researcher"
        return data
    if page.kind in GRANT_KINDS:
        data = {
            "@context": "https://schema.org",
            "@type": "MonetaryGrant",
            "name": page.title,
            "description": description or page.title,
            "url": url,
        }
        if organization:
            data["funder"] = organization
        if amount:
            data["amount"] = amount
        if topics:
            data["about"] = [{"@type": "Thing", "name": topic.name} for topic in topics]
        return data
    return None


# --------------------------------------------------------------------------------------
# Site-wide search
# --------------------------------------------------------------------------------------


def search_details(page_ids: list[int], request: HttpRequest) -> dict[int, dict[str, Any]]:
    """What a search result card shows of each opportunity: kind, host, summary, and the
    deadline in its zone and the visitor's. One query for a page of results."""
    if not page_ids:
        return {}
    now = timezone.now()
    zone = visitor_zone(request)
    pages = OpportunityPage.objects.filter(pk__in=page_ids).select_related("host")
    return {
        page.pk: {
            "kind": page.get_kind_display(),
            "host": page.host_name,
            "summary": page.summary,
            "deadline": dual_time(page.closes_at, page.time_zone, zone),
            "closed": not page.is_open(now),
        }
        for page in pages
    }

"""No hostile request answers 500 (issue 7.5).

The URL resolver is walked, so a new public URL pattern is fuzzed without
anyone adding it here; the Wagtail pages come from a small site with a page of
every page type (a test fails when a new type has none). Each case is a
deterministic list of hostile path segments, query values and form bodies; any
500 fails, with the list of requests that caused one. Admin URLs are out of
scope (they need a signed-in editor, and the admin is Wagtail's and Django's).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, get_page_models

from directory.models import ResearcherPage, Topic
from newsletter import tokens
from newsletter.models import Subscriber, SubscriberStatus
from tests.editorial.events_support import EventPageFactory, EventSpeakerFactory
from tests.editorial.opportunity_support import OpportunityPageFactory
from tests.factories import (
    InstitutionFactory,
    NewsPageFactory,
    ResearcherPageFactory,
    TopicFactory,
)
from tests.newsletter.issue_support import NewsletterIssuePageFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
TEN_KB = "x" * 10_000
SKIPPED_PREFIXES = ("admin/", "django-admin/")
WEBHOOK_SECRET = "fuzz-webhook-secret"

#: Path segments, already URL-encoded (%FF is bad UTF-8).
SEGMENTS = [
    "0",
    "-1",
    HUGE,
    "%00",
    "%22",
    "%27",
    "%20",
    "%09",
    "%E2%80%A8",
    "%FF",
    "%3Cb%3E",
    "NEAR(a",
    "a*",
    TEN_KB,
]
#: Query and form values, before encoding.
VALUES = [
    "",
    " \t\n",
    "\x00",
    '"',
    "'",
    "a AND OR NOT b",
    "NEAR(a b) -c*",
    "\u2028",
    TEN_KB,
    HUGE,
    "-" + HUGE,
    "-1",
    "ñandú",
]
#: Query strings that cannot be written as a name and a value (%FF is bad UTF-8).
RAW_QUERIES = ["{name}=%FF", "{name}=a&{name}=b", "{name}[]=x"]
#: Query parameters of the site's search, listings and APIs, by the URLs that take them.
SEARCH = ["q", "page", "page_size", "sort", "topic", "country", "institution"]
SEARCH += ["career_stage", "language", "open_to"]
API = ["search", "search_operator", "offset", "limit", "order", "type", "fields", "id"]
PARAMETERS = {
    "/directory/": SEARCH,
    "/search/": ["q", "page"],
    "/api/directory/search": SEARCH,
    "/api/directory/autocomplete": ["q"],
    "/api/v2/pages/": API + ["child_of", "descendant_of", "ancestor_of", "locale", "title"],
    "/api/v2/pages/find/": ["id", "html_path"],
    "/news/": ["page"],
}


@dataclass
class Site:
    researcher: ResearcherPage
    subscriber: Subscriber
    page_urls: list[str]


@pytest.fixture
def site(settings) -> Site:
    """A page of every type, in every state that has caused trouble."""
    settings.MAILCHIMP_WEBHOOK_SECRET = WEBHOOK_SECRET
    topic = Topic.objects.first() or TopicFactory()
    researcher = ResearcherPageFactory(topics=[topic])
    researcher.keywords.add("brine")
    researcher.save()
    ResearcherPageFactory(topics=[topic], institution=None)  # no country
    ResearcherPageFactory(topics=[topic], institution=InstitutionFactory(country="DE"))
    ResearcherPageFactory()  # no topics
    ResearcherPageFactory(live=False)
    private = ResearcherPageFactory(topics=[topic])
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    news = NewsPageFactory()
    issue = NewsletterIssuePageFactory(news=[news])
    event = EventPageFactory(topics=[topic])
    EventSpeakerFactory(page=event)
    EventPageFactory(start=timezone.now() - timedelta(days=9), end=timezone.now())  # past
    OpportunityPageFactory(topics=[topic])
    OpportunityPageFactory(closes_at=timezone.now() - timedelta(days=1))  # closed
    subscriber = Subscriber.objects.create(
        email="reader@uni.example.org", status=SubscriberStatus.SUBSCRIBED
    )
    pages = Page.objects.live().filter(depth__gt=1).specific()
    return Site(researcher, subscriber, sorted({p.url for p in pages if p.url} | {issue.url}))


def public_patterns(
    patterns: list[Any] | None = None, prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """(route template, view name) of every public URL pattern, `<name>` for each argument."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + template(str(entry.pattern))
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from public_patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.lookup_str


def template(pattern: str) -> str:
    """A path() route or a plain regex as a template: `<int:pk>` and `(?P<pk>\\d+)` -> `<pk>`."""
    text = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", pattern)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
    text = re.sub(r"\((?!\?)[^)]*\)\*?", "<arg>", text)
    return text.removeprefix("^").removesuffix("$").removesuffix(r"\Z").replace("\\", "")


def fill(route: str, values: dict[str, str]) -> str:
    return "/" + re.sub(r"<(\w+)>", lambda m: values.get(m.group(1), "1"), route)


def valid_arguments(site: Site) -> dict[str, str]:
    topic = site.researcher.topics.first()
    return {
        "researcher_id": str(site.researcher.pk),
        "pk": str(site.researcher.pk),
        "slug": topic.slug if topic else "topic",
        "token": tokens.make_manage_token(site.subscriber),
        "secret": WEBHOOK_SECRET,
    }


def is_webhook(url: str) -> bool:
    return url.startswith("/newsletter/mailchimp/webhook/")


class Fuzzer:
    """Sends requests and notes every 500, each from a new address (rate limits)."""

    def __init__(self) -> None:
        self.client = Client(raise_request_exception=False)
        self.failures: list[str] = []
        self.count = 0

    def _address(self) -> str:
        self.count += 1
        return f"10.{self.count // 65536 % 256}.{self.count // 256 % 256}.{self.count % 256}"

    def get(self, path: str, query: str = "") -> None:
        response = self.client.get(path, QUERY_STRING=query, REMOTE_ADDR=self._address())
        if response.status_code >= 500:
            self.failures.append(f"GET {path[:120]}?{query[:120]} -> {response.status_code}")

    def post(self, path: str, data: dict[str, Any]) -> None:
        response = self.client.post(path, data, REMOTE_ADDR=self._address())
        if response.status_code >= 500:
            shown = {k: str(v)[:40] for k, v in data.items()}
            self.failures.append(f"POST {path[:120]} {shown} -> {response.status_code}")

    def check(self) -> None:
        assert not self.failures, f"{len(self.failures)} answers were 500:\n" + "\n".join(
            self.failures
        )


def queries(names: list[str]) -> Iterator[str]:
    for name in names:
        for value in VALUES:
            yield urlencode({name: value})
        for raw in RAW_QUERIES:
            yield raw.format(name=name)


def test_the_resolver_walk_finds_the_public_patterns():
    routes = {route for route, _ in public_patterns()}
    for expected in [
        "api/directory/search",
        "api/directory/researchers/<researcher_id>/similar",
        "api/v2/pages/",
        "api/v2/pages/<pk>/",
        "directory/contact/<pk>/",
        "newsletter/preferences/<token>/",
        "newsletter/mailchimp/webhook/<secret>/",
        "sitemap.xml",
    ]:
        assert expected in routes
    assert not any(route.startswith("admin/") for route in routes)


def test_the_site_has_a_live_page_of_every_type(site):
    made = {type(page) for page in Page.objects.live().specific()}
    for model in get_page_models():
        if model is not Page:
            assert model in made, f"add a {model.__name__} to the fuzz fixture"


def test_url_patterns_with_hostile_path_segments(site):
    fuzz = Fuzzer()
    valid = valid_arguments(site)
    for route, _ in public_patterns():
        names = re.findall(r"<(\w+)>", route)
        if not names:
            fuzz.get(fill(route, valid))
            continue
        for name in names:
            for segment in SEGMENTS:
                url = fill(route, {**valid, name: segment})
                if not is_webhook(url):
                    fuzz.get(url)
    fuzz.check()


def test_similar_researchers_of_every_profile_state(site):
    """Unpublished, private, topic-less and country-less profiles (issues 7.4, 13.2)."""
    fuzz = Fuzzer()
    for pk in ResearcherPage.objects.values_list("pk", flat=True):
        fuzz.get(f"/api/directory/researchers/{pk}/similar")
    fuzz.check()


def test_pages_with_hostile_path_segments(site):
    fuzz = Fuzzer()
    for url in site.page_urls:
        for segment in SEGMENTS:
            fuzz.get(f"{url}{segment}/")
    fuzz.check()


def test_every_page_with_hostile_queries(site):
    """Every page and public pattern: a third of the values, each under a rotating name."""
    fuzz = Fuzzer()
    valid = valid_arguments(site)
    urls = site.page_urls + [
        fill(route, valid) for route, _ in public_patterns() if not is_webhook(fill(route, valid))
    ]
    names = sorted({name for group in PARAMETERS.values() for name in group})
    for n, url in enumerate(urls):
        for k, value in enumerate(VALUES[n % 3 :: 3]):
            fuzz.get(url, urlencode({names[(n + k) % len(names)]: value}))
    fuzz.check()


def test_search_and_api_parameters_with_hostile_values(site):
    fuzz = Fuzzer()
    for url, names in PARAMETERS.items():
        for query in queries(names):
            fuzz.get(url, query)
    fuzz.check()


def form_bodies(fields: dict[str, str]) -> Iterator[dict[str, Any]]:
    """The valid body, then each field in turn with each hostile value, then arrays."""
    yield fields
    for name in fields:
        for value in VALUES:
            yield {**fields, name: value}
        yield {**fields, name: ["a", "b"]}
    yield {}


def test_forms_with_hostile_bodies(site):
    fuzz = Fuzzer()
    topic = str(site.researcher.topics.first().pk)
    token = tokens.make_manage_token(site.subscriber)
    forms = {
        "/newsletter/subscribe/": {
            "email": "new@uni.example.org",
            "first_name": "Ana",
            "last_name": "Souza",
            "language": "en",
            "topics": topic,
            "source": "/news/",
            "kind": "full",
        },
        f"/newsletter/preferences/{token}/": {
            "first_name": "Ana",
            "last_name": "Souza",
            "language": "en",
            "topics": topic,
        },
        f"/newsletter/unsubscribe/{token}/": {"List-Unsubscribe": "One-Click"},
        f"/directory/contact/{site.researcher.pk}/": {
            "name": "Ana Souza",
            "email": "ana@uni.example.org",
            "subject": "Brine",
            "message": "I would like to talk about lithium brines. " * 3,
        },
    }
    for url, fields in forms.items():
        for body in form_bodies(fields):
            fuzz.post(url, body)
    for segment in SEGMENTS:
        fuzz.post(f"/newsletter/preferences/{segment}/", forms[f"/newsletter/preferences/{token}/"])
        fuzz.post(f"/newsletter/confirm/{segment}/", {})
    fuzz.check()


WEBHOOK_BODIES = {
    "valid-unsubscribe": {"type": "unsubscribe", "data[email]": "reader@uni.example.org"},
    "empty": {},
    "no-data": {"type": "subscribe"},
    "unknown-type": {"type": "\x00", "data[email]": "reader@uni.example.org"},
    "bad-email": {"type": "unsubscribe", "data[email]": '"\x00'},
    "huge-email": {"type": "subscribe", "data[email]": TEN_KB + "@example.org"},
    "array-type": {"type": ["subscribe", "unsubscribe"], "data[email]": "reader@uni.example.org"},
    "profile-hostile": {
        "type": "profile",
        "data[email]": "reader@uni.example.org",
        "data[merges][FNAME]": "\x00" + TEN_KB,
        "data[merges][INTERESTS]": "\u2028, ,",
    },
    "upemail-hostile": {
        "type": "upemail",
        "data[old_email]": "reader@uni.example.org",
        "data[new_email]": "",
    },
    "cleaned-hostile": {"type": "cleaned", "data[email]": HUGE, "data[reason]": "\x00"},
    "campaign-hostile": {"type": "campaign", "data[id]": HUGE, "data[status]": "\x00"},
}


@pytest.fixture
def webhook_settings(settings, site):
    from tests.fakes.mailchimp import FakeMailchimp

    with FakeMailchimp() as fake:
        settings.MAILCHIMP_API_KEY = fake.api_key
        settings.MAILCHIMP_AUDIENCE_ID = fake.DEFAULT_LIST_ID
        settings.MAILCHIMP_API_URL = fake.url
        settings.MAILCHIMP_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.MAILCHIMP_TIMEOUT = 2
        yield


def test_webhook_with_hostile_bodies(webhook_settings):
    """With the right secret (the wrong one is a 404 before any parsing)."""
    fuzz = Fuzzer()
    for body in WEBHOOK_BODIES.values():
        fuzz.post(f"/newsletter/mailchimp/webhook/{WEBHOOK_SECRET}/", body)
    for segment in SEGMENTS:
        fuzz.get(f"/newsletter/mailchimp/webhook/{segment}/")
    fuzz.check()

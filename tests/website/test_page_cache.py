"""The shared page cache (common/page_cache.py, docs/caching.md).

Each invalidation test first proves the page is served from the cache (a change
made behind the cache's back does not show), then fires the event and sees the
change. The personal-data tests prove nothing is stored or served that belongs to
one visitor.
"""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from wagtail.contrib.frontend_cache.backends import BaseBackend

from common.page_cache import HIT_HEADER
from directory.importing.importer import Importer
from directory.models import DirectoryIndexPage, Language
from directory.models.taxonomy import VocabularyLabel
from editorial.models import NewsPage
from newsletter.issues.models import Dispatch, DispatchState
from tests.directory.import_support import make_csv, person
from tests.factories import (
    FacilityFactory,
    InstitutionFactory,
    NewsPageFactory,
    ResearcherPageFactory,
    TopicFactory,
)
from tests.newsletter.issue_support import NewsletterIssuePageFactory

pytestmark = pytest.mark.django_db

PURGED: list[str] = []


class FakeBackend(BaseBackend):
    """Records what wagtail.contrib.frontend_cache would purge."""

    def __init__(self, params):
        super().__init__(params)

    def purge(self, url):
        PURGED.append(url)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    PURGED.clear()
    yield
    cache.clear()


@pytest.fixture
def news():
    return NewsPageFactory(title="Original headline", slug="cached-news")


def hit(response) -> bool:
    return response.get(HIT_HEADER) == "hit"


def silently_retitle(page, title: str) -> None:
    """A change no signal hears of: only an invalidation can make it show."""
    type(page).objects.filter(pk=page.pk).update(title=title)


def assert_cached_then_fresh(client, page, url: str, event) -> None:
    first = client.get(url)
    assert first.status_code == 200 and first.get(HIT_HEADER) == "miss"
    silently_retitle(page, "Behind the cache's back")
    second = client.get(url)
    assert hit(second)
    assert "Behind the cache&#x27;s back" not in second.content.decode()
    event()
    third = client.get(url)
    assert not hit(third)
    assert "Behind the cache&#x27;s back" in third.content.decode()


# --- invalidation events ------------------------------------------------------


def test_a_profile_edit_published_shows_at_once_in_every_language(client):
    profile = ResearcherPageFactory(title="Ana Souza", slug="ana-souza")
    for url in ("/directory/ana-souza/", "/es/directory/ana-souza/", "/pt-br/directory/"):
        client.get(url)
        assert hit(client.get(url))
    profile.title = "Ana Souza Lima"
    profile.save_revision().publish()
    for url in ("/directory/ana-souza/", "/es/directory/ana-souza/"):
        response = client.get(url)
        assert not hit(response)
        assert "Ana Souza Lima" in response.content.decode()
    assert "Ana Souza Lima" in client.get("/pt-br/directory/").content.decode()


def test_unpublishing_a_page(client, news):
    assert_cached_then_fresh(client, news, "/news/", lambda: NewsPageFactory().unpublish())
    assert client.get("/news/cached-news/").status_code == 200
    news.refresh_from_db()
    news.unpublish()
    assert client.get("/news/cached-news/").status_code == 404


def test_moving_a_page(client, news):
    other = NewsPageFactory()
    assert_cached_then_fresh(
        client, news, "/news/cached-news/", lambda: other.move(news, pos="left")
    )


def test_deleting_a_page(client, news):
    other = NewsPageFactory()
    assert_cached_then_fresh(client, news, "/news/cached-news/", other.delete)


def _label() -> VocabularyLabel:
    return VocabularyLabel.objects.create(vocabulary="career_stage", value="early", name_en="X")


def _language() -> Language:
    return Language.objects.create(code="qq", name="Test language")


def _touch(obj) -> None:
    obj.save()


SNIPPETS = {
    "topic": TopicFactory,
    "institution": InstitutionFactory,
    "facility": FacilityFactory,
    "language": _language,
    "vocabulary-label": _label,
}


@pytest.mark.parametrize("kind", SNIPPETS)
@pytest.mark.parametrize("action", ["saved", "deleted"])
def test_snippet_changes(client, news, kind, action):
    snippet = SNIPPETS[kind]()
    change = _touch if action == "saved" else type(snippet).delete
    assert_cached_then_fresh(client, news, "/news/cached-news/", lambda: change(snippet))


def test_a_topic_renamed_shows_on_its_page(client):
    topic = TopicFactory(name="Solid-state electrolytes", slug="solid-state")
    ResearcherPageFactory(topics=[topic])
    assert hit(client.get("/directory/topics/solid-state/")) is False
    assert hit(client.get("/directory/topics/solid-state/"))
    topic.name = "Solid electrolytes"
    topic.save()
    assert "Solid electrolytes" in client.get("/directory/topics/solid-state/").content.decode()


def test_an_import(client, news):
    def run_import():
        result = Importer(dry_run=False, progress=None).run(make_csv(person()), None)
        assert not result.errors

    assert_cached_then_fresh(client, news, "/news/cached-news/", run_import)


def test_loading_demo_data(client, news):
    assert_cached_then_fresh(
        client,
        news,
        "/news/cached-news/",
        lambda: call_command("load_demo_data", "--researchers", "2", stdout=io.StringIO()),
    )


def test_a_newsletter_issue_sent(client, news):
    issue = NewsletterIssuePageFactory(title="Issue one", slug="issue-one")

    def send():
        Dispatch.objects.create(
            issue=issue, backend="local", state=DispatchState.SENT, finished_at=timezone.now()
        )

    assert_cached_then_fresh(client, news, "/news/cached-news/", send)


# --- nothing personal ---------------------------------------------------------


def test_a_signed_in_user_is_never_served_nor_stored(client, news, django_user_model):
    user = django_user_model.objects.create_user("editor", password="x")
    client.force_login(user)
    assert HIT_HEADER not in client.get("/news/cached-news/")
    assert HIT_HEADER not in client.get("/news/cached-news/")
    client.logout()
    assert client.get("/news/cached-news/")[HIT_HEADER] == "miss"
    client.force_login(user)
    assert HIT_HEADER not in client.get("/news/cached-news/")


def test_a_visitor_with_messages_is_not_served_from_the_cache(client, news):
    client.get("/news/cached-news/")
    assert hit(client.get("/news/cached-news/"))
    client.cookies["messages"] = "a signed list of messages for this visitor"
    assert HIT_HEADER not in client.get("/news/cached-news/")


def test_a_response_setting_a_cookie_is_never_stored(client):
    profile = ResearcherPageFactory()
    url = f"/directory/contact/{profile.pk}/"
    first = client.get(url)
    assert first.status_code == 200 and first.cookies  # the contact form's CSRF cookie
    client.cookies.clear()
    second = client.get(url)
    assert not hit(second)
    assert second.cookies


def test_a_post_is_never_cached(client, news):
    response = client.post("/news/cached-news/")
    assert HIT_HEADER not in response
    assert client.get("/news/cached-news/")[HIT_HEADER] == "miss"


def test_cached_pages_carry_no_csrf_token_and_the_footer_form_works(client):
    html = client.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in html
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    assert hit(browser.get("/"))
    data = {"kind": "footer", "source": "/", "email": "ana@example.org", "website": ""}
    response = browser.post("/newsletter/subscribe/", data, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302
    forged = browser.post("/newsletter/subscribe/", data, HTTP_ORIGIN="https://evil.example")
    assert forged.status_code == 403


def test_the_cache_can_be_switched_off(client, news, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert HIT_HEADER not in client.get("/news/cached-news/")


# --- conditional GET ------------------------------------------------------------


def test_conditional_get_answers_304(client, news):
    first = client.get("/news/cached-news/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get("/news/cached-news/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/news/cached-news/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    NewsPage.objects.get(pk=news.pk).save_revision().publish()
    assert client.get("/news/cached-news/", HTTP_IF_NONE_MATCH=etag).status_code == 200


# --- the front-end cache ----------------------------------------------------------


def test_publishing_purges_the_page_in_every_language(settings, news):
    settings.WAGTAILFRONTENDCACHE = {"fake": {"BACKEND": f"{__name__}.FakeBackend"}}
    news.title = "New headline"
    news.save_revision().publish()
    for path in ("/news/cached-news/", "/es/news/cached-news/", "/pt-br/news/cached-news/"):
        assert f"http://testserver{path}" in PURGED
    assert "http://testserver/es/news/" in PURGED


def test_a_snippet_change_purges_every_page(settings, news):
    settings.WAGTAILFRONTENDCACHE = {"fake": {"BACKEND": f"{__name__}.FakeBackend"}}
    topic = TopicFactory(slug="recycling")
    assert "http://testserver/pt-br/news/cached-news/" in PURGED
    assert "http://testserver/es/directory/topics/recycling/" in PURGED
    assert DirectoryIndexPage.objects.get().full_url in PURGED
    assert topic.pk


def test_each_time_zone_has_its_own_copy_and_junk_zones_share_none(client):
    from tests.editorial.events_support import EventPageFactory

    url = EventPageFactory().url
    client.cookies["tz"] = "America/Santiago"
    assert client.get(url).get(HIT_HEADER) == "miss"
    client.cookies["tz"] = "Asia/Tokyo"
    assert client.get(url).get(HIT_HEADER) == "miss"
    client.cookies["tz"] = "America/Santiago"
    assert hit(client.get(url))
    client.cookies["tz"] = "Not/AZone"
    assert client.get(url).get(HIT_HEADER) == "miss"
    client.cookies["tz"] = "Another/Junk"
    assert hit(client.get(url))  # any invalid zone reads as none: one copy for all


def test_no_page_outlives_the_next_deadline(client, settings):
    from datetime import UTC, datetime, timedelta

    # Redis expires keys on its own clock, not the travelling one: a local cache here.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    import time_machine

    from tests.editorial.opportunity_support import OpportunityPageFactory

    start = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        OpportunityPageFactory(title="Closing fellowship", closes_at=start + timedelta(hours=1))
        first = client.get("/opportunities/")
        assert first.get(HIT_HEADER) == "miss"
        assert "Closing fellowship" in first.content.decode()
        assert hit(client.get("/opportunities/"))
        traveller.shift(timedelta(hours=1, seconds=1))
        later = client.get("/opportunities/")
        assert not hit(later)
        assert "Closing fellowship" not in later.content.decode()

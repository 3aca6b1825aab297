"""The site around the directory: page tree, home page, news, sitemap, robots.txt, API."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from directory.models import DirectoryIndexPage, Institution, ResearcherPage, Topic
from editorial.models import EventIndexPage, NewsIndexPage, NewsPage, OpportunityIndexPage
from newsletter.issues.models import NewsletterIndexPage
from tests.factories import (
    InstitutionFactory,
    NewsPageFactory,
    ResearcherPageFactory,
    directory_index,
    news_index,
)
from website.models import HomePage

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


# --- Page tree, with Wagtail's own page assertions ---------------------------------------


class PageTreeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = HomePage.objects.get()
        cls.directory = DirectoryIndexPage.objects.get()
        cls.news = NewsIndexPage.objects.get()
        cls.profile = ResearcherPageFactory(slug="maria-lopez", title="María López")
        cls.news_item = NewsPageFactory(slug="first-news")

    def test_migrations_create_home_directory_and_news(self):
        site = Site.objects.get(is_default_site=True)
        self.assertEqual(site.root_page.specific, self.home)
        self.assertEqual(self.directory.get_parent().specific, self.home)
        self.assertEqual(self.news.get_parent().specific, self.home)
        self.assertEqual(self.directory.url, "/directory/")
        self.assertEqual(self.news.url, "/news/")
        self.assertFalse(Page.objects.filter(slug="home").exclude(pk=self.home.pk).exists())

    def test_allowed_subpage_types(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                DirectoryIndexPage,
                NewsIndexPage,
                OpportunityIndexPage,
                EventIndexPage,
                NewsletterIndexPage,
            },
        )
        self.assertAllowedSubpageTypes(DirectoryIndexPage, {ResearcherPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedSubpageTypes(ResearcherPage, set())
        self.assertAllowedSubpageTypes(NewsPage, set())

    def test_allowed_parent_page_types(self):
        self.assertAllowedParentPageTypes(ResearcherPage, {DirectoryIndexPage})
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedParentPageTypes(DirectoryIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_where_pages_can_be_created(self):
        self.assertCanCreateAt(DirectoryIndexPage, ResearcherPage)
        self.assertCanCreateAt(NewsIndexPage, NewsPage)
        self.assertCanNotCreateAt(HomePage, ResearcherPage)
        self.assertCanNotCreateAt(NewsIndexPage, ResearcherPage)
        self.assertCanNotCreateAt(DirectoryIndexPage, NewsPage)
        self.assertCanNotCreateAt(ResearcherPage, ResearcherPage)
        self.assertCanNotCreateAt(NewsletterIndexPage, ResearcherPage)

    def test_singletons_cannot_be_created_twice(self):
        self.assertFalse(DirectoryIndexPage.can_create_at(self.home))
        self.assertFalse(NewsIndexPage.can_create_at(self.home))
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))

    def test_pages_are_routable_and_renderable(self):
        for page in (self.home, self.directory, self.news, self.profile, self.news_item):
            with self.subTest(page=page.title):
                self.assertPageIsRoutable(page)
                self.assertPageIsRenderable(page)
        self.assertPageIsRenderable(self.directory, query_data={"country": "CL", "page": "2"})

    def test_admin_creates_a_profile_and_normalises_identifiers(self):
        self.login()
        topic = Topic.objects.get(slug="characterisation")
        institution = InstitutionFactory(country="PE")
        data = nested_form_data(
            {
                "title": "Ana Müller-Ñáñez",
                "slug": "ana-muller-nanez",
                "given_name": "Ana",
                "family_name": "Müller-Ñáñez",
                "institution": institution.pk,
                "keywords": "XPS, HAXPES",
                "biography": rich_text("<p>Surface science.</p>"),
                "orcid": "https://orcid.org/0000-0002-1694-233x",
                "email": "  Ana.Muller@Example.ORG ",
                "links": inline_formset([{"url": "https://example.org/ana", "label": "Lab"}]),
                "publications": inline_formset(
                    [{"title": "Interphases", "year": "2024", "venue": "", "doi": "doi:10.1000/x1"}]
                ),
                "comments": inline_formset([]),
            }
        )
        data["topics"] = [topic.pk]  # a multiple choice: a list, not a nested form
        data["open_to_visiting"] = "on"
        self.assertCanCreate(self.directory, ResearcherPage, data)

        page = ResearcherPage.objects.get(slug="ana-muller-nanez")
        self.assertTrue(page.live)
        self.assertEqual(page.orcid, "0000-0002-1694-233X")
        self.assertEqual(page.email, "ana.muller@example.org")
        self.assertEqual(page.country_code, "PE")
        self.assertEqual(page.open_to, ["visiting"])
        self.assertEqual(list(page.topics.all()), [topic])
        self.assertEqual(sorted(tag.name for tag in page.keywords.all()), ["HAXPES", "XPS"])
        self.assertEqual(page.publications.get().doi, "10.1000/x1")

    def test_admin_refuses_an_invalid_orcid_and_doi(self):
        self.login()
        data = nested_form_data(
            {
                "title": "Bad Ids",
                "slug": "bad-ids",
                "given_name": "Bad",
                "family_name": "Ids",
                "biography": rich_text(""),
                "orcid": "0000-0002-1825-0098",
                "links": inline_formset([]),
                "publications": inline_formset([{"title": "X", "year": "", "doi": "10.1/x"}]),
                "comments": inline_formset([]),
                "action-publish": "action-publish",
            }
        )
        url = reverse(
            "wagtailadmin_pages:add", args=["directory", "researcherpage", self.directory.pk]
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn("orcid", form.errors)
        self.assertIn("doi", form.formsets["publications"].forms[0].errors)
        self.assertFalse(ResearcherPage.objects.filter(slug="bad-ids").exists())


# --- Home page -----------------------------------------------------------------------------


def figures(html: str) -> dict[str, int]:
    return {
        name: int(value) for name, value in re.findall(r'data-figure="(\w+)">(\d+)</strong>', html)
    }


@pytest.mark.django_db
def test_home_page_shows_the_figures(client):
    chile = InstitutionFactory(country="CL")
    uk = InstitutionFactory(country="GB")
    peru = InstitutionFactory(country="PE")
    ResearcherPageFactory(institution=chile)
    ResearcherPageFactory(institution=chile, country="MX")  # own country counts
    ResearcherPageFactory(institution=uk)
    ResearcherPageFactory(institution=uk)
    ResearcherPageFactory(institution=None)  # no country at all
    ResearcherPageFactory(institution=peru).unpublish()  # drafts are not counted
    assert Institution.objects.count() == 3

    html = client.get("/").content.decode()
    assert figures(html) == {"researchers": 5, "institutions": 3, "countries": 3}


@pytest.mark.django_db
def test_home_page_of_an_empty_network(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert figures(html) == {"researchers": 0, "institutions": 0, "countries": 0}
    assert "No news yet." in html
    assert 'action="/directory/"' in html  # the search box leads to the directory


@pytest.mark.django_db
def test_home_page_shows_the_three_latest_published_news(client):
    for day in range(1, 5):
        NewsPageFactory(title=f"News of day {day}", date=datetime.date(2025, 3, day))
    NewsPageFactory(title="Unpublished scoop", date=datetime.date(2025, 3, 9), live=False)

    html = client.get("/").content.decode()
    titles = re.findall(r'<h3><a href="/news/[^"]+/">(.*?)</a></h3>', html)
    assert titles == ["News of day 4", "News of day 3", "News of day 2"]
    assert "Unpublished scoop" not in html
    assert "No news yet." not in html


# --- News ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_news_index_lists_news_newest_first_ten_a_page(client):
    for day in range(1, 13):
        NewsPageFactory(title=f"Item {day:02d}", date=datetime.date(2025, 1, day))

    first = client.get("/news/")
    assert first.status_code == 200
    # The cards' headings are h2 under the page's h1 (issue 8: headings in order).
    titles = re.findall(r"<h2><a [^>]*>(.*?)</a></h2>", first.content.decode())
    assert titles == [f"Item {day:02d}" for day in range(12, 2, -1)]
    assert "Page 1 of 2" in first.content.decode()

    second = client.get("/news/?page=2").content.decode()
    assert re.findall(r"<h2><a [^>]*>(.*?)</a></h2>", second) == ["Item 02", "Item 01"]


@pytest.mark.django_db
def test_news_page_shows_its_content_and_topics(client):
    topic = Topic.objects.get(slug="second-life")
    item = NewsPageFactory(
        title="Second-life packs in Valparaíso",
        date=datetime.date(2025, 5, 17),
        summary="A pilot with retired bus batteries.",
        body="<p>Ten <b>buses</b> donated their packs.</p>",
        slug="second-life-packs",
    )
    item.topics.set([topic])
    item.save_revision().publish()

    response = client.get("/news/second-life-packs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Second-life packs in Valparaíso</h1>" in html
    assert '<time datetime="2025-05-17">17 May 2025</time>' in html
    assert "A pilot with retired bus batteries." in html
    assert "Ten <b>buses</b> donated their packs." in html
    assert '<a href="/directory/topics/second-life/">Second life</a>' in html


@pytest.mark.django_db
def test_unknown_page_is_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


# --- Sitemap and robots.txt ----------------------------------------------------------------


@pytest.mark.django_db
def test_sitemap_lists_published_profiles_and_pages(client):
    profile = ResearcherPageFactory(slug="ines-mamani")
    draft = ResearcherPageFactory(slug="draft-person")
    draft.unpublish()
    news = NewsPageFactory(slug="launch")

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locations = {
        loc.text for loc in ET.fromstring(response.content).findall("sm:url/sm:loc", SITEMAP_NS)
    }
    assert profile.full_url == "http://testserver/directory/ines-mamani/"
    assert {
        profile.full_url,
        news.full_url,
        directory_index().full_url,
        news_index().full_url,
        "http://testserver/",
    } <= locations
    assert not any("draft-person" in location for location in locations)


PUBLIC_BASE_URL = "https://network.example.org"


@pytest.fixture
def public_base_url(settings):
    """A deployment whose base URL differs from the host the test client asks for,
    after `migrate` has run (its post_migrate signal aligns the default site)."""
    from django.core.management.sql import emit_post_migrate_signal

    settings.WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    return PUBLIC_BASE_URL


@pytest.mark.django_db
def test_a_fresh_database_has_the_base_url_not_localhost():
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "http://testserver"  # WAGTAILADMIN_BASE_URL of the test settings
    assert site.hostname != "localhost"


@pytest.mark.django_db
def test_sitemap_and_robots_use_the_configured_base_url(client, public_base_url):
    profile = ResearcherPageFactory(slug="ines-mamani")
    response = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1:8000")
    locations = [
        loc.text for loc in ET.fromstring(response.content).findall("sm:url/sm:loc", SITEMAP_NS)
    ]
    assert f"{public_base_url}/directory/ines-mamani/" in locations
    assert all(location.startswith(f"{public_base_url}/") for location in locations)
    assert profile.full_url == f"{public_base_url}/directory/ines-mamani/"

    robots = client.get("/robots.txt", HTTP_HOST="127.0.0.1:8000").content.decode()
    assert f"Sitemap: {public_base_url}/sitemap.xml" in robots.splitlines()


@pytest.mark.django_db
def test_json_ld_and_api_links_use_the_configured_base_url(client, public_base_url):
    import json

    profile = ResearcherPageFactory(slug="ines-mamani")
    html = client.get("/directory/ines-mamani/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert any(
        json.loads(block).get("url") == f"{public_base_url}/directory/ines-mamani/"
        for block in blocks
    )
    detail = client.get(f"/api/v2/pages/{profile.pk}/").json()
    assert detail["meta"]["html_url"] == f"{public_base_url}/directory/ines-mamani/"
    assert "localhost" not in html


@pytest.mark.parametrize(
    ("base", "address"),
    [
        ("https://network.example.org", ("network.example.org", 443)),
        ("https://network.example.org/", ("network.example.org", 443)),
        ("http://127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("http://network.example.org", ("network.example.org", 80)),
    ],
)
def test_site_address_follows_the_base_url(settings, base, address):
    from website.sites import site_address

    settings.WAGTAILADMIN_BASE_URL = base
    assert site_address() == address


@pytest.mark.django_db
def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /django-admin/" in lines
    assert "Disallow: /directory/" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert client.post("/robots.txt").status_code == 405


# --- Wagtail API v2 ------------------------------------------------------------------------

API_PROFILES = "/api/v2/pages/?type=directory.ResearcherPage"


@pytest.fixture
def api_profile():
    return ResearcherPageFactory(
        given_name="Inés",
        family_name="Mamani",
        slug="ines-mamani",
        email="ines.mamani.private@example.bo",
        orcid="0000-0001-5109-3700",
        institution=InstitutionFactory(name="Universidad Mayor de San Andrés", country="BO"),
        open_to_industry=True,
        topics=[Topic.objects.get(slug="direct-lithium-extraction")],
    )


@pytest.mark.django_db
def test_api_lists_profiles_with_all_public_fields_and_no_email(client, api_profile):
    response = client.get(f"{API_PROFILES}&fields=*")
    assert response.status_code == 200
    body = response.content.decode()
    assert "ines.mamani.private@example.bo" not in body
    assert "example.bo" not in body
    (item,) = response.json()["items"]
    assert item["title"] == "Inés Mamani"
    assert item["given_name"] == "Inés"
    assert item["institution_name"] == "Universidad Mayor de San Andrés"
    assert item["country_code"] == "BO"
    assert item["orcid"] == "0000-0001-5109-3700"
    assert item["topic_slugs"] == ["direct-lithium-extraction"]
    assert item["open_to"] == ["industry"]
    assert "email" not in item
    assert "user" not in item


@pytest.mark.parametrize("field", ["email", "user", "email,given_name", "*,email"])
@pytest.mark.django_db
def test_api_refuses_private_fields(client, api_profile, field):
    response = client.get(f"{API_PROFILES}&fields={field}")
    assert response.status_code == 400
    assert "ines.mamani.private" not in response.content.decode()


@pytest.mark.django_db
def test_api_cannot_be_used_to_probe_email_addresses(client, api_profile):
    response = client.get(f"{API_PROFILES}&email=ines.mamani.private@example.bo")
    assert response.status_code == 400
    response = client.get(f"{API_PROFILES}&order=email")
    assert response.status_code == 400


@pytest.mark.django_db
def test_api_hides_drafts(client, api_profile):
    api_profile.unpublish()
    response = client.get(API_PROFILES)
    assert response.status_code == 200
    assert response.json()["meta"]["total_count"] == 0
    assert client.get(f"/api/v2/pages/{api_profile.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_images_api_is_off_so_no_hidden_profiles_photo_is_listed(client):
    import wagtail_factories

    hidden_photo = wagtail_factories.ImageFactory(title="Hidden person's photo")
    hidden = ResearcherPageFactory(slug="hidden-person", photo=hidden_photo)
    hidden.unpublish()
    public = ResearcherPageFactory(
        slug="public-person", photo=wagtail_factories.ImageFactory(title="Public photo")
    )

    assert client.get("/api/v2/images/").status_code == 404
    assert client.get(f"/api/v2/images/{hidden_photo.pk}/").status_code == 404
    # Public profiles still carry their photo's rendition through the pages API.
    response = client.get(f"{API_PROFILES}&fields=photo_thumbnail")
    (item,) = response.json()["items"]
    assert item["id"] == public.pk
    assert item["photo_thumbnail"]["url"].startswith("/media/images/")
    assert "Hidden person" not in response.content.decode()

"""Public directory pages: the index and its filters, profiles, topics and institutions.

Also the guarantees that cut across pages: no e-mail address is ever rendered, and a
profile or a page of results costs a fixed number of SQL queries.
"""

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail_factories import ImageFactory

from directory.bulk import NewResearcher, bulk_create_researchers, index_researchers
from directory.choices import CareerStage
from directory.models import Language, ResearcherLink, ResearcherPage, Topic
from directory.views import PAGE_SIZE as LISTING_PAGE_SIZE
from search.types import DEFAULT_PAGE_SIZE
from tests.factories import (
    FacilityFactory,
    InstitutionFactory,
    ResearcherPageFactory,
    ResearcherPublicationFactory,
)

pytestmark = pytest.mark.django_db

# Measured with a cold cache (no rendition, site root paths or settings cached), the
# same on SQLite and PostgreSQL, for 1 or 12 of everything a profile shows: site and
# routing, the profile with every relation (common/folded_relations.py; shared with
# the JSON-LD), view restrictions, site root paths, settings, "Opportunities for you",
# similar researchers; 10 for a page of
# directory results, 9 for a topic's or an institution's page.
#: Down from 25, then 22, then 18 (issue "Fast under load", whose goal is at most 12);
#: docs/performance.md lists the 10 left. Exact, so that a query coming back fails.
PROFILE_QUERIES = 10
#: Under /es/ and /pt-br/ Wagtail's `Page.localized` looks for the home page's
#: translation into the visitor's language (the Locale itself is remembered per process,
#: common/locales.py): one query more.
LOCALE_LOOKUP = 1
LISTING_MAX_QUERIES = 12
#: A topic page is also a hub: open opportunities, upcoming events and latest news
#: (a query each, plus their locale and view-restriction lookups).
TOPIC_HUB_QUERIES = 6

ALBA_EMAIL = "alba.quispe.private@uda.example.cl"
BEA_EMAIL = "bea.thornton.private@ox.example.ac.uk"


def card_titles(html: str) -> list[str]:
    """The researcher names on the cards of a listing, in order."""
    return [
        unescape(name)
        for name in re.findall(
            r'<li class="card researcher-card">.*?<h3><a href="[^"]*">(.*?)</a></h3>', html, re.S
        )
    ]


def result_count(html: str) -> int:
    return int(re.search(r'id="result-count"[^>]*>\s*(\d+) researchers?', html).group(1))


def link_query(html: str, rel: str) -> dict[str, list[str]] | None:
    """The query string of the pagination link with this `rel`, or None."""
    match = re.search(rf'<a href="([^"]*)" rel="{rel}"', html)
    return parse_qs(urlsplit(unescape(match.group(1))).query) if match else None


def checked(html: str, name: str, value: str) -> bool:
    """Whether the filter checkbox `name=value` is there and checked."""
    tag = re.search(rf'<input [^>]*name="{name}" value="{re.escape(value)}"[^>]*>', html)
    assert tag, f"no {name}={value} checkbox"
    return " checked" in tag.group(0)


def options(html: str, name: str) -> set[str]:
    return set(re.findall(rf'<input [^>]*name="{name}" value="([^"]+)"', html))


def json_ld(html: str) -> dict:
    scripts = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


@pytest.fixture
def atacama():
    return InstitutionFactory(
        name="Universidad de Atacama", acronym="UDA", country="CL", city="Copiapó"
    )


@pytest.fixture
def oxford():
    return InstitutionFactory(name="University of Oxbridge", acronym="", country="GB", city="")


@pytest.fixture
def alba(atacama):
    page = ResearcherPageFactory(
        given_name="Alba",
        family_name="Quispe",
        title="",
        slug="alba-quispe",
        email=ALBA_EMAIL,
        institution=atacama,
        career_stage=CareerStage.EARLY,
        open_to_collaboration=True,
        orcid="0000-0002-1825-0097",
        job_title="Brine chemist",
        topics=[Topic.objects.get(slug="direct-lithium-extraction")],
        languages=[Language.objects.get(code="es"), Language.objects.get(code="qu")],
    )
    page.keywords.add("lithium brine", "salar")
    page.save()
    return page


@pytest.fixture
def bea(oxford):
    return ResearcherPageFactory(
        given_name="Bea",
        family_name="Thornton",
        title="",
        slug="bea-thornton",
        email=BEA_EMAIL,
        institution=oxford,
        career_stage=CareerStage.SENIOR,
        open_to_mentoring=True,
        topics=[Topic.objects.get(slug="recycling-and-circular-supply-chains")],
        languages=[Language.objects.get(code="en")],
    )


@pytest.fixture
def draft(atacama):
    """Matches every filter Alba matches, but is not published: never listed."""
    page = ResearcherPageFactory(
        given_name="Carla",
        family_name="Borrador",
        title="",
        slug="carla-borrador",
        institution=atacama,
        career_stage=CareerStage.EARLY,
        open_to_collaboration=True,
        topics=[Topic.objects.get(slug="direct-lithium-extraction")],
        languages=[Language.objects.get(code="es")],
    )
    page.unpublish()
    return page


@pytest.fixture
def people(alba, bea, draft):
    return alba, bea


# --- Directory index ------------------------------------------------------------------


def test_directory_lists_published_researchers(client, people):
    response = client.get("/directory/")
    assert response.status_code == 200
    html = response.content.decode()
    assert card_titles(html) == ["Alba Quispe", "Bea Thornton"]
    assert result_count(html) == 2
    assert 'href="/directory/alba-quispe/"' in html
    assert "Clear search and filters" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("topic=direct-lithium-extraction", ["Alba Quispe"]),
        ("topic=recycling-and-circular-supply-chains", ["Bea Thornton"]),
        ("topic=direct-lithium-extraction&topic=recycling-and-circular-supply-chains", None),
        ("country=CL", ["Alba Quispe"]),
        ("country=gb", ["Bea Thornton"]),
        ("institution=universidad-de-atacama", ["Alba Quispe"]),
        ("institution=university-of-oxbridge", ["Bea Thornton"]),
        ("career_stage=early-career", ["Alba Quispe"]),
        ("career_stage=senior", ["Bea Thornton"]),
        ("language=es", ["Alba Quispe"]),
        ("language=EN", ["Bea Thornton"]),
        ("language=qu", ["Alba Quispe"]),
        ("open_to=collaboration", ["Alba Quispe"]),
        ("open_to=mentoring", ["Bea Thornton"]),
        ("country=CL&career_stage=senior", []),  # different filters must all match
        ("country=CL&language=es&open_to=collaboration", ["Alba Quispe"]),
        ("career_stage=not-a-stage", None),  # unknown values are ignored
        ("open_to=everything", None),
        ("country=", None),
        ("language=fr", []),
    ],
)
def test_each_filter_narrows_the_directory(client, people, query, expected):
    expected = ["Alba Quispe", "Bea Thornton"] if expected is None else expected
    html = client.get(f"/directory/?{query}").content.decode()
    assert card_titles(html) == expected
    assert result_count(html) == len(expected)
    if not expected:
        assert "No researchers match" in html


def test_filter_form_shows_the_active_filters(client, people):
    html = client.get(
        "/directory/?topic=direct-lithium-extraction&country=CL&open_to=collaboration"
        "&career_stage=early-career&language=es&institution=universidad-de-atacama"
    ).content.decode()
    assert checked(html, "topic", "direct-lithium-extraction")
    assert checked(html, "country", "CL")
    assert checked(html, "institution", "universidad-de-atacama")
    assert checked(html, "career_stage", "early-career")
    assert checked(html, "language", "es")
    assert checked(html, "open_to", "collaboration")
    assert not checked(html, "language", "qu")
    assert "Clear search and filters" in html


def test_filter_options_list_only_what_published_profiles_use(client, people):
    html = client.get("/directory/").content.decode()
    assert options(html, "country") == {"CL", "GB"}  # not the draft's, not every country
    assert options(html, "language") == {"en", "es", "qu"}
    assert options(html, "institution") == {"universidad-de-atacama", "university-of-oxbridge"}
    assert {"direct-lithium-extraction", "recycling-and-circular-supply-chains"} <= options(
        html, "topic"
    )
    assert not any(checked(html, "country", code) for code in ("CL", "GB"))


def test_a_researcher_matching_two_topics_is_listed_once(client, people):
    alba = people[0]
    alba.topics.add(Topic.objects.get(slug="recycling-and-circular-supply-chains"))
    alba.save()
    html = client.get(
        "/directory/?topic=direct-lithium-extraction&topic=recycling-and-circular-supply-chains"
    ).content.decode()
    assert card_titles(html) == ["Alba Quispe", "Bea Thornton"]
    assert result_count(html) == 2


def test_country_filter_follows_an_institution_that_moves(client, people, atacama):
    atacama.country = "AR"
    atacama.save()
    assert card_titles(client.get("/directory/?country=AR").content.decode()) == ["Alba Quispe"]
    assert card_titles(client.get("/directory/?country=CL").content.decode()) == []


def test_directory_paginates_twenty_a_page_and_keeps_the_filters(client, atacama):
    for n in range(25):
        ResearcherPageFactory(
            given_name="Test", family_name=f"Person {n:02d}", institution=atacama, title=""
        )
    ResearcherPageFactory(given_name="Elsewhere", family_name="Aaa", country="GB", title="")
    everyone = {f"Test Person {n:02d}" for n in range(25)}

    first = client.get("/directory/?country=CL").content.decode()
    assert result_count(first) == 25
    first_names = card_titles(first)
    assert len(first_names) == 20
    assert link_query(first, "prev") is None
    assert link_query(first, "next") == {"country": ["CL"], "page": ["2"]}

    second = client.get("/directory/?country=CL&page=2").content.decode()
    second_names = card_titles(second)
    assert len(second_names) == 5
    assert set(first_names) | set(second_names) == everyone  # nobody twice, nobody missing
    assert link_query(second, "next") is None
    assert link_query(second, "prev")["country"] == ["CL"]

    # a junk page number shows the first page
    assert card_titles(client.get("/directory/?country=CL&page=abc").content.decode()) == (
        first_names
    )


# --- Profile --------------------------------------------------------------------------


def test_profile_shows_the_researcher(client, people, oxford):
    alba = people[0]
    alba.affiliations.add(oxford)
    alba.facilities.add(FacilityFactory(name="Brine pilot plant", institution=alba.institution))
    alba.save()
    ResearcherPublicationFactory(
        page=alba, title="Selective lithium sorbents", year=2023, doi="10.1016/j.hydromet.2023.1"
    )
    ResearcherLink.objects.create(page=alba, url="https://lab.example.cl/", label="Lab website")

    response = client.get("/directory/alba-quispe/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Alba Quispe</h1>" in html
    assert "Brine chemist" in html
    assert 'href="/directory/institutions/universidad-de-atacama/">Universidad de Atacama</a>' in (
        html
    )
    assert "Chile" in html
    assert "Early-career researcher" in html
    assert "Open to collaboration" in html
    assert 'href="/directory/topics/direct-lithium-extraction/"' in html
    assert "<li>lithium brine</li>" in html
    assert "Spanish, Quechua" in html or "Quechua, Spanish" in html
    assert "/directory/institutions/university-of-oxbridge/" in html  # further affiliation
    assert "Brine pilot plant, Universidad de Atacama" in html
    assert '<a href="https://doi.org/10.1016/j.hydromet.2023.1">' in html
    assert '<a href="https://orcid.org/0000-0002-1825-0097">' in html
    assert '<a href="https://lab.example.cl/" rel="nofollow noopener">Lab website</a>' in html


def test_profile_carries_schema_org_person_without_email(client, people):
    html = client.get("/directory/alba-quispe/").content.decode()
    data = json_ld(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Person"
    assert data["name"] == "Alba Quispe"
    assert (data["givenName"], data["familyName"]) == ("Alba", "Quispe")
    assert data["jobTitle"] == "Brine chemist"
    assert data["affiliation"] == {"@type": "Organization", "name": "Universidad de Atacama"}
    assert data["url"].endswith("/directory/alba-quispe/")
    assert data["sameAs"] == ["https://orcid.org/0000-0002-1825-0097"]
    assert set(data["knowsAbout"]) == {"Direct lithium extraction", "lithium brine", "salar"}
    assert {(item["name"], item["alternateName"]) for item in data["knowsLanguage"]} == {
        ("Spanish", "es"),
        ("Quechua", "qu"),
    }
    assert data["mainEntityOfPage"] == {
        "@type": "ProfilePage",
        "@id": data["url"],
        "inLanguage": "en",
    }
    assert data["workLocation"]["address"]["addressCountry"] == "CL"
    assert "email" not in {key.lower() for key in data}
    keys = ('"@context"', '"@type"', '"@id"')
    text = json.dumps(data)
    for key in keys:
        text = text.replace(key, "")
    assert "@" not in text


def test_json_ld_cannot_close_its_script_element(client, people):
    alba = people[0]
    alba.job_title = "Chemist </script><script>alert(1)</script>"
    alba.save()
    html = client.get(alba.url).content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(html)["jobTitle"] == "Chemist </script><script>alert(1)</script>"


def test_unpublished_profile_is_not_served(client, people, draft):
    assert client.get("/directory/carla-borrador/").status_code == 404


# --- Topic and institution pages --------------------------------------------------------


def test_topic_page_lists_its_researchers(client, people):
    response = client.get("/directory/topics/direct-lithium-extraction/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Direct lithium extraction</h1>" in html
    assert card_titles(html) == ["Alba Quispe"]  # not Bea, not the draft
    assert "1 researcher</h2>" in html
    assert 'href="/directory/topics/raw-materials/">Raw materials</a>' in html  # breadcrumb


def test_parent_topic_page_lists_subtopics(client, people):
    html = client.get("/directory/topics/raw-materials/").content.decode()
    assert 'href="/directory/topics/direct-lithium-extraction/"' in html
    assert 'href="/directory/topics/lithium-refining-and-chemicals/"' in html
    # Issue 8: a parent topic lists its subtopics' researchers (Alba is on DLE).
    assert card_titles(html) == ["Alba Quispe"]


def test_institution_page_lists_researchers_and_facilities(client, people, atacama):
    FacilityFactory(
        name="Salar field station", institution=atacama, techniques="ICP-OES; XRD; ", access="open"
    )
    FacilityFactory(name="Elsewhere lab", institution=InstitutionFactory())
    ResearcherPageFactory(given_name="Diego", family_name="Araya", institution=atacama, title="")

    response = client.get("/directory/institutions/universidad-de-atacama/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Universidad de Atacama" in html
    assert "Copiapó, Chile" in html
    assert card_titles(html) == ["Diego Araya", "Alba Quispe"]
    assert "2 researchers</h2>" in html
    assert "<strong>Salar field station</strong>" in html
    assert "Techniques: ICP-OES, XRD" in html
    assert "Open access" in html
    assert "Elsewhere lab" not in html


@pytest.mark.parametrize(
    "url", ["/directory/topics/no-such-topic/", "/directory/institutions/no-such-place/"]
)
def test_unknown_topic_or_institution_is_404(client, url):
    assert client.get(url).status_code == 404


# --- No e-mail address, anywhere ------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/", 'data-figure="researchers">2<'),
        ("/directory/", "Quispe"),
        ("/directory/?country=CL", "Quispe"),
        ("/directory/?topic=direct-lithium-extraction&open_to=collaboration", "Quispe"),
        ("/directory/?language=en&career_stage=senior", "Thornton"),
        ("/directory/alba-quispe/", "Quispe"),
        ("/directory/bea-thornton/", "Thornton"),
        ("/directory/topics/direct-lithium-extraction/", "Quispe"),
        ("/directory/institutions/universidad-de-atacama/", "Quispe"),
        ("/directory/institutions/university-of-oxbridge/", "Thornton"),
        ("/api/v2/pages/?type=directory.ResearcherPage&fields=*", "Quispe"),
        ("/api/v2/pages/?type=directory.ResearcherPage&fields=*&search=Quispe", "Quispe"),
        ("/api/v2/pages/?fields=*", "Thornton"),
        ("/sitemap.xml", "alba-quispe"),
    ],
)
def test_no_page_shows_an_email_address(client, people, url, marker):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert marker in content  # the page really is about these researchers
    for address in (ALBA_EMAIL, BEA_EMAIL):
        assert address not in content.lower()
        assert address.split("@")[1] not in content.lower()
    assert "mailto:" not in content


def test_api_detail_of_a_profile_has_no_email(client, people):
    alba = people[0]
    response = client.get(f"/api/v2/pages/{alba.pk}/?fields=*")
    assert response.status_code == 200
    data = response.json()
    assert data["given_name"] == "Alba"
    assert "email" not in data and "user" not in data
    assert ALBA_EMAIL not in response.content.decode()


# --- Query counts -----------------------------------------------------------------------


def rich_profile(n: int, slug: str):
    """A profile with a photo and `n` of each kind of related object."""
    page = ResearcherPageFactory(
        slug=slug,
        photo=ImageFactory(),
        biography="<p>Works on cells.</p>",
        bio_es="<p>Trabaja en celdas.</p>",
        bio_pt="<p>Trabalha com células.</p>",
        orcid="0000-0002-1825-0097",
        topics=list(Topic.objects.all()[:n]),
        languages=list(Language.objects.all()[:n]),
        affiliations=[InstitutionFactory() for _ in range(n)],
    )
    page.facilities.set([FacilityFactory() for _ in range(n)])  # each at its own institution
    page.keywords.add(*[f"{slug} keyword {i}" for i in range(n)])
    page.save()
    for i in range(n):
        ResearcherPublicationFactory(page=page)
        ResearcherLink.objects.create(page=page, url=f"https://example.org/{slug}/{i}")
    return page


def count_queries(client, url: str) -> tuple[int, str, list[str]]:
    """Queries for one GET of `url`, with renditions made but the rendition cache cold."""
    assert client.get(url).status_code == 200  # makes the renditions
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context), response.content.decode(), [q["sql"] for q in context.captured_queries]


@pytest.mark.parametrize("prefix", ["", "/es", "/pt-br"])
def test_profile_renders_in_a_fixed_number_of_queries(client, prefix):
    """The same bound in every language: the biography to show, its language (from the
    languages spoken, already loaded) and the translated labels cost no query."""
    counts = {}
    for n in (1, 12):
        page = rich_profile(n, f"rich-{n}")
        counts[n], html, queries = count_queries(client, f"{prefix}{page.url}")
        assert 'class="biography" lang="' in html
        assert html.count("<cite>") == n  # the profile really shows n of each
        assert html.count("/directory/topics/") == n
        assert html.count('rel="nofollow noopener"') == n
        assert html.count(f"rich-{n} keyword") == 2 * n  # the page and its JSON-LD
        assert html.count('type="image/avif"') == 1
        expected = PROFILE_QUERIES + (LOCALE_LOOKUP if prefix else 0)
        assert counts[n] == expected, "\n".join(queries)
    assert counts[1] == counts[12], counts


@pytest.mark.parametrize(
    ("url", "page_size", "shared_institution"),
    [
        ("/directory/", DEFAULT_PAGE_SIZE, False),
        ("/directory/topics/characterisation/", LISTING_PAGE_SIZE, False),
        ("/directory/institutions/shared-institute/", LISTING_PAGE_SIZE, True),
    ],
)
def test_listing_renders_in_a_fixed_number_of_queries(client, url, page_size, shared_institution):
    """5 researchers, then 30: a page of 5 cards costs what a full page costs.

    Each has a photo, three topics and (but on the institution page) an institution
    of their own. Created in bulk, which is quicker and just as valid.
    """
    shared = InstitutionFactory(name="Shared Institute")
    topic_ids = list(
        Topic.objects.filter(slug__in=["characterisation", "cam", "pcam"]).values_list(
            "pk", flat=True
        )
    )
    counts = {}
    for start, total in ((0, 5), (5, 30)):
        pages = bulk_create_researchers(
            [
                NewResearcher(
                    page=ResearcherPage(
                        given_name="Listed",
                        family_name=f"Person {n:02d}",
                        photo=ImageFactory(),
                        institution=shared if shared_institution else InstitutionFactory(),
                    ),
                    topic_ids=topic_ids,
                    language_codes=["en", "es"],
                )
                for n in range(start, total)
            ]
        )
        index_researchers([page.pk for page in pages])
        counts[total], html, queries = count_queries(client, url)
        shown = min(total, page_size)
        assert len(card_titles(html)) == shown
        if url != "/directory/":  # directory results show initials, not photos
            assert html.count('class="avatar"') == shown
        bound = LISTING_MAX_QUERIES + (TOPIC_HUB_QUERIES if "/topics/" in url else 0)
        assert counts[total] <= bound, "\n".join(queries)
    assert counts[5] == counts[30], counts

"""The public site in a real browser: pages, filters, keyboard use and a phone screen.

`live_server` serves the site on its own port while the migration-made Site says
localhost:80; Wagtail falls back to the default site, so the pages route as usual.
The tests are transactional (the server thread must see their data), so the database
is flushed after each; `serialized_rollback` restores what the data migrations made
(the home, directory and news pages, the site, topics, languages) before each test.
"""

import json
import re

import pytest
from django.utils import timezone
from wagtail.models import Site

from directory.choices import CareerStage
from directory.models import Language, ResearcherLink, Topic
from tests.browser.conftest import PHONE
from tests.factories import InstitutionFactory, NewsPageFactory, ResearcherPageFactory
from website.models import HomePage

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ALBA_EMAIL = "alba.quispe.private@uda.example.cl"
BEA_EMAIL = "bea.thornton.private@ox.example.ac.uk"


@pytest.fixture
def people(live_server):
    alba = ResearcherPageFactory(
        given_name="Alba",
        family_name="Quispe",
        title="",
        slug="alba-quispe",
        email=ALBA_EMAIL,
        job_title="Investigadora en extracción directa de litio",
        orcid="0000-0002-1825-0097",
        institution=InstitutionFactory(name="Universidad de Atacama", country="CL"),
        career_stage=CareerStage.EARLY,
        open_to_collaboration=True,
        topics=[Topic.objects.get(slug="direct-lithium-extraction")],
        languages=[Language.objects.get(code="es")],
    )
    # A long unlabelled link is shown as its URL: it must not widen a phone screen.
    ResearcherLink.objects.create(
        page=alba,
        url="https://www.example.org/profiles/alba-quispe-mamani/publications-and-datasets/2024",
    )
    bea = ResearcherPageFactory(
        given_name="Bea",
        family_name="Thornton",
        title="",
        slug="bea-thornton",
        email=BEA_EMAIL,
        institution=InstitutionFactory(name="University of Oxbridge", country="GB"),
        career_stage=CareerStage.SENIOR,
        open_to_mentoring=True,
        topics=[Topic.objects.get(slug="recycling-and-circular-supply-chains")],
        languages=[Language.objects.get(code="en")],
    )
    NewsPageFactory(title="Brine workshop in Antofagasta", date=timezone.localdate())
    return alba, bea


def visit(tab, live_server, path: str):
    response = tab.goto(f"{live_server.url}{path}")
    assert response is not None and response.status == 200, path
    return response


def expect_results(tab, names: list[str]):
    """Wait for the listed researchers (the page may update them in place)."""
    count = f"{len(names)} researcher{'' if len(names) == 1 else 's'}"
    expect(tab.locator("#result-count")).to_have_text(re.compile(rf"^{count}\b"))
    expect(tab.locator(".researcher-list .researcher-card h3")).to_have_text(names)


def facet(tab, name: str, value: str):
    return tab.locator(f'input[type="checkbox"][name="{name}"][value="{value}"]')


def assert_no_email(tab):
    content = tab.content().lower()
    for address in (ALBA_EMAIL, BEA_EMAIL):
        assert address not in content
        assert address.split("@")[0] not in content
    assert "mailto:" not in content


def tab_to(tab, selector: str, max_presses: int = 80):
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(max_presses):
        tab.keyboard.press("Tab")
        if tab.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def test_home_page(tab, live_server, people):
    visit(tab, live_server, "/")
    assert tab.locator("h1").inner_text() == "UK–Latin America Battery Research Network"
    assert tab.locator('[data-figure="researchers"]').inner_text() == "2"
    assert tab.locator('[data-figure="countries"]').inner_text() == "2"
    assert "Brine workshop in Antofagasta" in tab.locator(".cards").inner_text()
    skip_link_position = "getComputedStyle(document.querySelector('.skip-link')).position"
    assert tab.evaluate(skip_link_position) == "absolute", "the stylesheet did not load"
    assert_no_email(tab)

    tab.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    tab.wait_for_url("**/directory/")
    expect_results(tab, ["Alba Quispe", "Bea Thornton"])
    assert_no_email(tab)


def test_directory_filtered_by_url(tab, live_server, people):
    visit(tab, live_server, "/directory/?country=GB&open_to=mentoring")
    expect_results(tab, ["Bea Thornton"])
    assert facet(tab, "country", "GB").is_checked()
    assert facet(tab, "open_to", "mentoring").is_checked()
    assert_no_email(tab)


def test_directory_filtered_with_the_form(tab, live_server, people):
    """With JavaScript, ticking a filter updates the results and the address in place."""
    visit(tab, live_server, "/directory/")
    expect_results(tab, ["Alba Quispe", "Bea Thornton"])

    tab.get_by_label("Direct lithium extraction").check()
    expect_results(tab, ["Alba Quispe"])
    expect(tab).to_have_url(re.compile(r"/directory/\?topic=direct-lithium-extraction$"))
    facet(tab, "country", "CL").check()
    expect(tab).to_have_url(re.compile(r"/directory/\?.*country=CL"))
    assert "topic=direct-lithium-extraction" in tab.url
    expect_results(tab, ["Alba Quispe"])
    assert_no_email(tab)

    tab.get_by_role("link", name="Clear search and filters").click()
    expect(tab).to_have_url(f"{live_server.url}/directory/")
    expect_results(tab, ["Alba Quispe", "Bea Thornton"])
    tab.go_back()  # history holds each step
    expect_results(tab, ["Alba Quispe"])


def test_profile_page(tab, live_server, people):
    visit(tab, live_server, "/directory/")
    tab.get_by_role("link", name="Alba Quispe").click()
    tab.wait_for_url("**/directory/alba-quispe/")
    assert tab.locator("h1").inner_text() == "Alba Quispe"
    assert "Universidad de Atacama" in tab.locator(".profile-header").inner_text()
    assert tab.title().startswith("Alba Quispe")

    data = json.loads(tab.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "Person"
    assert data["name"] == "Alba Quispe"
    assert data["affiliation"]["name"] == "Universidad de Atacama"
    assert "email" not in data
    assert_no_email(tab)


def test_contacting_a_researcher_with_the_keyboard_never_shows_their_address(
    tab, live_server, people, mailoutbox
):
    visit(tab, live_server, "/directory/alba-quispe/")
    tab.get_by_role("link", name="Contact Alba").focus()
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/directory/contact/**")
    assert_no_email(tab)
    tab.get_by_label("Your name").focus()
    tab.keyboard.type("Sam Ortega")
    tab.keyboard.press("Tab")
    tab.keyboard.type("sam.ortega@example.com")
    tab.get_by_label("Message").focus()
    tab.keyboard.type("Hola Alba, I would like to discuss brine chemistry with you.")
    tab.get_by_role("button", name=re.compile("Send")).focus()
    tab.keyboard.press("Enter")
    tab.wait_for_url("**?sent=1")
    assert_no_email(tab)
    assert [message.to for message in mailoutbox] == [[ALBA_EMAIL]]
    assert mailoutbox[0].reply_to == ["sam.ortega@example.com"]


def test_skip_link_is_the_first_tab_stop_and_focuses_main(tab, live_server, people):
    visit(tab, live_server, "/directory/")
    tab.keyboard.press("Tab")
    focused = tab.evaluate(
        """() => {
            const el = document.activeElement;
            const box = el.getBoundingClientRect();
            return {cls: el.className, text: el.textContent.trim(), left: box.left};
        }"""
    )
    assert focused["cls"] == "skip-link"
    assert focused["text"] == "Skip to main content"
    assert focused["left"] >= 0, "the skip link stays off screen when focused"

    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "main"
    assert tab.url.endswith("#main")
    tab.keyboard.press("Tab")  # the next stop is inside main, past the site header
    assert tab.evaluate("document.activeElement.closest('main') !== null")


def test_directory_filters_with_the_keyboard_alone(open_tab, live_server, people):
    """Without JavaScript: Tab to a filter, Space, Tab to "Apply filters", Enter."""
    tab = open_tab(java_script_enabled=False)
    visit(tab, live_server, "/directory/")
    expect_results(tab, ["Alba Quispe", "Bea Thornton"])
    checkbox = 'input[name="topic"][value="recycling-and-circular-supply-chains"]'

    tab_to(tab, checkbox)
    tab.keyboard.press("Space")
    expect(tab.locator(checkbox)).to_be_checked()
    tab_to(tab, "#directory-search button.apply-filters")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")

    expect(tab).to_have_url(
        re.compile(r"/directory/\?.*topic=recycling-and-circular-supply-chains")
    )
    expect_results(tab, ["Bea Thornton"])
    expect(tab.locator(checkbox)).to_be_checked()


def test_directory_filters_with_the_keyboard_and_javascript(tab, live_server, people):
    """With JavaScript the results follow the checkbox at once and focus stays on it."""
    visit(tab, live_server, "/directory/")
    expect_results(tab, ["Alba Quispe", "Bea Thornton"])
    checkbox = 'input[name="topic"][value="recycling-and-circular-supply-chains"]'

    tab_to(tab, checkbox)
    tab.keyboard.press("Space")

    expect(tab).to_have_url(re.compile(r"/directory/\?topic=recycling-and-circular-supply-chains$"))
    expect_results(tab, ["Bea Thornton"])
    expect(tab.locator(checkbox)).to_be_checked()
    expect(tab.locator(checkbox)).to_be_focused()
    tab.keyboard.press("Space")  # and off again
    expect_results(tab, ["Alba Quispe", "Bea Thornton"])
    expect(tab).to_have_url(f"{live_server.url}/directory/")


PHONE_PATHS = [
    "/",
    "/directory/",
    "/directory/?country=CL&open_to=collaboration",
    "/directory/alba-quispe/",
    "/directory/topics/direct-lithium-extraction/",
    "/directory/institutions/universidad-de-atacama/",
    "/news/",
]


def test_layout_fits_a_phone(open_tab, live_server, people):
    """375 px wide: nothing scrolls sideways; the directory's filters sit above its results."""
    tab = open_tab(viewport=PHONE)
    too_wide = {}
    for path in PHONE_PATHS:
        visit(tab, live_server, path)
        assert tab.evaluate("window.innerWidth") == PHONE["width"]
        scroll_width = tab.evaluate("document.documentElement.scrollWidth")
        if scroll_width > PHONE["width"]:
            too_wide[path] = scroll_width
        if path.startswith("/directory/?") or path == "/directory/":
            filters = tab.locator("#directory-filters").bounding_box()
            results = tab.locator("#directory-results").bounding_box()
            assert results["y"] >= filters["y"] + filters["height"], f"{path}: side by side"
            assert filters["x"] >= 0 and filters["x"] + filters["width"] <= PHONE["width"]
    assert too_wide == {}, f"pages wider than the phone (px): {too_wide}"


PHONE_390 = {"width": 390, "height": 844}


def test_on_a_phone_the_results_come_first_and_a_tap_shows_its_effect(
    open_tab, live_server, people
):
    """Issue 8: at 390 px the filters fold behind "Filters (n selected)"; the first
    result is on the first screen; after a tap the count by the filters changes."""
    tab = open_tab(viewport=PHONE_390, has_touch=True, is_mobile=True)
    visit(tab, live_server, "/directory/")
    expect_results(tab, ["Alba Quispe", "Bea Thornton"])
    first = tab.locator(".researcher-list .researcher-card").first.bounding_box()
    assert first["y"] + 40 < PHONE_390["height"], f"first result starts at {first['y']} px"
    summary = tab.locator("#directory-filters > summary")
    expect(summary).to_have_text("Filters (0 selected)")
    expect(facet(tab, "country", "GB")).to_be_hidden()

    summary.tap()
    facet(tab, "country", "GB").tap()
    count = tab.locator("#filters-result-count")
    expect(count).to_have_text("Show 1 researcher")
    expect(count).to_be_in_viewport()
    expect(summary).to_have_text("Filters (1 selected)")
    expect_results(tab, ["Bea Thornton"])

    count.tap()  # folds the filters away and shows the results
    expect(facet(tab, "country", "GB")).to_be_hidden()
    expect(tab.locator("#results-heading")).to_be_in_viewport()


def test_on_a_phone_the_filters_open_without_javascript(open_tab, live_server, people):
    tab = open_tab(viewport=PHONE_390, java_script_enabled=False)
    visit(tab, live_server, "/directory/?open_to=mentoring")
    first = tab.locator(".researcher-list .researcher-card").first.bounding_box()
    assert first["y"] + 40 < PHONE_390["height"], f"first result starts at {first['y']} px"
    summary = tab.locator("#directory-filters > summary")
    expect(summary).to_have_text("Filters (1 selected)")
    summary.click()
    facet(tab, "country", "GB").check()
    with tab.expect_navigation():
        tab.get_by_role("button", name="Apply filters").click()
    expect(tab).to_have_url(re.compile(r"country=GB"))
    expect(tab.locator("#directory-filters > summary")).to_have_text("Filters (2 selected)")


def test_on_a_wide_screen_the_filters_are_always_open(open_tab, live_server, people):
    for javascript in (True, False):
        tab = open_tab(java_script_enabled=javascript)
        visit(tab, live_server, "/directory/")
        expect(tab.locator("#directory-filters > summary")).to_be_hidden()
        expect(facet(tab, "country", "GB")).to_be_visible()


def test_a_long_site_search_wraps_on_a_phone(open_tab, live_server, people):
    tab = open_tab(viewport=PHONE_390)
    long_query = "electrochemicalimpedancespectroscopy" * 4
    for path in (f"/search/?q={long_query}", f"/directory/?q={long_query}"):
        visit(tab, live_server, path)
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"], path


def test_data_migration_pages_survive_flushes(live_server):
    """Last in this module: the tests before it have each flushed the database."""
    assert HomePage.objects.count() == 1
    # The test settings' WAGTAILADMIN_BASE_URL, restored after every flush (website/sites.py).
    assert Site.objects.get(is_default_site=True).hostname == "testserver"
    assert Topic.objects.filter(slug="direct-lithium-extraction").exists()
    assert Language.objects.filter(code="qu").exists()

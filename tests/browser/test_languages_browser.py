"""Languages in a real browser (issue 9): a visitor switches to Español on a filtered
directory search and stays on the same results, opens a profile, then switches to
Português on it and reads the same person's page in Portuguese."""

import re

import pytest

from directory.choices import CareerStage
from directory.models import Language, Topic
from tests.factories import InstitutionFactory, ResearcherPageFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def people(live_server):
    recycling = Topic.objects.get(slug="recycling-and-circular-supply-chains")
    rosa = ResearcherPageFactory(
        given_name="Rosa",
        family_name="Huanca",
        title="",
        slug="rosa-huanca",
        institution=InstitutionFactory(name="Universidad de Concepción", country="CL"),
        career_stage=CareerStage.EARLY,
        biography="<p>I recover lithium from spent cells.</p>",
        bio_pt="<p>Recupero lítio de células usadas.</p>",
        topics=[recycling],
        languages=[Language.objects.get(code="es")],
    )
    ResearcherPageFactory(
        given_name="Tomás",
        family_name="Ibáñez",
        title="",
        slug="tomas-ibanez",
        institution=InstitutionFactory(name="Universidad de Chile", country="CL"),
        topics=[recycling],
    )
    ResearcherPageFactory(
        given_name="Bea",
        family_name="Thornton",
        title="",
        slug="bea-thornton",
        institution=InstitutionFactory(name="University of Oxbridge", country="GB"),
        topics=[recycling],
    )
    return rosa


def result_names(tab) -> list[str]:
    return tab.locator(".researcher-list .researcher-card h3").all_inner_texts()


def test_switching_language_keeps_the_search_then_the_profile(live_server, tab, people):
    response = tab.goto(f"{live_server.url}/directory/?q=recycling&country=CL")
    assert response is not None and response.status == 200
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    expect(tab.locator(".researcher-list .researcher-card h3")).to_have_count(2)
    english_results = sorted(result_names(tab))
    assert english_results == ["Rosa Huanca", "Tomás Ibáñez"]

    tab.locator(".language-switch").get_by_role("link", name="Español").click()
    expect(tab).to_have_url(re.compile(r"/es/directory/\?q=recycling&country=CL$"))
    expect(tab.locator("html")).to_have_attribute("lang", "es")
    expect(tab.locator(".researcher-list .researcher-card h3")).to_have_count(2)
    assert sorted(result_names(tab)) == english_results
    # The filter is still ticked and the interface speaks Spanish.
    expect(tab.locator('input[name="country"][value="CL"]')).to_be_checked()
    expect(tab.locator("#result-count")).to_contain_text("investigador")

    tab.locator(".researcher-list").get_by_role("link", name="Rosa Huanca").click()
    expect(tab).to_have_url(re.compile(r"/es/directory/rosa-huanca/$"))
    expect(tab.locator("html")).to_have_attribute("lang", "es")

    tab.locator(".language-switch").get_by_role("link", name=re.compile("^Português")).click()
    expect(tab).to_have_url(re.compile(r"/pt-br/directory/rosa-huanca/$"))
    expect(tab.locator("html")).to_have_attribute("lang", re.compile(r"^pt-br$", re.I))
    expect(tab.locator("h1")).to_have_text("Rosa Huanca")
    biography = tab.locator(".biography")
    expect(biography).to_have_attribute("lang", re.compile(r"^pt-br$", re.I))
    expect(biography).to_contain_text("Recupero lítio de células usadas.")

    # The choice is remembered: the bare root now leads to the Portuguese home page.
    tab.goto(f"{live_server.url}/")
    expect(tab).to_have_url(re.compile(r"/pt-br/$"))
    expect(tab.locator("html")).to_have_attribute("lang", re.compile(r"^pt-br$", re.I))

"""The JSON API: /api/directory/search, /autocomplete and /researchers/<id>/similar."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.engines.database import DatabaseEngine
from search.types import FACETS
from tests.factories import InstitutionFactory
from tests.search.conftest import make_researcher

pytestmark = pytest.mark.django_db

SEARCH = "/api/directory/search"
AUTOCOMPLETE = "/api/directory/autocomplete"


@pytest.fixture
def indexed(world):
    DatabaseEngine().rebuild()
    return world


def search(client, params=None, status=200) -> dict:
    response = client.get(SEARCH, params or {})
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_shape_of_an_answer(client, indexed):
    data = search(client, {"q": "Jose Perez"})
    assert set(data) == {"lang", "count", "page", "page_size", "results", "facets"}
    assert data["lang"] == "en"
    assert (data["count"], data["page"], data["page_size"]) == (1, 1, 20)
    (hit,) = data["results"]
    assert set(hit) == {
        "id",
        "name",
        "url",
        "job_title",
        "institution",
        "country",
        "country_label",
        "topics",
        "topic_labels",
        "snippet",
    }
    jose = indexed.r["jose"]
    assert hit["id"] == jose.pk and hit["name"] == "José Pérez" and hit["url"] == jose.url
    assert hit["country"] == "CL" and hit["institution"] == "Universidad Ficticia de Chile"
    assert sorted(hit["topics"]) == ["cam", "direct-lithium-extraction"]
    labels = dict(zip(hit["topics"], hit["topic_labels"], strict=True))
    assert labels["cam"] == "Cathode active materials (CAM)"
    assert hit["country_label"] == "Chile"
    assert list(data["facets"]) == list(FACETS)
    for values in data["facets"].values():
        for value in values:
            assert set(value) == {"value", "label", "count", "selected"}


def test_repeated_parameters_are_ored_and_facets_anded(client, indexed):
    data = search(client, [("country", "CL"), ("country", "AR"), ("career_stage", "senior")])
    assert [hit["name"] for hit in data["results"]] == ["María González"]
    countries = {v["value"]: (v["count"], v["selected"]) for v in data["facets"]["country"]}
    assert countries == {"AR": (1, True), "CL": (0, True), "GB": (1, False)}


def test_codes_are_normalised(client, indexed):
    lower = search(client, {"country": "cl", "language": "ES"})
    assert [hit["name"] for hit in lower["results"]] == ["José Pérez"]


def test_pages(client, indexed):
    data = search(client, {"page_size": "3", "page": "3"})
    assert (data["count"], data["page"], data["page_size"]) == (8, 3, 3)
    assert len(data["results"]) == 2
    past = search(client, {"page_size": "3", "page": "4"})
    assert past["results"] == [] and past["count"] == 8


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "9999999999999"}, "page"),
        ({"page": "600"}, "page"),  # beyond the first 10,000 results
        ({"page_size": "10000"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"sort": "random"}, "sort"),
        ({"country": "Chile"}, "country"),
        ({"country": "ZZ"}, "country"),
        ({"career_stage": "wizard"}, "career_stage"),
        ({"open_to": "anything"}, "open_to"),
        ({"language": "english"}, "language"),
        ({"topic": "Not a slug!"}, "topic"),
        ({"institution": "' OR 1=1 --"}, "institution"),
        ([("topic", f"t{n}") for n in range(51)], "topic"),
    ],
)
def test_bad_parameters_get_a_400_naming_them(client, indexed, params, parameter):
    data = search(client, params, status=400)
    assert data["parameter"] == parameter
    assert data["error"].startswith(f"{parameter}: ")


def test_unknown_but_well_formed_values_find_nobody(client, indexed):
    data = search(client, {"topic": "no-such-topic", "institution": "nowhere"})
    assert data["count"] == 0 and data["results"] == []
    assert data["facets"]["topic"] == [
        {"value": "no-such-topic", "label": "no-such-topic", "count": 0, "selected": True}
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x" * 5000,
        'AND ( " * ~ : \\ NEAR',
        "' OR '1'='1",
        '"; DROP TABLE directory_researcherpage; --',
        "NEAR(lithium chile, 2)",
        "lithium*",
        "\x00 lithium",
        "🔋 lítio",
    ],
)
def test_any_text_is_searched_safely(client, indexed, text):
    data = search(client, {"q": text})
    assert 0 <= data["count"] <= 8
    assert len(data["results"]) <= data["page_size"]


def test_long_text_is_cut_not_refused(client, indexed):
    data = search(client, {"q": "lithium" + " " * 300 + "z" * 5000})
    assert data["count"] == 3  # the z's are past the first 200 characters


def test_no_email_address_ever(client, indexed):
    everything = client.get(SEARCH, {"page_size": "100"}).content.decode()
    suggestions = client.get(AUTOCOMPLETE, {"q": "researcher"}).content.decode()
    similar = client.get(f"/api/directory/researchers/{indexed.r['tom'].pk}/similar")
    assert "@" not in everything + suggestions + similar.content.decode()


def test_only_get(client, indexed):
    assert client.post(SEARCH).status_code == 405
    assert client.post(AUTOCOMPLETE).status_code == 405


def test_a_fixed_number_of_queries(client, indexed):
    client.get(SEARCH)
    with CaptureQueriesContext(connection) as few:
        search(client, {"q": "lithium", "country": "CL", "topic": "cam"})
    for n in range(10):
        make_researcher(given_name=f"Extra{n}", family_name="Lithium", topics=["cam"])
    DatabaseEngine().rebuild()
    with CaptureQueriesContext(connection) as many:
        search(client, {"q": "lithium", "country": "CL", "topic": "cam"})
    assert len(few) == len(many) == 2


# --------------------------------------------------------------------------------------
# Autocomplete and similar researchers
# --------------------------------------------------------------------------------------


def test_autocomplete(client, indexed):
    data = client.get(AUTOCOMPLETE, {"q": "jos"}).json()
    assert data == {
        "suggestions": [{"label": "José Pérez", "url": indexed.r["jose"].url, "kind": "researcher"}]
    }
    kinds = {s["kind"] for s in client.get(AUTOCOMPLETE, {"q": "re"}).json()["suggestions"]}
    assert "topic" in kinds  # Recycling ...
    assert client.get(AUTOCOMPLETE).json() == {"suggestions": []}
    assert client.get(AUTOCOMPLETE, {"q": "x" * 5000}).status_code == 200
    assert client.get(AUTOCOMPLETE, {"q": '" * NEAR ( \\'}).status_code == 200


def test_autocomplete_queries_are_fixed(client, indexed):
    client.get(AUTOCOMPLETE, {"q": "jo"})
    with CaptureQueriesContext(connection) as captured:
        client.get(AUTOCOMPLETE, {"q": "jos per"})
    assert len(captured) == 3


def test_similar(client, indexed):
    tom = indexed.r["tom"]
    response = client.get(f"/api/directory/researchers/{tom.pk}/similar")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [hit["name"] for hit in results[:2]] == ["María González", "José Pérez"]
    assert tom.pk not in {hit["id"] for hit in results}
    assert set(results[0]) == {
        "id",
        "name",
        "url",
        "job_title",
        "institution",
        "country",
        "country_label",
        "topics",
        "topic_labels",
        "snippet",
    }


def test_similar_of_nobody_is_404(client, indexed):
    response = client.get("/api/directory/researchers/999999/similar")
    assert response.status_code == 404
    assert "999999" in response.json()["error"]


@pytest.mark.parametrize("country", [None, "DE"], ids=["no-institution", "outside-both-regions"])
def test_similar_of_a_researcher_outside_both_regions(client, world, country):
    """Issue 13.2: no region used to put a bare `ORDER BY 0` in the statement (a 500)."""
    institution = InstitutionFactory(country=country) if country else None
    loner = make_researcher(
        given_name="Lena", family_name="Vogel", institution=institution, topics=["cam"]
    )
    DatabaseEngine().rebuild()
    response = client.get(f"/api/directory/researchers/{loner.pk}/similar")
    assert response.status_code == 200, response.content
    names = [hit["name"] for hit in response.json()["results"]]
    assert "José Pérez" in names  # shares the cathode topic
    page = client.get(loner.url)
    assert page.status_code == 200
    assert b"similar-researchers" in page.content
    assert "José Pérez" in page.content.decode()

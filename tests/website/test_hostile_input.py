"""Hostile input that used to answer 500 (issue 7.4) answers 400 or 404 with a message."""

import pytest

from tests.factories import NewsPageFactory, ResearcherPageFactory
from website.api_input import search_words

pytestmark = pytest.mark.django_db

HOSTILE_SEARCHES = {
    "space": " ",
    "tab": "\t",
    "newline": "\n",
    "nul": "\x00",
    "double-quote": '"',
    "line-separator": "\u2028",
}
HUGE = "99999999999999999999999"


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


@pytest.fixture
def pages():
    return NewsPageFactory(title="Sodium cells"), ResearcherPageFactory(title="Ana Souza")


@pytest.mark.parametrize("endpoint", ["pages"])  # there is no images API (docs/security.md)
@pytest.mark.parametrize("text", HOSTILE_SEARCHES.values(), ids=HOSTILE_SEARCHES.keys())
def test_api_search_without_words_is_a_400(client, pages, endpoint, text):
    response = client.get(f"/api/v2/{endpoint}/", {"search": text})
    assert response.status_code == 400
    assert response.json() == {"message": "search must contain at least one letter or digit"}


@pytest.mark.parametrize("text", ['"sodium', "sodium\x00", "sodium\u2028", "(sodium*", "so\tdium"])
def test_api_search_keeps_the_words_of_a_hostile_search(client, pages, text):
    response = client.get("/api/v2/pages/", {"search": text})
    assert response.status_code == 200, response.content
    if "\t" not in text:
        assert [item["title"] for item in response.json()["items"]] == ["Sodium cells"]


def test_api_search_with_a_bad_operator_is_a_400(client, pages):
    response = client.get("/api/v2/pages/", {"search": "sodium", "search_operator": "xor"})
    assert response.status_code == 400
    assert "search_operator" in response.json()["message"]


@pytest.mark.parametrize("endpoint", ["pages"])  # there is no images API (docs/security.md)
@pytest.mark.parametrize("parameter", ["offset", "id", "limit"])
def test_api_numbers_beyond_64_bits_are_a_400(client, pages, endpoint, parameter):
    response = client.get(f"/api/v2/{endpoint}/", {parameter: HUGE})
    assert response.status_code == 400
    assert response.json()["message"].startswith(f"{parameter} cannot be higher than")


@pytest.mark.parametrize("parameter", ["child_of", "descendant_of", "ancestor_of"])
def test_api_page_filters_beyond_64_bits_are_a_400(client, pages, parameter):
    response = client.get("/api/v2/pages/", {parameter: HUGE})
    assert response.status_code == 400


def test_api_offset_past_the_end_is_an_empty_page(client, pages):
    response = client.get("/api/v2/pages/", {"offset": str(2**63 - 1)})
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("value", [HUGE, "abc", "-1"])
def test_api_find_with_a_bad_id(client, pages, value):
    response = client.get("/api/v2/pages/find/", {"id": value})
    assert response.status_code in (400, 404)


@pytest.mark.parametrize(
    "url",
    [
        f"/directory/contact/{HUGE}/",
        f"/api/v2/pages/{HUGE}/",
        f"/api/v2/images/{HUGE}/",
    ],
)
def test_ids_beyond_64_bits_in_paths_are_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("number", [HUGE, str(2**63 - 1)])
def test_similar_of_an_id_beyond_any_row_is_a_json_404(client, number):
    response = client.get(f"/api/directory/researchers/{number}/similar")
    assert response.status_code == 404
    assert response.json() == {"error": f"No published researcher has the id {number}."}


def test_search_words():
    assert search_words('"lithium\x00 (brine*)\u2028') == "lithium brine"
    assert search_words(" \t\n") == ""
    assert search_words("x" * 1000) == "x" * 200


@pytest.mark.parametrize(
    ("url", "parameter"), [("/api/v2/pages/", "locale"), ("/api/v2/pages/find/", "html_path")]
)
def test_api_nul_in_a_text_parameter_is_a_400(client, pages, url, parameter):
    """PostgreSQL text cannot hold NUL: it used to be a 500 there."""
    response = client.get(url, {parameter: "en\x00"})
    assert response.status_code == 400
    assert response.json() == {"message": f"{parameter} cannot contain a NUL character"}


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/mailchimp_changes/inspect/{HUGE}/",
        f"/admin/mailchimp_changes/retry/{HUGE}/",
        f"/admin/newsletter-issues/{HUGE}/send/",
    ],
)
def test_admin_ids_beyond_64_bits_are_404_for_staff_too(admin_client, url):
    assert admin_client.get(url).status_code == 404

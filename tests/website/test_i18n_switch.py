"""The language switch: same page, same search and filters, in the language chosen;
the choice is remembered in the language cookie; `next` never leaves the site."""

from __future__ import annotations

import pytest

from tests.factories import ResearcherPageFactory, directory_index
from tests.website.translations import publish, submit_for_translation, translate_strings
from website.models import HomePage


def switch(client, to, next_url):
    response = client.get("/language/", {"to": to, "next": next_url})
    assert response.status_code == 302
    return response


@pytest.mark.django_db
def test_switching_keeps_the_path_and_the_query_and_sets_the_cookie(client):
    response = switch(client, "es", "/directory/?q=litio&country=CL&page=2")

    assert response["Location"] == "/es/directory/?q=litio&country=CL&page=2"
    cookie = response.cookies["language"]
    assert cookie.value == "es"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("to", "next_url", "landing"),
    [
        ("en", "/es/search/?q=reciclaje", "/search/?q=reciclaje"),
        ("pt-br", "/es/search/?q=reciclaje", "/pt-br/search/?q=reciclaje"),
        ("pt-br", "/newsletter/", "/pt-br/newsletter/"),
        ("es", "/directory/maria-lopez/", "/es/directory/maria-lopez/"),
        ("pt-br", "/es/directory/maria-lopez/", "/pt-br/directory/maria-lopez/"),
        ("en", "/pt-br/directory/maria-lopez/", "/directory/maria-lopez/"),
        ("es", "/", "/es/"),
        ("en", "/es/", "/"),
    ],
)
def test_switching_between_any_two_languages(client, to, next_url, landing):
    ResearcherPageFactory(slug="maria-lopez")
    response = switch(client, to, next_url)
    assert response["Location"] == landing
    assert response.cookies["language"].value == to


@pytest.mark.django_db
def test_a_page_translated_with_its_own_slug_is_reached_by_the_switch(
    admin_client, client, django_capture_on_commit_callbacks
):
    home = HomePage.objects.get()
    publish(submit_for_translation(admin_client, home, "es"), django_capture_on_commit_callbacks)
    translation = submit_for_translation(admin_client, directory_index(), "es")
    translate_strings(
        translation,
        {"directory": "directorio", "Researcher directory": "Directorio de investigadores"},
    )
    publish(translation, django_capture_on_commit_callbacks)

    response = switch(client, "es", "/directory/?q=litio&career_stage=doctoral")
    assert response["Location"] == "/es/directorio/?q=litio&career_stage=doctoral"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<title>Directorio de investigadores ·" in page.content.decode()

    back = switch(client, "en", "/es/directorio/?q=litio")
    assert back["Location"] == "/directory/?q=litio"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "directory/",
        "",
    ],
)
def test_next_must_be_a_path_on_this_site(client, next_url):
    response = switch(client, "es", next_url)
    assert response["Location"] == "/es/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", ["/\r\nSet-Cookie: x=1", "/\x00/", "/%00/", "/directory/\u202e/"]
)
def test_control_characters_in_next_are_no_error(client, next_url):
    response = switch(client, "es", next_url)
    assert "\n" not in response["Location"] and "\r" not in response["Location"]
    assert response["Location"].startswith("/")
    assert "x" not in response.cookies


@pytest.mark.django_db
@pytest.mark.parametrize("to", ["xx", "", "../../etc", "es\x00", "klingon-KL"])
def test_an_unknown_language_means_english(client, to):
    response = switch(client, to, "/es/search/?q=x")
    assert response["Location"] == "/search/?q=x"
    assert response.cookies["language"].value == "en"


@pytest.mark.django_db
def test_a_regional_or_loose_code_finds_its_language(client):
    assert switch(client, "pt", "/search/")["Location"] == "/pt-br/search/"
    assert switch(client, "es-CL", "/search/")["Location"] == "/es/search/"
    assert switch(client, "PT_BR", "/search/")["Location"] == "/pt-br/search/"


@pytest.mark.django_db
def test_the_switch_answers_get_and_head_only(client):
    assert client.post("/language/", {"to": "es", "next": "/"}).status_code == 405
    assert client.head("/language/?to=es&next=/").status_code == 302


@pytest.mark.django_db
def test_following_the_switch_link_of_a_page_lands_on_the_same_results(client):
    import html as htmllib
    import re

    page = client.get("/directory/?q=litio&country=CL").content.decode()
    link = re.search(r'<a href="([^"]+)" lang="es"', page).group(1)
    response = client.get(htmllib.unescape(link))
    assert response["Location"] == "/es/directory/?q=litio&country=CL"
    assert client.get(response["Location"]).status_code == 200

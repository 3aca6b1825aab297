"""The bare root `/` honours the language cookie, then Accept-Language; every other
address shows the language its prefix says. Unknown codes mean English, never an error."""

from __future__ import annotations

import pytest
from django.test import Client


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "landing"),
    [
        ({"HTTP_ACCEPT_LANGUAGE": "es"}, "/es/"),
        ({"HTTP_ACCEPT_LANGUAGE": "es-CL,es;q=0.9,en;q=0.5"}, "/es/"),
        ({"HTTP_ACCEPT_LANGUAGE": "pt-BR,pt;q=0.9,en;q=0.5"}, "/pt-br/"),
        ({"HTTP_ACCEPT_LANGUAGE": "pt-PT"}, "/pt-br/"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr-FR,es;q=0.5"}, "/es/"),
    ],
)
def test_the_bare_root_follows_accept_language(headers, landing):
    response = Client(**headers).get("/")
    assert response.status_code == 302
    assert response["Location"] == landing
    assert {"accept-language", "cookie"} <= vary(response)


@pytest.mark.django_db
def test_the_cookie_wins_over_accept_language():
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.cookies["language"] = "pt-br"
    assert client.get("/")["Location"] == "/pt-br/"

    client.cookies["language"] = "en"
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
    assert {"accept-language", "cookie"} <= vary(response)


@pytest.mark.django_db
def test_english_stays_at_the_root_with_vary():
    response = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,es;q=0.5").get("/")
    assert response.status_code == 200
    assert {"accept-language", "cookie"} <= vary(response)
    assert Client().get("/").status_code == 200  # no header at all: English


@pytest.mark.django_db
def test_the_query_string_survives_the_redirect():
    response = Client(HTTP_ACCEPT_LANGUAGE="es").get("/?utm_source=newsletter")
    assert response["Location"] == "/es/?utm_source=newsletter"


@pytest.mark.django_db
def test_only_the_bare_root_redirects():
    """A shared link shows the language its prefix says, whoever follows it."""
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.cookies["language"] = "es"
    response = client.get("/directory/")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
    assert client.post("/").status_code != 302  # a form posted to `/` is not bounced


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cookie", "header"),
    [
        ("xx", ""),
        ("klingon", "tlh"),
        ("", "!!!;q=abc, *"),
        ("es\\x00", "zz-ZZ;q=1.0, ;q=0.5"),
        ("../../../etc/passwd", "en;q=nonsense"),
        ("x" * 300, "es-" + "a" * 600),
    ],
)
def test_junk_cookie_and_header_mean_english(cookie, header):
    client = Client(HTTP_ACCEPT_LANGUAGE=header)
    client.cookies["language"] = cookie
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "landing"),
    [
        ("/fr/directory/", "/directory/"),
        ("/en/directory/?q=litio", "/directory/?q=litio"),
        ("/pt/directory/", "/pt-br/directory/"),
        ("/pt_BR/search/", "/pt-br/search/"),
        ("/es-MX/directory/", "/es/directory/"),
        ("/ES/", "/es/"),
        ("/de/", "/"),
        ("/fr//evil.example/", "/evil.example/"),
    ],
)
def test_an_unknown_language_prefix_redirects_to_the_nearest_language(client, path, landing):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == landing


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/es/no-such-page/", "/pt-br/nope/", "/no-such-page/", "/api/v2/nope/"]
)
def test_a_missing_page_under_a_known_prefix_is_still_a_404(client, path):
    assert client.get(path).status_code == 404

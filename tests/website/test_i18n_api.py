"""The JSON API's error texts come in the caller's language: `?lang=`, else
Accept-Language; an unknown code means English."""

from __future__ import annotations

import pytest

BLANK_SEARCH = "/api/v2/pages/?search=%20%20"
ENGLISH = "search must contain at least one letter or digit"
SPANISH = "la búsqueda debe contener al menos una letra o un dígito"
PORTUGUESE = "a busca precisa conter pelo menos uma letra ou um dígito"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "headers", "message"),
    [
        ("", {"HTTP_ACCEPT_LANGUAGE": "es"}, SPANISH),
        ("", {"HTTP_ACCEPT_LANGUAGE": "es-AR,es;q=0.9"}, SPANISH),
        ("", {"HTTP_ACCEPT_LANGUAGE": "pt-BR"}, PORTUGUESE),
        ("&lang=pt-br", {"HTTP_ACCEPT_LANGUAGE": "es"}, PORTUGUESE),
        ("&lang=es", {}, SPANISH),
        ("&lang=pt", {}, PORTUGUESE),
        ("", {}, ENGLISH),
        ("&lang=xx", {"HTTP_ACCEPT_LANGUAGE": "es"}, ENGLISH),
        ("&lang=", {}, ENGLISH),
        ("", {"HTTP_ACCEPT_LANGUAGE": "!!;q=zz"}, ENGLISH),
        ("", {"HTTP_ACCEPT_LANGUAGE": "de-DE"}, ENGLISH),
    ],
)
def test_error_texts_follow_the_callers_language(client, extra, headers, message):
    response = client.get(BLANK_SEARCH + extra, **headers)
    assert response.status_code == 400
    assert response.json() == {"message": message}


@pytest.mark.django_db
def test_wagtails_own_messages_are_translated_too(client):
    response = client.get("/api/v2/pages/?colour=blue&lang=es")
    assert response.status_code == 400
    assert response.json() == {
        "message": "el parámetro de consulta no es una operación ni un campo reconocido: colour"
    }
    missing = client.get("/api/v2/pages/999999/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert missing.status_code == 404
    assert missing.json() == {"message": "não encontrado"}


@pytest.mark.django_db
def test_lang_is_accepted_on_every_listing(client):
    assert client.get("/api/v2/pages/?lang=es").status_code == 200
    assert client.get("/api/v2/pages/?lang=klingon").status_code == 200


def test_an_unknown_wagtail_message_is_passed_on_as_it_is():
    from website.api_messages import translated_message

    assert translated_message("something Wagtail adds one day") == "something Wagtail adds one day"

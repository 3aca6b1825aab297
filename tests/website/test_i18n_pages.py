"""Every public page in each language: `<html lang>`, hreflang alternates, the language
switch, the interface strings, and dates in the visitor's format."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from tests.factories import NewsPageFactory, ResearcherPageFactory
from website.signin import locked_out

LANGUAGES = [("", "en"), ("/es", "es"), ("/pt-br", "pt-BR")]
PAGES = [
    "/",
    "/directory/",
    "/directory/maria-lopez/",
    "/news/",
    "/search/?q=litio",
    "/newsletter/",
    "/directory/topics/",
]
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
SWITCH_LINK = re.compile(
    r'<a href="(/language/[^"]+)" lang="([^"]+)" hreflang="([^"]+)"'
    r'( aria-current="true")?>([^<]+)</a>'
)


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "tag"), LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_public_pages_carry_lang_and_hreflang_alternates(client, prefix, tag, path):
    ResearcherPageFactory(slug="maria-lopez")
    html = html_of(client.get(prefix + path))

    assert f'<html lang="{tag}"' in html
    bare = path.split("?")[0]
    assert dict(ALTERNATE.findall(html)) == {
        "en": f"http://testserver{bare}",
        "es": f"http://testserver/es{bare}",
        "pt-BR": f"http://testserver/pt-br{bare}",
        "x-default": f"http://testserver{bare}",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "label", "current"),
    [
        ("", "Language", "English"),
        ("/es", "Idioma", "Español"),
        ("/pt-br", "Idioma", "Português (Brasil)"),
    ],
)
def test_the_switch_is_an_accessible_nav_on_every_page(client, prefix, label, current):
    html = html_of(client.get(f"{prefix}/directory/?q=litio&country=CL"))

    assert f'<nav class="language-switch" aria-label="{label}">' in html
    links = SWITCH_LINK.findall(html)
    assert [(lang, hreflang, name) for _url, lang, hreflang, _current, name in links] == [
        ("en", "en", "English"),
        ("es", "es", "Español"),
        ("pt-BR", "pt-BR", "Português (Brasil)"),
    ]
    assert [name for _url, _lang, _tag, marked, name in links if marked] == [current]
    next_here = (
        f"next=%2F{prefix[1:]}{'%2F' if prefix else ''}directory%2F%3Fq%3Dlitio%26country%3DCL"
    )
    assert all(next_here in url for url, *_rest in links)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", ["Directory", "News", "Skip to main content", "Find a collaborator"]),
        ("/es", ["Directorio", "Noticias", "Saltar al contenido principal", "Encuentra"]),
        ("/pt-br", ["Diretório", "Notícias", "Pular para o conteúdo principal", "Encontre"]),
    ],
)
def test_the_interface_is_in_the_visitors_language(client, prefix, words):
    html = html_of(client.get(f"{prefix}/"))
    for word in words:
        assert word in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "shown"),
    [("", "15 June 2026"), ("/es", "15 de junio de 2026"), ("/pt-br", "15 de junho de 2026")],
)
def test_dates_follow_the_visitors_locale(client, prefix, shown):
    NewsPageFactory(title="Brine chemistry", date=datetime.date(2026, 6, 15))
    html = html_of(client.get(f"{prefix}/"))
    assert f'<time datetime="2026-06-15">{shown}</time>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "tag", "title"),
    [
        ("", "en", "Page not found"),
        ("/es", "es", "Página no encontrada"),
        ("/pt-br", "pt-BR", "Página não encontrada"),
    ],
)
def test_the_404_page_is_in_the_visitors_language(client, prefix, tag, title):
    response = client.get(f"{prefix}/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{tag}"' in html
    assert title in html
    assert f'href="{prefix}/directory/"' in html
    assert not ALTERNATE.findall(html)


@pytest.mark.parametrize(
    ("language", "tag", "text"),
    [
        ("en", "en", "Something went wrong"),
        ("es", "es", "Algo salió mal"),
        ("pt-br", "pt-BR", "Algo deu errado"),
    ],
)
def test_the_500_page_is_in_the_visitors_language(language, tag, text):
    with translation.override(language):
        html = render_to_string("500.html")
    assert f'<html lang="{tag}">' in html
    assert text in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "tag", "heading", "directory"),
    [
        ("en", "en", "Sign-in paused", "/directory/"),
        ("es", "es", "Inicio de sesión en pausa", "/es/directory/"),
        ("pt-br", "pt-BR", "Login temporariamente suspenso", "/pt-br/directory/"),
    ],
)
def test_the_locked_out_page_is_in_the_active_language(language, tag, heading, directory):
    request = RequestFactory().post("/admin/login/")
    request.user = AnonymousUser()
    with translation.override(language):
        html = locked_out(request).content.decode()
    assert f'<html lang="{tag}"' in html
    assert heading in html
    assert f'href="{directory}"' in html

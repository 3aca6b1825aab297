"""Site search and "Researchers you could work with" in Spanish and Portuguese, and
which taxonomy edits re-index anyone."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from directory.models import Language, Topic
from search.engines.database import DatabaseEngine
from search.labels import localized_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(world):
    DatabaseEngine().rebuild()
    return world


def test_site_search_in_spanish(client, indexed):
    html = client.get("/es/search/", {"q": "reciclaje"}).content.decode()
    assert "<h1>Buscar</h1>" in html
    assert "En el directorio de investigadores" in html
    # Researchers are found by the topic's Spanish name, linked in Spanish.
    for key in ("ana", "emily"):
        assert f'href="/es{indexed.r[key].url}"' in html
    assert 'href="/es/directory/?q=reciclaje"' in html
    assert "Los 2 investigadores que coinciden" in html


def test_site_search_in_portuguese_says_why_nothing_was_searched(client, indexed):
    html = client.get("/pt-br/search/", {"q": "de la"}).content.decode()
    assert "Não há o que buscar em “de la”" in html
    assert "São todas palavras muito comuns." in html


def test_similar_researchers_in_the_visitors_language(client, indexed):
    maria = indexed.r["maria"]
    html = client.get(f"/es{maria.url}").content.decode()
    section = html[html.index('id="similar-heading"') :]
    assert "Investigadores con quienes podrías colaborar" in section
    assert "También trabaja en" in section
    assert "<li>Extracción directa de litio</li>" in section
    assert f'href="/es{indexed.r["jose"].url}"' in section
    assert "Direct lithium extraction" not in section


@pytest.mark.parametrize(
    ("url", "language", "expected"),
    [
        ("/directory/ana/", "en", "/directory/ana/"),
        ("/directory/ana/", "es", "/es/directory/ana/"),
        ("/directory/ana/", "pt-br", "/pt-br/directory/ana/"),
        ("/es/directory/ana/", "pt-br", "/es/directory/ana/"),  # already in a language
        ("https://elsewhere.example/x/", "es", "https://elsewhere.example/x/"),
        ("", "es", ""),
    ],
)
def test_localized_url(url, language, expected):
    assert localized_url(url, language) == expected
    with translation.override(language):
        assert localized_url(url) == expected


def reindex_tasks(default_task_backend) -> list:
    return [r for r in default_task_backend.results if r.task.name == "reindex_taxonomy_task"]


@pytest.fixture
def queued(settings):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend


def test_only_searched_fields_of_a_taxonomy_reindex(
    world, queued, django_capture_on_commit_callbacks
):
    topic = Topic.objects.get(slug="second-life")
    with django_capture_on_commit_callbacks(execute=True):
        topic.sort_order += 1
        topic.description = "Batteries after their first use."
        topic.save()
    assert reindex_tasks(queued) == []

    with django_capture_on_commit_callbacks(execute=True):
        topic.synonyms += "\nrepurposing"
        topic.save()
        Language.objects.filter(code="cy").update(native_name="Cymraeg")  # no signal
        welsh = Language.objects.get(code="cy")
        welsh.name_pt = "Galês (cymraeg)"
        welsh.save()
    assert [r.args for r in reindex_tasks(queued)] == [[[topic.pk], []], [[], ["cy"]]]


def test_the_reindex_task_enqueues_its_researchers_in_batches(world, queued, monkeypatch):
    from search import tasks

    monkeypatch.setattr(tasks, "REINDEX_CHUNK", 2)
    topic = Topic.objects.get(slug="direct-lithium-extraction")
    assert tasks.reindex_taxonomy_task.call([topic.pk], []) == 3
    batches = [r.args[0] for r in queued.results if r.task.name == "index_researchers_task"]
    assert batches == [
        sorted(world.ids("jose", "tom", "maria"))[:2],
        sorted(world.ids("jose", "tom", "maria"))[2:],
    ]
    # A parent topic reaches the researchers of its sub-topics.
    parent = Topic.objects.get(slug="circular-economy")
    assert set(tasks.researchers_showing([parent.pk], [])) == world.ids(
        "ana", "emily", "halvorsen_name", "halvorsen_institution", "halvorsen_bio"
    )


def test_html_has_no_inline_script(client, indexed):
    for url in ("/es/directory/", "/pt-br/search/?q=litio"):
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", html), url


def test_site_search_shows_each_page_once_in_the_visitors_language(client):
    from tests.factories import NewsPageFactory
    from tests.newsletter.issue_support import translate

    translated = NewsPageFactory(title="Brine pilot plant opens", summary="Brine news.")
    translate(translated, "es", title="Abre la planta piloto de salmuera brine")
    NewsPageFactory(title="Brine conference report", summary="Only in English.")

    def titles(path: str) -> list[str]:
        html = client.get(path, {"q": "brine"}).content.decode()
        found = re.findall(r"<h3><a [^>]*>(.*?)</a></h3>", html)
        return sorted(re.sub(r"<[^>]+>", "", title) for title in found)

    english = titles("/search/")
    assert "Brine pilot plant opens" in english and "Brine conference report" in english
    assert not any("salmuera" in title for title in english)
    spanish = titles("/es/search/")
    # The translation instead of its original; the untranslated page in English, once.
    assert "Abre la planta piloto de salmuera brine" in spanish
    assert "Brine pilot plant opens" not in spanish
    assert spanish.count("Brine conference report") == 1
    portuguese = titles("/pt-br/search/")
    assert "Brine pilot plant opens" in portuguese
    assert not any("salmuera" in title for title in portuguese)

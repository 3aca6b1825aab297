"""The JSON APIs in three languages: `lang`, Accept-Language, and what never changes.

Labels, error texts and links follow the language; values, slugs and codes do not,
so an integration's parameters and the keys it reads are the same in every
language. An unknown language is English, never an error.
"""

from __future__ import annotations

import pytest

from directory.models.taxonomy import VocabularyLabel
from search.engines.database import DatabaseEngine

pytestmark = pytest.mark.django_db

SEARCH = "/api/directory/search"
AUTOCOMPLETE = "/api/directory/autocomplete"
RECYCLING = "recycling-and-circular-supply-chains"


@pytest.fixture
def indexed(world):
    DatabaseEngine().rebuild()
    return world


def labels(data: dict, facet: str) -> dict[str, str]:
    return {value["value"]: value["label"] for value in data["facets"][facet]}


def get(client, url: str, params=None, status: int = 200, **headers):
    response = client.get(url, params or {}, **headers)
    assert response.status_code == status, response.content
    return response


@pytest.mark.parametrize(
    ("lang", "topic", "country", "spoken"),
    [
        ("en", "Recycling and circular supply chains", "Brazil", "Portuguese"),
        ("es", "Reciclaje y cadenas de suministro circulares", "Brasil", "Portugués"),
        ("pt-br", "Reciclagem e cadeias de suprimentos circulares", "Brasil", "Português"),
        ("pt", "Reciclagem e cadeias de suprimentos circulares", "Brasil", "Português"),
        ("es-CL", "Reciclaje y cadenas de suministro circulares", "Brasil", "Portugués"),
    ],
)
def test_lang_chooses_the_labels(client, indexed, lang, topic, country, spoken):
    response = get(client, SEARCH, {"q": "Souza", "lang": lang})
    data = response.json()
    assert labels(data, "topic")[RECYCLING] == topic
    assert labels(data, "country")["BR"] == country
    assert labels(data, "language")["pt"] == spoken
    (hit,) = data["results"]
    assert hit["topics"] == [RECYCLING] and hit["topic_labels"] == [topic]
    assert hit["country"] == "BR" and hit["country_label"] == country
    assert data["lang"] == response["Content-Language"]


def test_values_and_keys_are_the_same_in_every_language(client, indexed):
    answers = [
        get(client, SEARCH, {"q": "litio", "lang": lang, "page_size": "100"}).json()
        for lang in ("en", "es", "pt-br")
    ]
    for data in answers:
        data.pop("lang")
        # Values with equal counts are listed by label, which differs by language.
        data["facets"] = {
            name: sorted((v["value"], v["count"], v["selected"]) for v in values)
            for name, values in data["facets"].items()
        }
        for hit in data["results"]:
            hit.pop("topic_labels"), hit.pop("country_label"), hit.pop("url")
    assert answers[0] == answers[1] == answers[2]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-CL,es;q=0.9,en;q=0.8", "es"),
        ("pt-BR,pt;q=0.9", "pt-br"),
        ("pt-PT", "pt-br"),
        ("fr-FR,fr;q=0.9,pt;q=0.5", "pt-br"),  # French is not offered: the next one
        ("de", "en"),
        ("", "en"),
        ("*", "en"),
        ("garbage;;;q=x, \x00", "en"),
        ("es;q=0.1, en;q=0.9", "en"),
    ],
)
def test_accept_language_is_honoured(client, indexed, header, expected):
    response = get(client, SEARCH, {"q": "Souza"}, HTTP_ACCEPT_LANGUAGE=header)
    assert response["Content-Language"] == expected
    assert response.json()["lang"] == expected
    assert "Accept-Language" in response["Vary"]


def test_lang_wins_over_the_header(client, indexed):
    response = get(client, SEARCH, {"q": "Souza", "lang": "es"}, HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert response.json()["lang"] == "es"


@pytest.mark.parametrize("lang", ["xx", "fr", "'; DROP TABLE x; --", "e" * 500, "\x00"])
def test_an_unknown_lang_is_english_not_an_error(client, indexed, lang):
    response = get(client, SEARCH, {"q": "Souza", "lang": lang}, HTTP_ACCEPT_LANGUAGE="es")
    data = response.json()
    assert data["lang"] == "en"
    assert labels(data, "topic")[RECYCLING] == "Recycling and circular supply chains"


@pytest.mark.parametrize(
    ("lang", "error"),
    [
        ("en", "page: must be a whole number of at least 1."),
        ("es", "page: debe ser un número entero igual o mayor que 1."),
        ("pt-br", "page: deve ser um número inteiro igual ou maior que 1."),
    ],
)
def test_error_texts_follow_the_language_and_name_the_parameter(client, indexed, lang, error):
    data = get(client, SEARCH, {"page": "0", "lang": lang}, status=400).json()
    assert data == {"error": error, "parameter": "page"}


def test_every_error_text_is_translated(client, indexed):
    for params in (
        {"topic": "Not a slug!"},
        {"institution": "' OR 1=1"},
        {"country": "ZZ"},
        {"language": "english"},
        {"career_stage": "wizard"},
        {"open_to": "anything"},
        {"page_size": "0"},
        {"sort": "random"},
        {"page": "600"},
    ):
        english = get(client, SEARCH, {**params, "lang": "en"}, status=400).json()
        spanish = get(client, SEARCH, {**params, "lang": "es"}, status=400).json()
        assert english["parameter"] == spanish["parameter"]
        assert english["error"] != spanish["error"], params


def test_autocomplete_suggests_topics_in_the_requested_language(client, indexed):
    data = get(client, AUTOCOMPLETE, {"q": "recyc", "lang": "es"}).json()
    topics = [s for s in data["suggestions"] if s["kind"] == "topic"]
    assert topics == [
        {
            "label": "Reciclaje y cadenas de suministro circulares",
            "url": f"/es/directory/topics/{RECYCLING}/",
            "kind": "topic",
        }
    ]
    # Matching names in any language; labels in the header's language.
    data = get(client, AUTOCOMPLETE, {"q": "reciclaje"}, HTTP_ACCEPT_LANGUAGE="pt-BR").json()
    assert [s["label"] for s in data["suggestions"] if s["kind"] == "topic"] == [
        "Reciclagem e cadeias de suprimentos circulares"
    ]


def test_autocomplete_links_keep_the_language(client, indexed):
    data = get(client, AUTOCOMPLETE, {"q": "jos", "lang": "pt-br"}).json()
    assert data["suggestions"] == [
        {"label": "José Pérez", "url": f"/pt-br{indexed.r['jose'].url}", "kind": "researcher"}
    ]
    english = get(client, AUTOCOMPLETE, {"q": "jos"}).json()
    assert english["suggestions"][0]["url"] == indexed.r["jose"].url


def test_similar_in_another_language(client, indexed):
    tom = indexed.r["tom"]
    url = f"/api/directory/researchers/{tom.pk}/similar"
    results = get(client, url, {"lang": "es"}).json()["results"]
    maria = next(hit for hit in results if hit["name"] == "María González")
    labelled = dict(zip(maria["topics"], maria["topic_labels"], strict=True))
    assert labelled["direct-lithium-extraction"] == "Extracción directa de litio"
    assert maria["country_label"] == "Argentina"
    missing = get(client, "/api/directory/researchers/999999/similar", {"lang": "es"}, status=404)
    assert missing.json() == {"error": "No hay ningún investigador publicado con el id 999999."}


def test_an_editors_label_is_what_the_api_says(client, indexed, fresh_labels):
    VocabularyLabel.objects.create(
        vocabulary="open_to", value="collaboration", name_en="Joint projects", name_pt="Parcerias"
    )
    english = get(client, SEARCH, {"lang": "en"}).json()
    portuguese = get(client, SEARCH, {"lang": "pt-br"}).json()
    assert labels(english, "open_to")["collaboration"] == "Joint projects"
    assert labels(portuguese, "open_to")["collaboration"] == "Parcerias"

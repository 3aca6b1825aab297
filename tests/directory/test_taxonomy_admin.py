"""Editors name the taxonomies in three languages in the admin (issue 9, point 6).

Topics and spoken languages have English, Spanish and Portuguese names (topics
also synonyms), shown in their listings and edited in their forms; the fixed
vocabularies (career stages, "open to", institution kinds, facility access,
countries) are reworded through "Vocabulary labels", which take effect at once
on every page, facet and API answer.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from directory.labels import choice_label, reset_overrides
from directory.models import Language, Topic
from directory.models.taxonomy import VocabularyLabel
from search.engines.database import DatabaseEngine
from search.types import SearchQuery
from tests.factories import ResearcherPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_labels():
    """Labels saved here are rolled back with the test: forget them after it, and
    start the next test in English."""
    reset_overrides()
    yield
    reset_overrides()
    translation.deactivate()  # a request under /es/ leaves Spanish active


def url(model: str, action: str, *args) -> str:
    return reverse(f"wagtailsnippets_directory_{model}:{action}", args=args)


def topic_form(topic: Topic, **changes) -> dict:
    data = {
        "name": topic.name,
        "name_es": topic.name_es,
        "name_pt": topic.name_pt,
        "synonyms": topic.synonyms,
        "slug": topic.slug,
        "parent": topic.parent_id or "",
        "description": topic.description,
        "sort_order": topic.sort_order,
    }
    return {**data, **changes}


def test_the_topic_listing_shows_the_three_names(admin_client):
    html = admin_client.get(url("topic", "list")).content.decode()
    assert "Reciclaje y cadenas de suministro circulares" in html
    assert "Reciclagem e cadeias de suprimentos circulares" in html


def test_the_topic_listing_finds_a_topic_by_any_name_or_synonym(admin_client):
    for query in ("reciclagem", "masa negra"):
        html = admin_client.get(url("topic", "list"), {"q": query}).content.decode()
        assert "Recycling and circular supply chains" in html, query


def test_editors_edit_a_topics_names_and_synonyms(admin_client):
    topic = Topic.objects.get(slug="second-life")
    page = ResearcherPageFactory(title="Rosa Quispe", topics=[topic])
    DatabaseEngine().rebuild()
    form = admin_client.get(url("topic", "edit", topic.pk)).content.decode()
    for field in ("name_es", "name_pt", "synonyms"):
        assert f'name="{field}"' in form

    response = admin_client.post(
        url("topic", "edit", topic.pk),
        topic_form(
            topic,
            name_es="Baterías de segunda vida",
            name_pt="Baterias de segunda vida",
            synonyms="second use\nalmacenamiento estacionario",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    topic.refresh_from_db()
    assert (topic.slug, topic.name_es) == ("second-life", "Baterías de segunda vida")
    with translation.override("pt-br"):
        assert topic.label == "Baterias de segunda vida"
    # Saving re-indexed everyone tagged with it: the new synonym finds them.
    found = DatabaseEngine().search(SearchQuery(text="estacionario"))
    assert [hit.id for hit in found.hits] == [page.pk]


def test_editors_edit_a_languages_names(admin_client):
    html = admin_client.get(url("language", "list")).content.decode()
    assert "Inglés" in html and "Inglês" in html
    welsh = Language.objects.get(code="cy")
    response = admin_client.post(
        url("language", "edit", welsh.pk),
        {
            "code": "cy",
            "name": "Welsh",
            "name_es": "Galés (cymraeg)",
            "name_pt": "Galês",
            "native_name": "Cymraeg",
        },
    )
    assert response.status_code == 302
    with translation.override("es"):
        assert Language.objects.get(code="cy").label == "Galés (cymraeg)"


def test_an_editors_vocabulary_label_takes_effect_everywhere(admin_client, client):
    with translation.override("es"):
        catalogue = choice_label("career_stage", "doctoral")
    form = admin_client.get(url("vocabularylabel", "add")).content.decode()
    assert 'value="career_stage:doctoral"' in form and 'value="country:BR"' in form

    response = admin_client.post(
        url("vocabularylabel", "add"),
        {
            "term": "career_stage:doctoral",
            "name_en": "",
            "name_es": "Doctorando/a",
            "name_pt": "Doutorando(a)",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    label = VocabularyLabel.objects.get()
    assert (label.vocabulary, label.value) == ("career_stage", "doctoral")
    assert choice_label("career_stage", "doctoral", "es") == "Doctorando/a"
    assert choice_label("career_stage", "doctoral", "pt-br") == "Doutorando(a)"
    assert choice_label("career_stage", "doctoral", "en") == "Doctoral researcher"

    # On the directory page and in the API, in the visitor's language.
    ResearcherPageFactory(title="Rosa Quispe", career_stage="doctoral")
    DatabaseEngine().rebuild()
    assert "Doctorando/a" in client.get("/es/directory/").content.decode()
    api = client.get("/api/directory/search", {"lang": "pt-br"}).json()
    stages = {v["value"]: v["label"] for v in api["facets"]["career_stage"]}
    assert stages["doctoral"] == "Doutorando(a)"

    # The listing shows the term, the catalogue's label and the editor's.
    listing = admin_client.get(url("vocabularylabel", "list")).content.decode()
    assert "Doctorando/a" in listing and "Doctoral researcher" in listing

    # Deleting the row brings the catalogue's label back.
    response = admin_client.post(url("vocabularylabel", "delete", label.pk))
    assert response.status_code == 302
    assert choice_label("career_stage", "doctoral", "es") == catalogue


def test_editing_a_label_keeps_its_term_and_changes_the_words(admin_client):
    label = VocabularyLabel.objects.create(vocabulary="country", value="GB", name_es="Reino Unido")
    assert choice_label("country", "GB", "es") == "Reino Unido"
    form = admin_client.get(url("vocabularylabel", "edit", label.pk)).content.decode()
    assert 'value="country:GB" selected' in form
    response = admin_client.post(
        url("vocabularylabel", "edit", label.pk),
        {"term": "country:GB", "name_en": "", "name_es": "Gran Bretaña", "name_pt": ""},
    )
    assert response.status_code == 302
    assert choice_label("country", "GB", "es") == "Gran Bretaña"
    assert choice_label("country", "GB", "pt-br") == "Reino Unido"  # django-countries


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"term": "open_to:mentoring", "name_en": "", "name_es": "", "name_pt": ""},
            "Give the label in at least one language.",
        ),
        (
            {"term": "open_to:nonsense", "name_en": "X", "name_es": "", "name_pt": ""},
            "Select a valid choice.",
        ),
        (
            {"term": "open_to:industry", "name_en": "Industry", "name_es": "", "name_pt": ""},
            "This term has its own labels already: edit those instead.",
        ),
    ],
)
def test_bad_labels_are_refused_with_a_clear_error(admin_client, data, message):
    VocabularyLabel.objects.create(vocabulary="open_to", value="industry", name_es="Industria")
    response = admin_client.post(url("vocabularylabel", "add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert VocabularyLabel.objects.count() == 1


def test_the_same_value_in_two_vocabularies_is_two_terms(admin_client):
    """ "industry" is a career stage and an "open to" flag: each has its own label."""
    for term, name in (
        ("career_stage:industry", "Industria (etapa)"),
        ("open_to:industry", "Industria"),
    ):
        response = admin_client.post(
            url("vocabularylabel", "add"),
            {"term": term, "name_en": "", "name_es": name, "name_pt": ""},
        )
        assert response.status_code == 302
    assert choice_label("career_stage", "industry", "es") == "Industria (etapa)"
    assert choice_label("open_to", "industry", "es") == "Industria"


def test_the_admin_speaks_the_editors_language(admin_client, admin_user):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "es"
    profile.save()
    html = admin_client.get(url("vocabularylabel", "add")).content.decode()
    assert "Término" in html and "Etapa de la carrera" in html

"""Pages editors translate (wagtail-localize), and pages not yet translated: served in
their original language with a note in the visitor's, never a 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Locale

from tests.factories import ResearcherPageFactory, TopicFactory, directory_index
from tests.website.translations import publish, submit_for_translation, translate_strings
from website.models import HomePage

SPANISH_NOTE = "Esta página todavía no está traducida al español"
PORTUGUESE_NOTE = "Esta página ainda não foi traduzida para o português"
ENGLISH_NOTE = "This page has not been translated into your language yet"


@pytest.fixture
def spanish_home(admin_client, django_capture_on_commit_callbacks):
    """The home page translated into Spanish through the admin's translation workflow."""
    home = HomePage.objects.get()
    translation_ = submit_for_translation(admin_client, home, "es")
    translate_strings(
        translation_,
        {
            home.title: "Red de investigación en baterías Reino Unido–América Latina",
            # The intro's rich text is one segment per paragraph.
            **{
                segment: "Encuentra a quienes investigan el litio y el reciclaje."
                for segment in _intro_segments(translation_)
            },
        },
    )
    return publish(translation_, django_capture_on_commit_callbacks)


def _intro_segments(translation_):
    from wagtail_localize.models import StringSegment

    return [
        segment.string.data
        for segment in StringSegment.objects.filter(
            source=translation_.source, context__path__startswith="intro"
        ).select_related("string")
    ]


@pytest.mark.django_db
def test_the_admin_offers_the_translation_workflow_for_the_home_page(admin_client):
    home = HomePage.objects.get()
    form = admin_client.get(f"/admin/localize/submit/page/{home.pk}/")
    assert form.status_code == 200
    assert "Español" in form.content.decode() or "Spanish" in form.content.decode()

    submit_for_translation(admin_client, home, "es")
    draft = home.get_translation(Locale.objects.get(language_code="es"))
    assert not draft.live
    edit = admin_client.get(f"/admin/pages/{draft.pk}/edit/")
    assert edit.status_code == 200  # wagtail-localize's translation editor


@pytest.mark.django_db
def test_the_translated_home_is_served_at_es(client, spanish_home):
    assert spanish_home.live
    html = client.get("/es/").content.decode()
    assert '<html lang="es"' in html
    assert "Red de investigación en baterías Reino Unido–América Latina" in html
    assert '<div lang="es">' in html
    assert "Encuentra a quienes investigan el litio" in html
    assert SPANISH_NOTE not in html
    assert 'hreflang="es" href="http://testserver/es/"' in html

    english = client.get("/").content.decode()
    assert "Red de investigación" not in english
    assert ENGLISH_NOTE not in english


@pytest.mark.django_db
def test_a_draft_translation_is_not_served(admin_client, client):
    submit_for_translation(admin_client, HomePage.objects.get(), "es")  # a draft
    html = client.get("/es/").content.decode()
    assert '<html lang="es"' in html
    assert SPANISH_NOTE in html
    assert '<div lang="en">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("with_spanish_home", [False, True])
def test_an_untranslated_page_is_served_with_a_note(request, client, with_spanish_home):
    if with_spanish_home:
        request.getfixturevalue("spanish_home")
    response = client.get("/es/directory/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es"' in html
    assert f'<p class="untranslated-note" role="note">{SPANISH_NOTE}' in html

    portuguese = client.get("/pt-br/directory/").content.decode()
    assert PORTUGUESE_NOTE in portuguese
    assert ENGLISH_NOTE not in client.get("/directory/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("with_spanish_home", [False, True])
def test_a_profile_is_served_in_every_language_without_a_note(request, client, with_spanish_home):
    if with_spanish_home:
        request.getfixturevalue("spanish_home")
    ResearcherPageFactory(slug="maria-lopez", title="María López")
    for prefix, tag in (("/es", "es"), ("/pt-br", "pt-BR")):
        response = client.get(f"{prefix}/directory/maria-lopez/")
        html = response.content.decode()
        assert response.status_code == 200
        assert f'<html lang="{tag}"' in html
        assert "María López" in html
        assert 'class="untranslated-note"' not in html
    assert client.get("/es/directory/nobody-here/").status_code == 404


@pytest.mark.django_db
def test_links_inside_a_spanish_page_stay_spanish(client, spanish_home):
    topic = TopicFactory(slug="brines", name="Brines")
    ResearcherPageFactory(slug="maria-lopez", topics=[topic])

    html = client.get("/es/directory/topics/brines/").content.decode()
    assert 'href="/es/directory/maria-lopez/"' in html
    assert 'href="/directory/maria-lopez/"' not in html
    home = client.get("/es/").content.decode()
    assert '<a class="brand" href="/es/"' in home
    assert 'action="/es/directory/"' in home  # the directory page, linked with {% pageurl %}


@pytest.mark.django_db
def test_a_translation_is_served_even_by_the_original_slug(
    admin_client, client, spanish_home, django_capture_on_commit_callbacks
):
    ResearcherPageFactory(slug="maria-lopez")
    translation_ = submit_for_translation(admin_client, directory_index(), "es")
    translate_strings(
        translation_,
        {"directory": "directorio", "Researcher directory": "Directorio de investigadores"},
    )
    publish(translation_, django_capture_on_commit_callbacks)

    for path in ("/es/directorio/", "/es/directory/"):
        html = client.get(path).content.decode()
        assert "<title>Directorio de investigadores ·" in html
        assert 'class="untranslated-note"' not in html
    # A profile is reached below either slug.
    assert client.get("/es/directorio/maria-lopez/").status_code == 200
    assert client.get("/es/directory/maria-lopez/").status_code == 200


@pytest.mark.django_db
def test_page_urls_in_another_language_cost_no_query(spanish_home):
    profiles = [ResearcherPageFactory(slug=f"person-{n}") for n in range(5)]
    request = RequestFactory().get("/es/directory/")
    with translation.override("es"):
        profiles[0].get_url(request)  # the site root paths, once per request
        with CaptureQueriesContext(connection) as queries:
            urls = [profile.get_url(request) for profile in profiles]
    assert len(queries) == 0
    assert urls == [f"/es/directory/person-{n}/" for n in range(5)]


@pytest.mark.django_db
def test_a_spanish_page_renders_with_a_fixed_number_of_queries(client, spanish_home):
    ResearcherPageFactory.create_batch(2)
    client.get("/es/directory/maria/")  # warm caches (site root paths)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/es/directory/").status_code == 200
    ResearcherPageFactory.create_batch(4)
    with CaptureQueriesContext(connection) as more:
        assert client.get("/es/directory/").status_code == 200
    assert len(more) == len(few)


@pytest.mark.django_db
def test_an_alias_made_for_a_translated_child_still_carries_the_note(admin_client, client):
    """Translating the directory before the home page makes a Spanish alias of the
    English home: live, but in English, so the note shows."""
    submit_for_translation(admin_client, directory_index(), "es")
    spanish_home = HomePage.objects.get(locale__language_code="es")
    assert spanish_home.alias_of_id == HomePage.objects.get(locale__language_code="en").pk

    html = client.get("/es/").content.decode()
    assert SPANISH_NOTE in html
    assert '<div lang="en">' in html

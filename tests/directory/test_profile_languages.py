"""One profile per person, read in the visitor's language (issue 9, point 5).

The biography in the visitor's language when there is one, else the original, each
with its `lang`; every label the site supplies (topics, languages, career stage,
"open to" chips, headings) and the JSON-LD in the visitor's language.
"""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from directory.languages import language_from_profile, parse_interface_language
from directory.models import Language, ResearcherPage, Topic
from tests.factories import InstitutionFactory, ResearcherPageFactory

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> dict:
    scripts = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def biography(html: str) -> tuple[str, str]:
    """(lang attribute, text) of the profile's biography."""
    match = re.search(r'<div class="biography" lang="([^"]+)">(.*?)</div>', html, re.S)
    assert match, "no biography"
    return match.group(1), re.sub(r"<[^>]+>", "", match.group(2)).strip()


@pytest.fixture
def translated_taxonomy():
    Topic.objects.filter(slug="direct-lithium-extraction").update(
        name_es="Extracción directa de litio", name_pt="Extração direta de lítio"
    )
    Language.objects.filter(code="es").update(name_es="Español", name_pt="Espanhol")
    Language.objects.filter(code="qu").update(name_es="Quechua", name_pt="Quíchua")


@pytest.fixture
def ines(translated_taxonomy):
    return ResearcherPageFactory(
        given_name="Inés",
        family_name="Mamani",
        title="",
        slug="ines-mamani",
        institution=InstitutionFactory(name="Universidad Ficticia de Potosí", country="BO"),
        career_stage="senior",
        open_to_collaboration=True,
        topics=[Topic.objects.get(slug="direct-lithium-extraction")],
        languages=[Language.objects.get(code="es"), Language.objects.get(code="qu")],
        biography="<p>Works on lithium brines.</p>",
        bio_language="en",
        bio_es="<p>Trabaja con salmueras de litio.</p>",
    )


EXPECTED = {
    "": {
        "bio": ("en", "Works on lithium brines."),
        "note": None,
        "texts": [
            '<h2 id="bio-heading">Biography</h2>',
            "Senior researcher",
            "<li>Open to collaboration</li>",
            ">Direct lithium extraction</a>",
            "<p>Quechua, Spanish</p>",  # alphabetical in the reader's language
            "Contact Inés",
        ],
        "country": "Bolivia",
        "in_language": "en",
        "topic": "Direct lithium extraction",
        "languages": {"Spanish", "Quechua"},
    },
    "/es": {
        "bio": ("es", "Trabaja con salmueras de litio."),
        "note": None,
        "texts": [
            '<h2 id="bio-heading">Biografía</h2>',
            "Investigador/a sénior",
            "<li>Disponible para colaborar</li>",
            ">Extracción directa de litio</a>",
            "<p>Español, Quechua</p>",
            "Contactar a Inés",
        ],
        "country": "Bolivia",
        "in_language": "es",
        "topic": "Extracción directa de litio",
        "languages": {"Español", "Quechua"},
    },
    "/pt-br": {
        # No Portuguese version: the original, marked as English, with a note.
        "bio": ("en", "Works on lithium brines."),
        "note": "Esta biografia está em inglês.",
        "texts": [
            '<h2 id="bio-heading">Biografia</h2>',
            "Pesquisador(a) sênior",
            "<li>Disponível para colaborações</li>",
            ">Extração direta de lítio</a>",
            "<p>Espanhol, Quíchua</p>",
            "Entrar em contato com Inés",
        ],
        "country": "Bolívia",
        "in_language": "pt-BR",
        "topic": "Extração direta de lítio",
        "languages": {"Espanhol", "Quíchua"},
    },
}


@pytest.mark.parametrize("prefix", list(EXPECTED))
def test_the_profile_speaks_the_visitors_language(client, ines, prefix):
    expected = EXPECTED[prefix]
    response = client.get(f"{prefix}/directory/ines-mamani/")
    assert response.status_code == 200
    html = response.content.decode()

    assert biography(html) == expected["bio"]
    notes = re.findall(r'<p class="small meta">(.*?)</p>', html)
    assert notes == ([expected["note"]] if expected["note"] else [])
    for text in expected["texts"]:
        assert text in html, text
    assert expected["country"] in html

    data = json_ld(html)
    assert data["name"] == "Inés Mamani"
    assert data["url"] == "http://testserver/directory/ines-mamani/"  # one page per person
    assert data["mainEntityOfPage"] == {
        "@type": "ProfilePage",
        "@id": f"http://testserver{prefix}/directory/ines-mamani/",
        "inLanguage": expected["in_language"],
    }
    assert expected["topic"] in data["knowsAbout"]
    assert {item["name"] for item in data["knowsLanguage"]} == expected["languages"]
    assert {item["alternateName"] for item in data["knowsLanguage"]} == {"es", "qu"}


def test_links_keep_the_visitor_in_their_language(client, ines):
    html = client.get("/es/directory/ines-mamani/").content.decode()
    assert f'href="/es/directory/contact/{ines.pk}/"' in html
    assert 'href="/es/directory/topics/direct-lithium-extraction/"' in html
    assert 'href="/es/directory/institutions/universidad-ficticia-de-potosi/"' in html


def test_a_biography_of_unknown_language_follows_the_languages_spoken(client):
    ResearcherPageFactory(
        slug="joao",
        languages=[Language.objects.get(code="pt"), Language.objects.get(code="en")],
        country="BR",
        biography="<p>Pesquisa baterias de íon-sódio.</p>",
    )
    html = client.get("/directory/joao/").content.decode()
    assert biography(html) == ("pt-BR", "Pesquisa baterias de íon-sódio.")
    assert "This biography is in Portuguese." in html
    # Read in Portuguese, it is simply the biography: no note.
    html = client.get("/pt-br/directory/joao/").content.decode()
    assert biography(html) == ("pt-BR", "Pesquisa baterias de íon-sódio.")
    assert "Esta biografia" not in html


def test_a_profile_with_only_a_translation_shows_it_to_everyone(client):
    ResearcherPageFactory(slug="solo-es", biography="", bio_es="<p>Solo en español.</p>")
    for prefix in ("", "/pt-br"):
        html = client.get(f"{prefix}/directory/solo-es/").content.decode()
        assert biography(html) == ("es", "Solo en español.")


def test_the_original_wins_when_it_is_in_the_visitors_language():
    page = ResearcherPage(biography="<p>Original.</p>", bio_language="es", bio_es="<p>Copia.</p>")
    assert page.biography_for("es", spoken=[]) == ("<p>Original.</p>", "es")
    assert page.biography_for("en", spoken=[]) == ("<p>Original.</p>", "es")


def test_a_profile_without_biography_has_no_biography_section(client):
    ResearcherPageFactory(slug="quiet", biography="")
    html = client.get("/es/directory/quiet/").content.decode()
    assert 'id="bio-heading"' not in html


@pytest.mark.parametrize(
    ("spoken", "country", "expected"),
    [
        ([], "", "en"),
        (["fr", "de"], "FR", "en"),
        (["en"], "CL", "en"),
        (["es"], "", "es"),
        (["pt"], "", "pt-br"),
        (["en", "es"], "", "es"),  # Spanish speakers get Spanish
        (["en", "pt"], "", "pt-br"),
        (["en", "es"], "GB", "en"),  # ... unless they work where English is spoken
        (["es", "en"], "CL", "es"),
        (["es", "pt"], "BR", "pt-br"),
        (["es", "pt"], "", "es"),
        (["qu", "es"], "BO", "es"),
    ],
)
def test_the_language_a_profile_suggests(spoken, country, expected):
    assert language_from_profile(spoken, country) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("es", "es"),
        ("ES", "es"),
        ("pt", "pt-br"),
        ("pt-BR", "pt-br"),
        ("pt_br", "pt-br"),
        ("Português", "pt-br"),
        ("english", "en"),
        ("Español", "es"),
        ("fr", None),
        ("es-ES", None),
        ("", None),
    ],
)
def test_language_cells_name_one_of_the_sites_languages(cell, expected):
    assert parse_interface_language(cell) == expected


def test_contact_language_prefers_the_choice_then_the_languages_spoken():
    spoken = [Language(code="pt")]
    assert ResearcherPage(preferred_language="es").contact_language(spoken) == "es"
    assert ResearcherPage().contact_language(spoken) == "pt-br"
    assert ResearcherPage().contact_language([]) == "en"


# --- The admin ---------------------------------------------------------------------------


def edit_data(admin_client, page, **changes) -> dict:
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    html = admin_client.get(url).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    data.update(changes)
    data["action-publish"] = "action-publish"
    return data


def test_editors_give_the_biography_in_other_languages(admin_client):
    page = ResearcherPageFactory(slug="ana", biography="<p>Original.</p>")
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = admin_client.get(url).content.decode()
    for name in ("bio_language", "bio_es", "bio_pt", "preferred_language"):
        assert f'name="{name}"' in form
    data = edit_data(
        admin_client,
        page,
        bio_language="en",
        bio_es=rich_text("<p>En español.</p>"),
        bio_pt=rich_text("<p>Em português.</p>"),
        preferred_language="pt-br",
    )
    assert admin_client.post(url, data).status_code == 302
    page.refresh_from_db()
    assert (page.bio_language, page.preferred_language) == ("en", "pt-br")
    assert "En español." in page.bio_es and "Em português." in page.bio_pt


def test_a_translation_into_the_biographys_own_language_is_refused(admin_client):
    page = ResearcherPageFactory(slug="ana", biography="<p>Original en español.</p>")
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = edit_data(admin_client, page, bio_language="es", bio_es=rich_text("<p>Copia.</p>"))
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "so it needs no Spanish translation" in response.content.decode()
    page.refresh_from_db()
    assert page.bio_es == ""


def test_the_admin_labels_follow_the_editors_language(admin_client, admin_user):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "es"
    profile.save()
    page = ResearcherPageFactory(slug="ana")
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "Biografía en español" in html or "biografía en español" in html.lower()
    assert "Idioma preferido" in html or "idioma preferido" in html.lower()
    with translation.override("es"):
        assert str(ResearcherPage._meta.verbose_name) == "perfil de investigador"

"""Demo data and the fictional-data generator the benchmarks share."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Page

from directory.demo import DEMO_COLLECTION, demo_pages
from directory.fictional import (
    COUNTRY_WEIGHTS,
    INSTITUTION_NAMES,
    LATIN_AMERICAN_COUNTRIES,
    TOPIC_SLUGS,
    create_researchers,
    generate_researchers,
)
from directory.models import (
    Facility,
    Institution,
    Language,
    ResearcherPage,
    ResearcherPublication,
    Topic,
)
from directory.validators import validate_doi, validate_orcid
from editorial.models import NewsIndexPage, NewsPage
from tests.factories import ResearcherPageFactory
from website.models import SiteSettings

NOTICE = "the researchers, institutions and news on this site are fictional examples"
SMALL = 20  # covers every country (the first 8 records visit each) and keeps this fast


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo_data", "--researchers", str(SMALL), *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "researchers": ResearcherPage.objects.count(),
        "news": NewsPage.objects.count(),
        "institutions": Institution.objects.count(),
        "facilities": Facility.objects.count(),
        "images": get_image_model().objects.count(),
        "publications": ResearcherPublication.objects.count(),
    }


def has_accent(text: str) -> bool:
    return any(ord(ch) > 127 for ch in text)


# --------------------------------------------------------------------------------------
# Generator (no database needed for the plain records)
# --------------------------------------------------------------------------------------


def test_generator_is_deterministic_for_a_seed():
    first = list(generate_researchers(60, seed=7))
    assert first == list(generate_researchers(60, seed=7))
    assert first != list(generate_researchers(60, seed=8))
    # A smaller run is a prefix of a larger one, so benchmark sizes nest.
    assert list(generate_researchers(25, seed=7)) == first[:25]


def test_generator_records_are_valid_and_fictional():
    records = list(generate_researchers(400, seed=3))
    orcids = [r["orcid"] for r in records if r["orcid"]]
    assert len(orcids) > 250
    assert len(set(orcids)) == len(orcids)
    for orcid in orcids:
        validate_orcid(orcid)  # raises on a bad check character
        assert orcid.startswith("0000-0000-")  # outside the blocks ORCID issues
    assert len({r["email"] for r in records}) == len(records)
    for record in records:
        assert record["email"].split("@")[1].endswith(("example.org", "example.com"))
        assert record["institution"]["name"] in INSTITUTION_NAMES
        assert 1 <= len(record["topics"]) <= 4
        assert set(record["topics"]) <= set(TOPIC_SLUGS)
        assert record["languages"]
        for publication in record["publications"]:
            validate_doi(publication["doi"])
            assert publication["doi"].startswith("10.5555/demo.")
    assert {r["country"] for r in records[:8]} == set(COUNTRY_WEIGHTS)
    assert sum(has_accent(r["given_name"] + r["family_name"]) for r in records) > 40
    biographies = " ".join(r["biography"] for r in records)
    assert "salmueras" in biographies and "reciclagem" in biographies


def test_generator_writes_biographies_in_three_languages():
    """Originals in each interface language; a good share also in Spanish or Portuguese."""
    records = list(generate_researchers(300, seed=0))
    originals = Counter(r["bio_language"] for r in records)
    assert set(originals) == {"en", "es", "pt-br"}
    assert sum(bool(r["bio_es"]) for r in records) > 50
    assert sum(bool(r["bio_pt"]) for r in records) > 50
    for record in records:
        # A translation never repeats the original's language, and says the same thing.
        assert not (record["bio_language"] == "es" and record["bio_es"])
        assert not (record["bio_language"] == "pt-br" and record["bio_pt"])
        for translation in (record["bio_es"], record["bio_pt"]):
            if translation:
                assert translation.count("<p>") == record["biography"].count("<p>")
        assert record["preferred_language"] in {"", "en", "es", "pt-br"}
    # Spanish versions are Spanish: every paragraph opens with a Spanish verb.
    opening = re.compile(
        r"<p>(?:Trabaja|Estudia|Desarrolla|Investiga|Diseña|Optimiza|Convierte"
        r"|Construye|Escala|Utiliza|Recupera|Reutiliza|Evalúa|Analiza|Busca"
        r"|Recibe|Comparte|Le interesa) "
    )
    for record in records:
        if record["bio_es"]:
            paragraphs = record["bio_es"].count("<p>")
            assert len(opening.findall(record["bio_es"])) == paragraphs, record["bio_es"]
    assert sum(bool(r["preferred_language"]) for r in records) > 150


# --------------------------------------------------------------------------------------
# Writing to the database
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_researchers_writes_profiles_relations_and_publications():
    progress = []
    assert create_researchers(30, seed=1, batch_size=12, progress=lambda *a: progress.append(a))
    assert progress == [(12, 30), (24, 30), (30, 30)]
    records = list(generate_researchers(30, seed=1))
    pages = ResearcherPage.objects.order_by("pk")
    assert pages.count() == 30
    page, record = pages.prefetch_related("topics", "languages", "keywords")[0], records[0]
    assert (page.given_name, page.family_name, page.email) == (
        record["given_name"],
        record["family_name"],
        record["email"],
    )
    assert page.live and page.url_path.startswith("/home/directory/")
    assert page.country_code == record["country"]
    assert sorted(t.slug for t in page.topics.all()) == sorted(record["topics"])
    assert sorted(lang.code for lang in page.languages.all()) == sorted(record["languages"])
    assert sorted(k.name for k in page.keywords.all()) == sorted(record["keywords"])
    assert ResearcherPublication.objects.count() == sum(len(r["publications"]) for r in records)
    assert Topic.objects.filter(slug__in=TOPIC_SLUGS).count() == len(TOPIC_SLUGS)


# --------------------------------------------------------------------------------------
# load_demo_data
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_demo_data_once_then_flush_only_the_demo_data(client):
    """One load serves every check: loading takes a few seconds (avatars, news)."""
    assert NOTICE not in client.get("/").content.decode()

    # Real profiles keep demo data out unless --force.
    real = ResearcherPageFactory(given_name="Ana", family_name="Real")
    assert "Not loading demo data" in load()
    assert not demo_pages().exists()
    assert NOTICE not in client.get("/").content.decode()

    output = load("--force")
    assert "Loaded demo data" in output
    assert SiteSettings.load().demo_data_loaded

    researchers = ResearcherPage.objects.filter(owner__username="demo-data")
    assert researchers.count() == SMALL
    countries = set(researchers.values_list("country_code", flat=True))
    assert countries >= {"GB", *LATIN_AMERICAN_COUNTRIES}
    names = researchers.values_list("given_name", "family_name")
    assert any(has_accent(given + family) for given, family in names)

    # Every profile has an avatar; avatars are per initials, so some are shared.
    assert not researchers.filter(photo__isnull=True).exists()
    avatars = get_image_model().objects.filter(collection__name=DEMO_COLLECTION)
    assert 0 < avatars.count() <= SMALL + 4
    assert avatars.first().width == 200

    # The taxonomy reads in three languages, and so do some biographies.
    assert not Topic.objects.filter(name_es="").exists()
    assert not Topic.objects.filter(name_pt="").exists()
    assert not Language.objects.filter(name_es="").exists()
    assert Topic.objects.get(slug="recycling-and-circular-supply-chains").name_es == (
        "Reciclaje y cadenas de suministro circulares"
    )
    assert Language.objects.get(code="pt").name_pt == "Português"
    assert researchers.exclude(bio_es="").count() == 4  # of 20, for seed 0
    assert researchers.exclude(bio_pt="").count() == 6
    assert researchers.exclude(preferred_language="").count() == 17
    with_spanish = researchers.exclude(bio_es="").first()
    html = client.get(f"/es{with_spanish.url}").content.decode()
    assert '<div class="biography" lang="es">' in html

    news = NewsPage.objects.child_of(NewsIndexPage.objects.get(locale__language_code="en")).live()
    assert 8 <= news.count() <= 12
    assert all(item.live_revision_id for item in news)
    assert Facility.objects.filter(name="HAXPES instrument").exists()

    home = client.get("/")
    assert home.status_code == 200
    assert NOTICE in home.content.decode()
    profile = client.get(researchers.first().url)
    assert profile.status_code == 200 and NOTICE in profile.content.decode()

    # Idempotent: a second run changes nothing.
    before = snapshot()
    assert "Demo data already loaded" in load()
    assert snapshot() == before
    assert researchers.values("email").distinct().count() == SMALL

    # --flush removes the demo data and nothing else.
    output = StringIO()
    call_command("load_demo_data", "--flush", stdout=output)
    assert "Removed demo data" in output.getvalue()
    assert list(ResearcherPage.objects.all()) == [real]
    assert Institution.objects.filter(pk=real.institution_id).exists()
    assert not Institution.objects.filter(name__in=INSTITUTION_NAMES).exists()
    assert not NewsPage.objects.exists()
    assert not get_image_model().objects.exists()
    assert not Facility.objects.exists()
    assert not SiteSettings.load().demo_data_loaded
    assert NOTICE not in client.get("/").content.decode()
    assert real.get_parent().numchild == 1

"""Fixtures of the search tests: every engine, and a small world to search.

`engine` runs a test once per engine: the database engine (on whichever database
the suite runs on, SQLite or PostgreSQL) and a live Elasticsearch, which is skipped
unless ELASTICSEARCH_URL is set. The behaviour contract in test_contract.py uses it,
so every engine is held to the same expectations.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.db import connection, transaction
from django.utils import translation

from directory.choices import CareerStage
from directory.models import Language, ResearcherPage, Topic
from search.engines.database import DatabaseEngine
from tests.factories import (
    InstitutionFactory,
    ResearcherPageFactory,
    ResearcherPublicationFactory,
    TopicFactory,
)
from tests.fakes.elasticsearch import FakeElasticsearch

ES_SKIP_REASON = "ELASTICSEARCH_URL is not set: live Elasticsearch tests skipped"


def elasticsearch_engine():
    """The Elasticsearch engine itself (no fallback), on a test index."""
    from django.conf import settings

    from search.engines.elasticsearch import ElasticsearchEngine

    url = os.environ["ELASTICSEARCH_URL"]
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_INDEX = "test-researchers"
    if hasattr(ElasticsearchEngine, "from_settings"):
        return ElasticsearchEngine.from_settings()
    return ElasticsearchEngine(url=url, index="test-researchers", timeout=10)


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request under /es/ leaves Spanish active in the thread (LocaleMiddleware
    activates a language and nothing deactivates it): start the next test in English."""
    yield
    translation.deactivate()


@pytest.fixture(
    params=[
        "database",
        pytest.param(
            "elasticsearch",
            marks=[
                pytest.mark.live_elasticsearch,
                pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason=ES_SKIP_REASON),
            ],
        ),
    ]
)
def engine(request, db):
    """Each engine in turn. Tests index what they create with `engine.rebuild()`."""
    if request.param == "database":
        return DatabaseEngine()
    return elasticsearch_engine()


@pytest.fixture
def vendor() -> str:
    return connection.vendor


@pytest.fixture
def quiet_index(monkeypatch):
    """Creating data does not index it; tests call engine.rebuild() once instead.

    Keeps fixtures fast (one rebuild rather than an index update per save) and lets
    the same data reach every engine the same way.
    """
    monkeypatch.setattr("search.signals.schedule", lambda kind, pks: None)


@dataclass
class World:
    """A handful of researchers chosen to exercise search; `r` holds them by key."""

    r: dict[str, ResearcherPage] = field(default_factory=dict)

    def ids(self, *keys: str) -> set[int]:
        return {self.r[key].pk for key in keys}


def make_researcher(
    topics=(), languages=(), keywords=(), publications=(), **kwargs
) -> ResearcherPage:
    topic_objs = [Topic.objects.get(slug=slug) for slug in topics]
    language_objs = [Language.objects.get(code=code) for code in languages]
    page = ResearcherPageFactory(topics=topic_objs, languages=language_objs, **kwargs)
    if keywords:
        page.keywords.add(*keywords)
        page.save()
    for title in publications:
        ResearcherPublicationFactory(page=page, title=title)
    return page


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Eight researchers across the UK and Latin America, committed once per module.

    Building them takes seconds (Wagtail pages), so a module shares them; each test
    still runs in a transaction that is rolled back, so what a test changes (and
    any index it builds) is gone before the next. They are not indexed: tests
    call `engine.rebuild()`. Deleted again when the module is done.
    """
    from search import signals

    with django_db_blocker.unblock():
        original, signals.schedule = signals.schedule, lambda kind, pks: None
        try:
            with transaction.atomic():
                w = build_world()
        finally:
            signals.schedule = original
    try:
        yield w
    finally:
        with django_db_blocker.unblock():
            delete_world(w)


def delete_world(w: World) -> None:
    from taggit.models import Tag

    from directory.models import Institution
    from search.models import FacetBit, ResearcherDocument, ResearcherFacets

    with transaction.atomic():
        institution_ids = {page.institution_id for page in w.r.values()}
        for page in ResearcherPage.objects.filter(pk__in=[p.pk for p in w.r.values()]):
            page.delete()
        Institution.objects.filter(pk__in=institution_ids).delete()
        Tag.objects.filter(
            name__in=["salmueras", "hidrometalurgia", "hard carbon", "ion exchange"]
        ).delete()
        ResearcherDocument.objects.all().delete()
        ResearcherFacets.objects.all().delete()
        FacetBit.objects.all().delete()


def build_world() -> World:
    chile = InstitutionFactory(name="Universidad Ficticia de Chile", country="CL", city="Santiago")
    sao_paulo = InstitutionFactory(
        name="Universidade Fictícia de São Paulo", acronym="UFSP", country="BR", city="São Paulo"
    )
    northfield = InstitutionFactory(
        name="Northfield University", acronym="NFU", country="GB", city="Birmingham"
    )
    la_plata = InstitutionFactory(
        name="Universidad Ficticia de La Plata", acronym="UFLP", country="AR", city="La Plata"
    )
    halvorsen = InstitutionFactory(
        name="Halvorsen Battery Institute", acronym="HBI", country="GB", city="Oxford"
    )
    w = World()
    w.r["jose"] = make_researcher(
        given_name="José",
        family_name="Pérez",
        job_title="Investigador postdoctoral",
        institution=chile,
        career_stage=CareerStage.EARLY,
        topics=["direct-lithium-extraction", "cam"],
        languages=["es", "en"],
        keywords=["salmueras"],
        biography="<p>Estudio materiales de cátodo para baterías de litio.</p>",
        open_to_collaboration=True,
        open_to_visiting=True,
    )
    w.r["ana"] = make_researcher(
        given_name="Ana",
        family_name="Souza",
        job_title="Pesquisadora",
        institution=sao_paulo,
        career_stage=CareerStage.MID,
        topics=["recycling-and-circular-supply-chains"],
        languages=["pt", "en"],
        keywords=["hidrometalurgia"],
        biography="<p>Reciclagem de baterias de íon-lítio por hidrometalurgia.</p>",
        open_to_collaboration=True,
    )
    w.r["emily"] = make_researcher(
        given_name="Emily",
        family_name="Clarke",
        job_title="Lecturer in Electrochemistry",
        institution=northfield,
        career_stage=CareerStage.SENIOR,
        topics=[
            "sodium-ion-and-next-generation-chemistries",
            "recycling-and-circular-supply-chains",
        ],
        languages=["en"],
        keywords=["hard carbon"],
        biography="<p>I work on sodium-ion batteries and the recycling of spent cells.</p>",
        publications=["Hard carbon anodes for sodium-ion batteries"],
        open_to_phd_supervision=True,
    )
    w.r["tom"] = make_researcher(
        given_name="Tom",
        family_name="Baker",
        job_title="Research fellow",
        institution=northfield,
        career_stage=CareerStage.EARLY,
        topics=["direct-lithium-extraction"],
        languages=["en", "es"],
        keywords=["salmueras", "ion exchange"],
        biography="<p>Direct lithium extraction from brines in the Atacama.</p>",
        open_to_collaboration=True,
        open_to_industry=True,
    )
    w.r["maria"] = make_researcher(
        given_name="María",
        family_name="González",
        job_title="Profesora asociada",
        institution=la_plata,
        career_stage=CareerStage.SENIOR,
        topics=["cam", "direct-lithium-extraction"],
        languages=["es"],
        keywords=["salmueras"],
        biography="<p>Cátodos de alto voltaje y extracción de litio.</p>",
        open_to_mentoring=True,
    )
    # A ranking trio: "Halvorsen" in a name, in an institution, in a biography.
    w.r["halvorsen_name"] = make_researcher(
        given_name="Ingrid",
        family_name="Halvorsen",
        institution=chile,
        career_stage=CareerStage.DOCTORAL,
        topics=["second-life"],
        languages=["en"],
        biography="<p>Second-life storage.</p>",
    )
    w.r["halvorsen_institution"] = make_researcher(
        given_name="Aaron",
        family_name="Abbott",
        institution=halvorsen,
        career_stage=CareerStage.DOCTORAL,
        topics=["second-life"],
        languages=["en"],
        biography="<p>Grid storage economics.</p>",
    )
    w.r["halvorsen_bio"] = make_researcher(
        given_name="Aaron",
        family_name="Aardvark",
        institution=la_plata,
        career_stage=CareerStage.DOCTORAL,
        topics=["second-life"],
        languages=["es"],
        biography="<p>Visiting researcher with the Halvorsen group in 2023.</p>",
    )
    return w


# --------------------------------------------------------------------------------------
# The Elasticsearch engine on a fake transport (test_elasticsearch_*.py)
# --------------------------------------------------------------------------------------


@pytest.fixture
def signals_on_database_engine(request, settings):
    """Saving a profile indexes it through `get_engine()`: keep that on the database
    engine here, so a real cluster named in the environment is never written to by
    the fake-transport tests."""
    if request.node.get_closest_marker("live_elasticsearch") is None:
        settings.ELASTICSEARCH_URL = ""


@pytest.fixture
def fake() -> FakeElasticsearch:
    return FakeElasticsearch()


@pytest.fixture
def people(db) -> dict[str, ResearcherPage]:
    """Three profiles: two in Chile, one in the UK."""
    electrolytes = TopicFactory(name="Solid-state electrolytes", slug="es-electrolytes")
    brines = TopicFactory(name="Lithium brines", slug="es-brines")
    chile = InstitutionFactory(name="Universidad de Chile", acronym="UCH", country="CL")
    oxford = InstitutionFactory(name="University of Oxford", acronym="", country="GB")
    jose = ResearcherPageFactory(
        given_name="José",
        family_name="Pérez",
        title="José Pérez",
        job_title="Investigador",
        institution=chile,
        career_stage=CareerStage.EARLY,
        topics=[electrolytes, brines],
        languages=[Language.objects.get(code="es")],
        biography="<p>Trabaja en <b>baterías</b> de litio &amp; sodio.</p><p>Segundo</p>",
        open_to_collaboration=True,
    )
    jose.keywords.add("salmueras")
    jose.save()
    ResearcherPublicationFactory(page=jose, title="Brines of the Atacama")
    ana = ResearcherPageFactory(
        given_name="Ana",
        family_name="Álvarez",
        title="Ana Álvarez",
        institution=chile,
        topics=[brines],
    )
    emily = ResearcherPageFactory(
        given_name="Emily",
        family_name="Clarke",
        title="Emily Clarke",
        institution=oxford,
        topics=[electrolytes],
    )
    return {"jose": jose, "ana": ana, "emily": emily}


@pytest.fixture
def fresh_labels():
    """Editors' vocabulary labels start and end unread: a row a test creates is
    rolled back with its transaction, and must not outlive it in the label cache."""
    from directory.labels import reset_overrides

    reset_overrides()
    yield
    reset_overrides()

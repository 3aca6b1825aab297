"""The database engine itself: query counts, vendor structures, index upkeep, commands."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Institution, ResearcherPage, Topic
from search.documents import ResearcherData, load_researchers, text_for_indexing
from search.engines import get_engine, reset_engines
from search.engines.database import DatabaseEngine, FacetBitsExhausted
from search.models import FacetBit, ResearcherDocument, ResearcherFacets
from search.types import SearchQuery
from tests.search.conftest import make_researcher

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine():
    return DatabaseEngine()


@pytest.fixture
def indexed(engine, world):
    engine.rebuild()
    return world


def found(engine, text: str) -> set[int]:
    return {hit.id for hit in engine.search(SearchQuery(text=text, page_size=100)).hits}


# --------------------------------------------------------------------------------------
# A fixed number of queries
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(),
        SearchQuery(text="lithium"),
        SearchQuery(text="lithium", country=("CL", "GB"), topic=("cam",)),
        SearchQuery(
            text="Pérez cátodo",
            topic=("cam",),
            country=("CL",),
            institution=("universidad-ficticia-de-chile",),
            career_stage=("early-career",),
            language=("es",),
            open_to=("visiting",),
            sort="updated",
            page=2,
        ),
        SearchQuery(topic=("no-such-topic",), sort="name"),
    ],
)
def test_a_search_is_two_statements(engine, indexed, query, django_assert_num_queries):
    if query.text:
        with django_assert_num_queries(2):
            engine.search(query)
        return
    # Without text the counts are kept: the generation, the counts and the hits the
    # first time; then the generation and the hits.
    cache.clear()
    with django_assert_num_queries(3):
        first = engine.search(query)
    with django_assert_num_queries(2):
        assert engine.search(query) == first


def test_autocomplete_is_three_and_similar_two(engine, indexed, django_assert_num_queries):
    with django_assert_num_queries(3):
        engine.autocomplete("jos per")
    with django_assert_num_queries(2):
        engine.similar(indexed.r["tom"].pk)


def test_indexing_costs_do_not_grow_with_the_batch(engine, world):
    engine.rebuild()  # allocates the facet bits
    with CaptureQueriesContext(connection) as one:
        engine.index_researchers([world.r["jose"].pk])
    with CaptureQueriesContext(connection) as all_eight:
        engine.index_researchers([page.pk for page in world.r.values()])
    assert len(one) == len(all_eight)


# --------------------------------------------------------------------------------------
# What each database holds
# --------------------------------------------------------------------------------------


def test_sqlite_fts5_table_follows_the_documents(engine, indexed, vendor):
    if vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM directory_search_fts WHERE directory_search_fts MATCH 'souza'"
        )
        assert cursor.fetchone()[0] == 1
        ResearcherDocument.objects.filter(researcher_id=indexed.r["ana"].pk).delete()
        cursor.execute(
            "SELECT count(*) FROM directory_search_fts WHERE directory_search_fts MATCH 'souza'"
        )
        assert cursor.fetchone()[0] == 0


def test_postgres_configurations_fold_accents_and_stem(vendor):
    if vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('directory_search_es', 'Cátodos'), "
            "to_tsvector('directory_search_pt', 'São Paulo'), "
            "to_tsvector('directory_search_en', 'batteries'), "
            "to_tsvector('directory_search_simple', 'Pérez')"
        )
        assert cursor.fetchone() == ("'catod':1", "'paul':2 'sao':1", "'batteri':1", "'perez':1")


def test_postgres_uses_the_gin_index(engine, indexed, vendor):
    if vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from search.engines.database import get_dialect
    from search.engines.database_sql import facet_statement, hits_statement

    query = SearchQuery(text="lithium", topic=("cam",))
    with connection.cursor() as cursor:
        # The tables are tiny here, so forbid the plans that would read them whole;
        # bench/README.md has the plans at 100,000 profiles.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        for statement in (
            facet_statement(get_dialect(), query, ["lithium"]),
            hits_statement(get_dialect(), query, ["lithium"]),
        ):
            cursor.execute("EXPLAIN " + statement.text, statement.params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "dsearch_facets_vector" in plan, plan


def test_postgres_keeps_the_counted_rows_narrow(engine, indexed, vendor):
    if vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(c.oid), pg_relation_size(c.reltoastrelid) "
            "FROM pg_class c WHERE c.relname = 'directory_search_researcherfacets'"
        )
        heap, toast = cursor.fetchone()
        cursor.execute(
            "SELECT max(pg_column_size(toast_padding)) FROM directory_search_researcherfacets"
        )
        (padding,) = cursor.fetchone()
    # The vectors went to the TOAST table; the padding that sends them there is
    # compressed to a few bytes. (At 100,000 profiles: bench/README.md.)
    assert heap > 0 and toast > 0
    assert padding < 100


# --------------------------------------------------------------------------------------
# Facet bits
# --------------------------------------------------------------------------------------


def test_facet_bits_are_allocated_once_and_kept(engine, indexed):
    bits = dict(FacetBit.objects.filter(facet="topic").values_list("value", "bit"))
    assert set(bits) == {
        "direct-lithium-extraction",
        "cam",
        "recycling-and-circular-supply-chains",
        "sodium-ion-and-next-generation-chemistries",
        "second-life",
    }
    assert len(set(bits.values())) == len(bits)
    engine.index_researchers([indexed.r["jose"].pk])
    assert dict(FacetBit.objects.filter(facet="topic").values_list("value", "bit")) == bits
    facets = ResearcherFacets.objects.get(researcher_id=indexed.r["jose"].pk)
    assert facets.topic_bits == (1 << bits["cam"]) | (1 << bits["direct-lithium-extraction"])


def test_running_out_of_facet_bits_says_so(engine, world):
    FacetBit.objects.bulk_create(
        [FacetBit(facet="topic", value=f"filler-{n}", bit=n) for n in range(63)]
    )
    with pytest.raises(FacetBitsExhausted, match="More than 63 values of the topic facet"):
        engine.index_researchers([world.r["jose"].pk])


# --------------------------------------------------------------------------------------
# Keeping the index current (signals and tasks; the test backend runs tasks inline)
# --------------------------------------------------------------------------------------


def test_new_profiles_are_indexed_with_their_relations(engine, db):
    page = make_researcher(
        given_name="Nadia",
        family_name="Quispe",
        topics=["second-life"],
        languages=["es"],
        keywords=["vanadio"],
        publications=["Baterías de flujo de vanadio"],
    )
    assert found(engine, "Quispe") == {page.pk}
    assert found(engine, "vanadio flujo") == {page.pk}
    (hit,) = engine.search(SearchQuery(text="Quispe", language=("es",))).hits
    assert hit.topics == ["second-life"]


def test_published_revisions_are_indexed_and_unpublishing_removes(engine, indexed):
    page = ResearcherPage.objects.get(pk=indexed.r["ana"].pk)
    page.job_title = "Coordenadora de reciclagem"
    page.save_revision().publish()
    assert found(engine, "coordenadora") == {page.pk}
    page.unpublish()
    assert found(engine, "Souza") == set()


def test_deleted_profiles_leave_the_index(engine, indexed):
    ResearcherPage.objects.get(pk=indexed.r["emily"].pk).delete()
    assert found(engine, "Clarke") == set()
    assert not ResearcherFacets.objects.filter(researcher_id=indexed.r["emily"].pk).exists()


def test_renaming_an_institution_or_topic_reindexes_its_researchers(engine, indexed):
    institution = Institution.objects.get(name="Northfield University")
    institution.name = "Northfield Institute of Electrochemistry"
    institution.save()
    assert found(engine, "electrochemistry institute") == indexed.ids("emily", "tom")
    topic = Topic.objects.get(slug="second-life")
    assert found(engine, "repurposed") == set()
    topic.name = "Second-life and repurposed packs"
    topic.save()
    assert found(engine, "repurposed") == indexed.ids(
        "halvorsen_name", "halvorsen_institution", "halvorsen_bio"
    )


def test_deleting_an_institution_or_topic_reindexes_its_researchers(engine, indexed):
    Institution.objects.get(name="Northfield University").delete()
    assert found(engine, "Northfield") == set()
    Topic.objects.get(slug="second-life").delete()
    facets = engine.search(SearchQuery(page_size=100)).facets
    assert "second-life" not in {value.value for value in facets["topic"]}


def test_bulk_saved_profiles_are_indexed(engine, db, django_capture_on_commit_callbacks):
    from directory.bulk import NewResearcher, bulk_create_researchers

    topic = Topic.objects.get(slug="cam")
    with django_capture_on_commit_callbacks(execute=True):
        pages = bulk_create_researchers(
            [
                NewResearcher(
                    page=ResearcherPage(given_name="Bulk", family_name=f"Ñandú {n}"),
                    topic_ids=[topic.pk],
                    keywords=["bulk-import"],
                )
                for n in range(3)
            ]
        )
    assert found(engine, "nandu") == {page.pk for page in pages}


def test_a_queuing_backend_gets_one_task_per_transaction(
    engine, world, settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = ResearcherPage.objects.get(pk=world.r["maria"].pk)
        page.job_title = "Catedrática"
        page.save()
        page.topics.add(Topic.objects.get(slug="second-life"))
        page.keywords.add("nueva")
        page.save()
    mine = [r for r in default_task_backend.results if r.task.name == "index_researchers_task"]
    assert [result.args for result in mine] == [[[page.pk]]]


def test_a_broken_queue_does_not_break_saving(world, caplog):
    from unittest import mock

    from search.signals import _enqueue

    broken = mock.Mock(**{"enqueue.side_effect": OSError("queue is down")})
    with mock.patch("search.signals.index_researchers_task", broken):
        _enqueue("index", [world.r["jose"].pk])  # does not raise
    assert "Could not enqueue search index of researchers" in caplog.text


# --------------------------------------------------------------------------------------
# What goes into the index
# --------------------------------------------------------------------------------------


def test_documents_hold_searchable_text_but_no_email(world):
    (page,) = load_researchers([world.r["ana"].pk])
    data = ResearcherData.from_page(page)
    assert "Brasil" in data.terms and "Brazil" in data.terms  # country in three languages
    assert "Português" in data.terms and "Portuguese" in data.terms
    assert "UFSP" in data.terms and "São Paulo" in data.terms
    assert "hidrometalurgia" in data.terms
    assert data.biography == "Reciclagem de baterias de íon-lítio por hidrometalurgia."
    assert "@" not in repr(data)


def test_text_for_indexing_decodes_entities_and_joins_blocks():
    assert text_for_indexing("<p>One&nbsp;&amp; two</p><p>three</p>") == "One & two three"


def test_line_breaks_and_block_ends_separate_indexed_words():
    """Wagtail stores a line break as `<br/>` (and the CSV import writes it so too):
    the words either side must not be indexed as one."""
    html = "<p>Sodium<br/>lithium</p><ul><li>anodes</li></ul><blockquote>cathodes</blockquote>x"
    assert text_for_indexing(html) == "Sodium lithium anodes cathodes x"


# --------------------------------------------------------------------------------------
# Engine selection and the management command
# --------------------------------------------------------------------------------------


def test_the_database_engine_is_the_default(settings):
    settings.ELASTICSEARCH_URL = ""
    reset_engines()
    assert isinstance(get_engine(), DatabaseEngine)


def test_with_elasticsearch_configured_searches_fall_back_when_it_is_down(
    settings, indexed, caplog
):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.ELASTICSEARCH_TIMEOUT = 0.5
    reset_engines()
    try:
        engine = get_engine()
        results = engine.search(SearchQuery(text="Jose Perez"))
        assert [hit.name for hit in results.hits] == ["José Pérez"]
        assert any(record.levelname == "WARNING" for record in caplog.records)
    finally:
        reset_engines()


def test_search_index_command(engine, world):
    out, err = io.StringIO(), io.StringIO()
    call_command("search_index", "--rebuild", stdout=out, stderr=err)
    assert "Indexed 8 researcher profiles with the database engine" in out.getvalue()
    assert "8/8" in err.getvalue()
    out = io.StringIO()
    call_command("search_index", stdout=out)
    assert "Live profiles: 8. Indexed: 8." in out.getvalue()

"""The Elasticsearch engine's index, at the HTTP layer, with a fake transport: the
index definition, the documents built from profiles, the bulk writes and the
rebuild with its alias swaps (search/engines/es_documents.py, es_index.py).

The fake (`tests.fakes.elasticsearch`) stands in for the server under the real
client, so these tests see exactly what would go over the wire. Queries are in
test_elasticsearch_queries.py, parsed responses and the live cluster in
test_elasticsearch_results.py; shared fixtures in conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from wagtail.models import PageViewRestriction

from directory.models import ResearcherPage
from search.engines.elasticsearch import ElasticsearchEngine
from search.engines.es_documents import (
    MARK_END,
    MARK_START,
    document_for,
    documents_for,
    researcher_index,
)
from search.engines.es_index import IndexWriteError
from search.types import FACETS
from tests.fakes.elasticsearch import FakeCluster
from tests.search.es_support import ALIAS, engine_on

REBUILDING = "researchers-rebuilding"

pytestmark = pytest.mark.usefixtures("signals_on_database_engine")


@pytest.fixture
def engine(fake) -> ElasticsearchEngine:
    return engine_on(fake)


@pytest.fixture
def cluster(fake) -> FakeCluster:
    """A cluster whose live alias points at an index built earlier."""
    cluster = FakeCluster(fake)
    cluster.create("researchers-old", aliases=[ALIAS])
    cluster.docs["researchers-old"]["999999"] = {"name": "Someone long gone"}
    return cluster


def mapping_of(index_dict: dict[str, Any]) -> dict[str, Any]:
    return index_dict["mappings"]["properties"]


# --------------------------------------------------------------------------------------
# The index definition
# --------------------------------------------------------------------------------------


def test_index_settings_have_folding_and_language_analyzers():
    definition = researcher_index("researchers-1").to_dict()
    analysis = definition["settings"]["analysis"]
    analyzers, filters = analysis["analyzer"], analysis["filter"]

    assert analyzers["folding"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "asciifolding"],
    }
    stemmers = {
        "english_folding": "english",
        "spanish_folding": "spanish",
        "portuguese_folding": "portuguese",
    }
    for name, language in stemmers.items():
        chain = analyzers[name]["filter"]
        assert chain[-1] == "asciifolding", "stemmed sub-fields fold accents too"
        stemmer = next(
            f
            for f in chain
            if filters.get(f, {}).get("type") == "stemmer" and filters[f]["language"] == language
        )
        assert stemmer
        assert any(filters.get(f, {}).get("type") == "stop" for f in chain)
    assert analysis["normalizer"]["keyword_folding"] == {
        "type": "custom",
        "filter": ["lowercase", "asciifolding"],
    }
    assert definition["settings"]["number_of_shards"] == 1


def test_mapping_fields():
    definition = researcher_index("researchers-1").to_dict()
    assert definition["mappings"]["dynamic"] == "strict"
    fields = mapping_of(definition)

    for name in (
        "name",
        "job_title",
        "institution_name",
        "topics",
        "keywords",
        "terms",
        "biography",
        "publications",
    ):
        assert fields[name]["type"] == "text"
        assert fields[name]["analyzer"] == "folding"
        assert {k: v["analyzer"] for k, v in fields[name]["fields"].items()} == {
            "english": "english_folding",
            "spanish": "spanish_folding",
            "portuguese": "portuguese_folding",
        }
    for name in ("given_name", "family_name"):
        assert fields[name] == {"type": "text", "analyzer": "folding"}
    for facet in FACETS:
        assert fields[facet] == {"type": "keyword", "normalizer": "keyword_folding"}
    assert fields["name_sort"] == {"type": "keyword", "normalizer": "keyword_folding"}
    assert fields["updated"] == {"type": "date"}
    assert fields["region"] == {"type": "keyword"}
    # Autocomplete: search-as-you-type fields, folded; topics nested to tell them apart.
    assert fields["name_suggest"] == {"type": "search_as_you_type", "analyzer": "folding"}
    assert fields["institution_suggest"] == {"type": "search_as_you_type", "analyzer": "folding"}
    assert fields["topic_entries"]["type"] == "nested"
    assert fields["topic_entries"]["properties"]["suggest"]["type"] == "search_as_you_type"


# --------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_document_from_profile(people):
    jose = ResearcherPage.objects.get(pk=people["jose"].pk)
    doc = documents_for([jose.pk])[jose.pk]

    assert doc["id"] == jose.pk
    assert doc["url"] == jose.get_url()
    assert doc["name"] == "José Pérez"
    assert (doc["given_name"], doc["family_name"]) == ("José", "Pérez")
    assert doc["biography"] == "Trabaja en baterías de litio & sodio. Segundo"
    assert doc["topic"] == ["es-brines", "es-electrolytes"] or doc["topic"] == [
        "es-electrolytes",
        "es-brines",
    ]
    assert dict(zip(doc["topic"], doc["topics"], strict=True)) == {
        "es-electrolytes": "Solid-state electrolytes",
        "es-brines": "Lithium brines",
    }
    assert doc["keywords"] == ["salmueras"] == doc["keyword"]
    assert doc["publications"] == ["Brines of the Atacama"]
    assert doc["country"] == "CL"
    assert doc["region"] == "latam"
    assert doc["institution"] == jose.institution.slug
    assert doc["career_stage"] == "early-career"
    assert doc["language"] == ["es"]
    assert doc["open_to"] == ["collaboration"]
    assert doc["name_sort"] == "perez jose"
    assert "Chile" in doc["terms"] and "Universidad de Chile" in doc["terms"]
    assert doc["name_suggest"][0] == "José Pérez"
    assert doc["institution_suggest"] == "Universidad de Chile UCH"
    assert {e["slug"]: e["name"] for e in doc["topic_entries"]}["es-brines"] == "Lithium brines"
    # The mapping is strict: every field the builder writes must be mapped.
    assert set(doc) <= set(mapping_of(researcher_index("x").to_dict()))


@pytest.mark.django_db
def test_documents_skip_unpublished_profiles(people):
    people["ana"].unpublish()
    docs = documents_for([people["jose"].pk, people["ana"].pk, 987654])
    assert set(docs) == {people["jose"].pk}


@pytest.mark.django_db
def test_documents_are_built_with_a_fixed_number_of_queries(people, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pks = [p.pk for p in people.values()]
    with CaptureQueriesContext(connection) as one:
        documents_for(pks[:1])
    with CaptureQueriesContext(connection) as three:
        documents_for(pks)
    assert len(three) == len(one)


@pytest.mark.django_db
def test_highlight_markers_are_stripped_from_indexed_text(people):
    jose = people["jose"]
    jose.job_title = f"Evil {MARK_START}title{MARK_END}"
    jose.save()
    doc = document_for(ResearcherPage.objects.get(pk=jose.pk))
    assert doc["job_title"] == "Evil title"


# --------------------------------------------------------------------------------------
# Index writes
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_index_researchers_writes_through_the_live_alias(fake, engine, cluster, people):
    people["ana"].unpublish()
    engine.index_researchers([people["jose"].pk, people["ana"].pk])

    assert fake.last("HEAD", f"/_alias/{REBUILDING}")
    bulk = fake.last("*", "/_bulk")
    assert bulk.params["require_alias"] == "true"
    assert bulk.params["refresh"] == "wait_for"  # searchable when the task ends
    operations = [(op, meta["_index"], meta["_id"]) for op, meta, _ in bulk.bulk_operations()]
    assert operations == [
        ("index", ALIAS, str(people["jose"].pk)),
        ("delete", ALIAS, str(people["ana"].pk)),  # unpublished: out of the index
    ]
    live = cluster.docs_behind(ALIAS)
    assert live[str(people["jose"].pk)]["name"] == "José Pérez"
    assert str(people["ana"].pk) not in live


@pytest.mark.django_db
def test_remove_researchers_of_unknown_documents_is_fine(fake, engine, cluster):
    engine.remove_researchers([123456])
    [(op, meta, _)] = fake.last("*", "/_bulk").bulk_operations()
    assert (op, meta["_index"]) == ("delete", ALIAS)


@pytest.mark.django_db
def test_rejected_documents_raise_so_the_task_fails(fake, engine, cluster, people):
    cluster.bulk_outcome = lambda op, meta, source: (
        400,
        {"error": {"type": "document_parsing_exception", "reason": "bad"}},
    )
    with pytest.raises(IndexWriteError, match="document_parsing_exception"):
        engine.index_researchers([people["jose"].pk])


@pytest.mark.django_db
def test_writes_when_elasticsearch_is_down_raise(fake, engine, people):
    from elastic_transport import ConnectionError

    fake.fail()
    with pytest.raises(ConnectionError):
        engine.index_researchers([people["jose"].pk])


@pytest.mark.django_db
def test_writes_before_any_index_exists_are_skipped_with_a_warning(fake, engine, people, caplog):
    FakeCluster(fake)  # nothing built yet
    engine.index_researchers([people["jose"].pk])
    assert "search_index --rebuild" in caplog.text


@pytest.mark.django_db
def test_index_researchers_deletes_profiles_behind_a_view_restriction(
    fake, engine, cluster, people
):
    PageViewRestriction.objects.create(
        page=people["ana"], restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    engine.index_researchers([people["jose"].pk, people["ana"].pk])

    operations = [(op, meta["_id"]) for op, meta, _ in fake.last("*", "/_bulk").bulk_operations()]
    assert operations == [("index", str(people["jose"].pk)), ("delete", str(people["ana"].pk))]
    assert str(people["ana"].pk) not in cluster.docs_behind(ALIAS)


@pytest.mark.django_db
def test_restriction_signals_reindex_the_subtree_in_elasticsearch(
    fake, engine, cluster, people, monkeypatch
):
    """Saving or deleting a restriction reaches the configured engine: here the
    Elasticsearch engine, on the fake transport."""
    monkeypatch.setattr("search.tasks.get_engine", lambda: engine)
    ana = people["ana"]
    restriction = PageViewRestriction.objects.create(
        page=ana, restriction_type=PageViewRestriction.LOGIN
    )
    assert [(op, meta["_id"]) for op, meta, _ in fake.last("*", "/_bulk").bulk_operations()] == [
        ("delete", str(ana.pk))
    ]
    restriction.delete()
    assert cluster.docs_behind(ALIAS)[str(ana.pk)]["name"] == "Ana Álvarez"

    PageViewRestriction.objects.create(
        page=ana.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    deleted = {meta["_id"] for op, meta, _ in fake.last("*", "/_bulk").bulk_operations()}
    assert deleted == {str(page.pk) for page in people.values()}
    assert not set(cluster.docs_behind(ALIAS)) & deleted


# --------------------------------------------------------------------------------------
# Rebuild: a new index, loaded, then the alias swapped in one request
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rebuild_builds_a_new_index_and_swaps_the_alias_atomically(fake, engine, cluster, people):
    progress: list[tuple[int, int]] = []
    count = engine.rebuild(lambda done, total: progress.append((done, total)))

    assert count == 3
    assert progress[0] == (0, 3) and progress[-1] == (3, 3)
    [new] = cluster.behind(ALIAS)
    assert new.startswith("researchers-") and new != "researchers-old"
    assert fake.summary() == [
        f"GET /{REBUILDING}/_alias",  # an unfinished rebuild to take over?
        f"PUT /{new}",  # the new index
        "POST /_aliases",  # reachable for live writes while loading
        "PUT /_bulk",  # the load
        f"PUT /{new}/_settings",  # refreshes back on
        f"POST /{new}/_refresh",
        f"GET /{ALIAS}/_alias",  # what the alias points at now
        "POST /_aliases",  # the swap
        "DELETE /researchers-old",
    ]
    created = fake.last("PUT", f"/{new}").body
    expected = researcher_index(new).to_dict()
    assert created["mappings"] == expected["mappings"]
    assert created["settings"] == {**expected["settings"], "refresh_interval": "-1"}

    loading = fake.find("POST", "/_aliases")[0].body["actions"]
    assert loading == [{"add": {"index": new, "alias": REBUILDING}}]
    bulk = fake.last("*", "/_bulk")
    assert bulk.params["require_alias"] == "true"
    assert {(op, meta["_index"]) for op, meta, _ in bulk.bulk_operations()} == {
        ("create", REBUILDING)
    }
    # remove + add (+ the rebuild marker) in ONE request: no moment without an index.
    swap = fake.find("POST", "/_aliases")[1].body["actions"]
    assert swap == [
        {"remove": {"index": "researchers-old", "alias": ALIAS}},
        {"add": {"index": new, "alias": ALIAS}},
        {"remove": {"index": new, "alias": REBUILDING, "must_exist": True}},
    ]
    assert set(cluster.indices) == {new}
    assert set(cluster.docs[new]) == {str(p.pk) for p in people.values()}
    assert cluster.behind(REBUILDING) == set()


@pytest.mark.django_db
def test_rebuild_leaves_out_profiles_behind_a_view_restriction(fake, engine, cluster, people):
    PageViewRestriction.objects.create(
        page=people["emily"], restriction_type=PageViewRestriction.LOGIN
    )
    assert engine.rebuild() == 2
    assert set(cluster.docs_behind(ALIAS)) == {str(people["jose"].pk), str(people["ana"].pk)}


@pytest.mark.django_db
def test_changes_during_a_rebuild_reach_the_new_index(fake, engine, cluster, people):
    """An edit and an unpublish land while the rebuild's batch is in flight.

    The batch was read before both: the edit's write must survive the batch's
    stale copy (create: 409), and the unpublished profile must not reappear.
    """
    jose, ana = people["jose"], people["ana"]

    def edit_while_loading(request):
        # The rebuild's own load carries no refresh parameter; live writes do.
        if request.params.get("refresh") is None:
            ResearcherPage.objects.filter(pk=jose.pk).update(job_title="Profesor titular")
            engine.index_researchers([jose.pk])
            ResearcherPage.objects.filter(pk=ana.pk).update(live=False)
            engine.remove_researchers([ana.pk])
        return cluster._bulk(request)

    fake.on("*", "/_bulk", edit_while_loading, times=1)
    engine.rebuild()

    writes = [r for r in fake.find("*", "/_bulk") if r.params.get("refresh") == "false"]
    assert [
        [(op, meta["_index"], meta["_id"]) for op, meta, _ in r.bulk_operations()] for r in writes
    ] == [
        # The live writes went to both indices, through both aliases...
        [("index", ALIAS, str(jose.pk)), ("index", REBUILDING, str(jose.pk))],
        [("delete", ALIAS, str(ana.pk)), ("delete", REBUILDING, str(ana.pk))],
        # ...and before the swap the rebuild dropped the profile its batch revived.
        [("delete", REBUILDING, str(ana.pk))],
    ]
    live = cluster.docs_behind(ALIAS)
    assert live[str(jose.pk)]["job_title"] == "Profesor titular"
    assert str(ana.pk) not in live
    assert str(people["emily"].pk) in live


@pytest.mark.django_db
def test_failed_rebuild_leaves_the_live_index_alone(fake, engine, cluster, people):
    cluster.bulk_outcome = lambda op, meta, source: (
        (400, {"error": {"type": "document_parsing_exception", "reason": "bad"}})
        if op == "create"
        else None
    )
    with pytest.raises(IndexWriteError):
        engine.rebuild()
    assert cluster.behind(ALIAS) == {"researchers-old"}
    assert set(cluster.indices) == {"researchers-old"}
    assert cluster.behind(REBUILDING) == set()


@pytest.mark.django_db
def test_rebuild_taken_over_by_another_does_not_swap(fake, engine, cluster, people):
    def stolen(request):
        # Another rebuild moved the marker to its own index meanwhile.
        cluster.create("researchers-other")
        cluster.aliases[REBUILDING] = {"researchers-other"}
        return cluster._bulk(request)

    fake.on("*", "/_bulk", stolen, times=1)
    with pytest.raises(Exception, match="aliases_not_found|404"):
        engine.rebuild()
    assert cluster.behind(ALIAS) == {"researchers-old"}
    assert cluster.behind(REBUILDING) == {"researchers-other"}


@pytest.mark.django_db
def test_rebuild_takes_over_an_unfinished_rebuild(fake, engine, cluster, people, caplog):
    cluster.create("researchers-crashed", aliases=[REBUILDING])
    engine.rebuild()
    assert "researchers-crashed" not in cluster.indices
    assert "unfinished rebuild" in caplog.text
    first_aliases = fake.find("POST", "/_aliases")[0].body["actions"]
    assert first_aliases[0] == {"remove_index": {"index": "researchers-crashed"}}


@pytest.mark.django_db
def test_first_rebuild_replaces_an_index_named_like_the_alias(fake, engine, people):
    cluster = FakeCluster(fake)
    cluster.create(ALIAS)  # e.g. auto-created by a stray write before any rebuild
    engine.rebuild()
    swap = fake.find("POST", "/_aliases")[-1].body["actions"]
    assert swap[0] == {"remove_index": {"index": ALIAS}}
    [new] = cluster.behind(ALIAS)
    assert set(cluster.indices) == {new}


@pytest.mark.django_db
def test_rebuild_progress_for_more_than_one_batch(fake, engine, cluster, people, monkeypatch):
    monkeypatch.setattr("search.engines.es_index.BATCH_SIZE", 2)
    monkeypatch.setattr(
        "search.engines.es_index.iter_all_documents",
        lambda batch_size: iter([list(documents_for([p.pk for p in people.values()]).values())]),
    )
    progress: list[tuple[int, int]] = []
    engine.rebuild(lambda done, total: progress.append((done, total)))
    assert progress == [(0, 3), (2, 3), (3, 3)]

"""The behaviour contract every search engine meets.

Each test runs once per engine (the `engine` fixture): the database engine on the
database of the run (SQLite or PostgreSQL) and, when ELASTICSEARCH_URL is set, a
live Elasticsearch. The world is the eight researchers of conftest.World.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from directory.models import ResearcherPage
from search.types import FACETS, MAX_FACET_VALUES, SearchQuery
from tests.factories import restrict

pytestmark = pytest.mark.django_db


def names(results) -> list[str]:
    return [hit.name for hit in results.hits]


def ids(results) -> set[int]:
    return {hit.id for hit in results.hits}


def facet(results, name: str) -> dict[str, tuple[int, bool]]:
    return {v.value: (v.count, v.selected) for v in results.facets[name]}


def supports_stemming(engine, language: str, vendor: str) -> bool:
    """English everywhere; Spanish and Portuguese except on SQLite (no FTS5 stemmer)."""
    return language == "en" or engine.name != "database" or vendor != "sqlite"


@pytest.fixture
def indexed(engine, world):
    assert engine.rebuild() == 8
    return world


# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------


def test_no_text_lists_everyone_by_family_name(engine, indexed):
    results = engine.search(SearchQuery())
    assert results.total == 8
    assert names(results) == [
        "Aaron Aardvark",
        "Aaron Abbott",
        "Tom Baker",
        "Emily Clarke",
        "María González",
        "Ingrid Halvorsen",
        "José Pérez",
        "Ana Souza",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jose Perez", {"jose"}),
        ("JOSÉ pérez", {"jose"}),
        ("perez", {"jose"}),
        ("Gonzalez", {"maria"}),
        ("Maria", {"maria"}),
        ("Sao Paulo", {"ana"}),
        ("são paulo", {"ana"}),
        ("catodo", {"jose", "maria"}),
        ("cátodo", {"jose", "maria"}),
        ("Universidad Ficticia de Chile", {"jose", "halvorsen_name"}),
        ("UFSP", {"ana"}),
    ],
)
def test_accents_and_case_fold(engine, indexed, text, expected):
    assert ids(engine.search(SearchQuery(text=text))) == indexed.ids(*expected)


def test_english_is_stemmed(engine, indexed):
    assert indexed.r["emily"].pk in ids(engine.search(SearchQuery(text="battery")))
    recycled = ids(engine.search(SearchQuery(text="recycled")))
    assert indexed.ids("emily", "ana") <= recycled  # "recycling" in bio and topic


def test_spanish_and_portuguese_are_stemmed_where_the_engine_can(engine, world, vendor):
    from tests.search.conftest import make_researcher

    catodico = make_researcher(
        given_name="Lucía",
        family_name="Ramos",
        biography="<p>Recubrimientos catódicos para baterías.</p>",
    )
    reciclado = make_researcher(
        given_name="Paulo",
        family_name="Lima",
        biography="<p>Processos hidrometalúrgicos para metais reciclados.</p>",
    )
    engine.rebuild()
    spanish = ids(engine.search(SearchQuery(text="catódico")))
    assert catodico.pk in spanish
    if not supports_stemming(engine, "es", vendor):
        pytest.skip("SQLite FTS5 has no Spanish or Portuguese stemmer (docs/search.md)")
    assert catodico.pk in ids(engine.search(SearchQuery(text="cátodo")))
    assert reciclado.pk in ids(engine.search(SearchQuery(text="hidrometalurgia")))


def test_every_term_must_match(engine, indexed):
    assert engine.search(SearchQuery(text="lithium Souza")).total == 0
    assert ids(engine.search(SearchQuery(text="Pérez cátodo"))) == indexed.ids("jose")


@pytest.mark.parametrize(("prefix", "word"), [("catho", "cathode"), ("recyc", "recycling")])
def test_the_last_word_matches_as_a_prefix(engine, world, prefix, word):
    """Search as you type: the unfinished last word finds what the whole word finds."""
    from tests.search.conftest import make_researcher

    make_researcher(given_name="Rosa", family_name="Acosta", keywords=["cathode coatings"])
    engine.rebuild()
    whole = ids(engine.search(SearchQuery(text=word)))
    assert whole
    assert whole <= ids(engine.search(SearchQuery(text=prefix)))


def test_a_name_matches_as_it_is_typed(engine, world):
    from tests.search.conftest import make_researcher

    acosta = make_researcher(given_name="Wilfred", family_name="Acosta")
    engine.rebuild()
    assert ids(engine.search(SearchQuery(text="Acost"))) == {acosta.pk}
    assert ids(engine.search(SearchQuery(text="Wilfred Acost"))) == {acosta.pk}
    # Only the last word is a prefix: earlier words are whole words.
    assert engine.search(SearchQuery(text="Wilf Acosta")).total == 0


def test_whole_word_matches_rank_above_prefix_matches(engine, world):
    from tests.search.conftest import make_researcher

    # "Limarev" in a name would outrank a biography on tiers alone; the whole word
    # "Lima" in a biography still comes first.
    by_prefix = make_researcher(given_name="Olga", family_name="Limarev")
    by_word = make_researcher(
        given_name="Zoe", family_name="Zwick", biography="<p>Based in Lima, Peru.</p>"
    )
    engine.rebuild()
    results = engine.search(SearchQuery(text="lima"))
    assert [hit.id for hit in results.hits] == [by_word.pk, by_prefix.pk]


def test_hyphenated_words(engine, indexed):
    assert ids(engine.search(SearchQuery(text="sodium-ion recycling"))) == indexed.ids("emily")


def test_a_question_in_plain_words(engine, indexed):
    text = "who works on direct lithium extraction in Chile and speaks English?"
    assert ids(engine.search(SearchQuery(text=text))) == indexed.ids("jose")


def test_stop_words_alone_list_everyone(engine, indexed):
    assert engine.search(SearchQuery(text="the of de la")).total == 8


def test_names_rank_above_institutions_above_biographies(engine, indexed):
    results = engine.search(SearchQuery(text="Halvorsen"))
    assert [hit.id for hit in results.hits] == [
        indexed.r["halvorsen_name"].pk,
        indexed.r["halvorsen_institution"].pk,
        indexed.r["halvorsen_bio"].pk,
    ]


def test_topic_and_keyword_matches_rank_above_biography_matches(engine, world):
    from tests.search.conftest import make_researcher

    by_bio = make_researcher(
        given_name="Aaron", family_name="Aalto", biography="<p>Some zirconia doping.</p>"
    )
    by_keyword = make_researcher(given_name="Zoe", family_name="Zwick", keywords=["zirconia"])
    engine.rebuild()
    results = engine.search(SearchQuery(text="zirconia"))
    assert [hit.id for hit in results.hits] == [by_keyword.pk, by_bio.pk]


# --------------------------------------------------------------------------------------
# Facets
# --------------------------------------------------------------------------------------


def test_every_facet_is_counted(engine, indexed):
    results = engine.search(SearchQuery())
    assert list(results.facets) == list(FACETS)
    assert facet(results, "country") == {
        "GB": (3, False),
        "AR": (2, False),
        "CL": (2, False),
        "BR": (1, False),
    }
    assert facet(results, "language")["en"] == (6, False)
    assert facet(results, "open_to")["collaboration"] == (3, False)
    assert facet(results, "career_stage")["doctoral"] == (3, False)
    assert facet(results, "institution")["northfield-university"] == (2, False)
    assert facet(results, "topic")["direct-lithium-extraction"] == (3, False)


def test_facet_values_are_ordered_by_count_then_label(engine, indexed):
    for values in engine.search(SearchQuery()).facets.values():
        keys = [(-v.count, v.label.casefold()) for v in values]
        assert keys == sorted(keys)
        assert len(values) <= MAX_FACET_VALUES


def test_labels(engine, indexed):
    results = engine.search(SearchQuery())
    labels = {name: {v.value: v.label for v in values} for name, values in results.facets.items()}
    assert labels["country"]["CL"] == "Chile"
    assert labels["topic"]["cam"] == "Cathode active materials (CAM)"
    assert labels["language"]["es"] == "Spanish"
    assert labels["career_stage"]["early-career"] == "Early-career researcher"
    assert labels["open_to"]["phd-supervision"] == "PhD supervision"
    assert labels["institution"]["northfield-university"] == "Northfield University"


def test_facet_counts_are_disjunctive(engine, indexed):
    results = engine.search(SearchQuery(country=("CL",)))
    assert ids(results) == indexed.ids("jose", "halvorsen_name")
    # The selected facet ignores its own filter: Argentina still shows its 2.
    assert facet(results, "country") == {
        "GB": (3, False),
        "AR": (2, False),
        "CL": (2, True),
        "BR": (1, False),
    }
    # Every other facet applies it.
    assert facet(results, "topic") == {
        "cam": (1, False),
        "direct-lithium-extraction": (1, False),
        "second-life": (1, False),
    }
    assert facet(results, "language") == {"en": (2, False), "es": (1, False)}


def test_values_of_one_facet_are_ored(engine, indexed):
    results = engine.search(SearchQuery(country=("CL", "AR")))
    assert ids(results) == indexed.ids("jose", "halvorsen_name", "maria", "halvorsen_bio")
    open_to = engine.search(SearchQuery(open_to=("collaboration", "mentoring")))
    assert ids(open_to) == indexed.ids("jose", "ana", "tom", "maria")
    languages = engine.search(SearchQuery(language=("pt", "es")))
    assert ids(languages) == indexed.ids("jose", "ana", "tom", "maria", "halvorsen_bio")


def test_facets_are_anded(engine, indexed):
    results = engine.search(SearchQuery(country=("GB",), topic=("direct-lithium-extraction",)))
    assert ids(results) == indexed.ids("tom")
    assert facet(results, "country") == {"GB": (1, True), "AR": (1, False), "CL": (1, False)}
    assert facet(results, "topic") == {
        "direct-lithium-extraction": (1, True),
        "recycling-and-circular-supply-chains": (1, False),
        "second-life": (1, False),
        "sodium-ion-and-next-generation-chemistries": (1, False),
    }


def test_text_and_facets_together(engine, indexed):
    results = engine.search(SearchQuery(text="lithium", country=("CL", "GB"), topic=("cam",)))
    assert ids(results) == indexed.ids("jose")
    assert facet(results, "country") == {"AR": (1, False), "CL": (1, True), "GB": (0, True)}
    assert facet(results, "topic") == {"cam": (1, True), "direct-lithium-extraction": (2, False)}


def test_every_facet_filters(engine, indexed):
    cases = {
        "institution": (("universidade-ficticia-de-sao-paulo",), {"ana"}),
        "career_stage": (("senior",), {"emily", "maria"}),
        "language": (("pt",), {"ana"}),
        "open_to": (("phd-supervision",), {"emily"}),
        "topic": (("sodium-ion-and-next-generation-chemistries",), {"emily"}),
        "country": (("BR",), {"ana"}),
    }
    for name, (values, expected) in cases.items():
        assert ids(engine.search(SearchQuery(**{name: values}))) == indexed.ids(*expected), name


def test_unknown_selected_values_find_nobody_and_stay_listed(engine, indexed):
    results = engine.search(SearchQuery(topic=("no-such-topic",), country=("FR",)))
    assert results.total == 0
    assert results.hits == []
    assert facet(results, "topic") == {"no-such-topic": (0, True)}
    assert facet(results, "country")["FR"] == (0, True)
    assert {v.value: v.label for v in results.facets["country"]}["FR"] == "France"


# --------------------------------------------------------------------------------------
# Pages and sorting
# --------------------------------------------------------------------------------------


def test_pages_cover_every_result_once(engine, indexed):
    seen = []
    for page in (1, 2, 3):
        results = engine.search(SearchQuery(page=page, page_size=3))
        assert results.total == 8
        seen += [hit.id for hit in results.hits]
    assert len(seen) == len(set(seen)) == 8
    past_the_end = engine.search(SearchQuery(page=4, page_size=3))
    assert past_the_end.hits == [] and past_the_end.total == 8


def test_sort_by_name_ignores_relevance(engine, indexed):
    results = engine.search(SearchQuery(text="Halvorsen", sort="name"))
    assert names(results) == ["Aaron Aardvark", "Aaron Abbott", "Ingrid Halvorsen"]


def test_sort_by_last_updated(engine, indexed):
    now = timezone.now()
    for offset, key in enumerate(["ana", "tom", "jose"]):
        ResearcherPage.objects.filter(pk=indexed.r[key].pk).update(
            last_published_at=now + timedelta(days=10 - offset)
        )
    ResearcherPage.objects.exclude(pk__in=indexed.ids("ana", "tom", "jose")).update(
        last_published_at=now - timedelta(days=30)
    )
    engine.rebuild()
    results = engine.search(SearchQuery(sort="updated", page_size=3))
    assert names(results) == ["Ana Souza", "Tom Baker", "José Pérez"]


# --------------------------------------------------------------------------------------
# Hits
# --------------------------------------------------------------------------------------


def test_a_hit_carries_what_a_result_shows(engine, indexed):
    jose = indexed.r["jose"]
    (hit,) = engine.search(SearchQuery(text="Jose Perez")).hits
    assert hit.id == jose.pk
    assert hit.name == "José Pérez"
    assert hit.url == jose.url
    assert hit.job_title == "Investigador postdoctoral"
    assert hit.institution == "Universidad Ficticia de Chile"
    assert hit.country == "CL"
    assert sorted(hit.topics) == ["cam", "direct-lithium-extraction"]


def test_snippets_highlight_matches(engine, indexed):
    (hit,) = engine.search(SearchQuery(text="sodium-ion recycling")).hits
    assert "<mark>recycling</mark>" in hit.snippet
    assert "<mark>sodium</mark>" in hit.snippet


def test_snippets_are_escaped(engine, world):
    from tests.search.conftest import make_researcher

    make_researcher(
        given_name="Eve",
        family_name="Tester",
        biography="<p>Writes &lt;script&gt;alert(1)&lt;/script&gt; about lithium &amp; cobalt.</p>",
    )
    engine.rebuild()
    (hit,) = engine.search(SearchQuery(text="cobalt")).hits
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>cobalt</mark>" in hit.snippet


def test_no_email_address_is_ever_returned(engine, indexed):
    results = engine.search(SearchQuery(text="researcher0"))
    everything = engine.search(SearchQuery(page_size=100))
    similar = engine.similar(indexed.r["tom"].pk)
    assert "@" not in repr(everything) + repr(results) + repr(similar)
    assert engine.search(SearchQuery(text="uni.example.org")).total == 0


# --------------------------------------------------------------------------------------
# Autocomplete and similar researchers
# --------------------------------------------------------------------------------------


def test_autocomplete_names_topics_and_institutions(engine, indexed):
    (jose,) = [s for s in engine.autocomplete("jos per") if s.kind == "researcher"]
    assert jose.label == "José Pérez" and jose.url == indexed.r["jose"].url
    assert [s.label for s in engine.autocomplete("pére") if s.kind == "researcher"] == [
        "José Pérez"
    ]
    institutions = [s for s in engine.autocomplete("sao") if s.kind == "institution"]
    assert [s.label for s in institutions] == ["Universidade Fictícia de São Paulo"]
    topics = [s for s in engine.autocomplete("recyc") if s.kind == "topic"]
    assert [s.label for s in topics] == ["Recycling and circular supply chains"]
    assert topics[0].url == "/directory/topics/recycling-and-circular-supply-chains/"


def test_autocomplete_without_matches_or_text(engine, indexed):
    assert engine.autocomplete("xyzzyq") == []
    assert engine.autocomplete("") == []
    assert engine.autocomplete("   ") == []
    assert len(engine.autocomplete("a", limit=3)) <= 3


def test_similar_researchers_favour_the_other_region(engine, indexed):
    tom = engine.similar(indexed.r["tom"].pk)
    assert [hit.id for hit in tom[:2]] == [indexed.r["maria"].pk, indexed.r["jose"].pk]
    assert indexed.r["tom"].pk not in {hit.id for hit in tom}

    emily = engine.similar(indexed.r["emily"].pk)
    assert emily[0].id == indexed.r["ana"].pk  # Brazil, shares recycling

    jose = engine.similar(indexed.r["jose"].pk)
    assert jose[0].id == indexed.r["tom"].pk  # the UK first, then Argentina
    assert jose[1].id == indexed.r["maria"].pk
    assert indexed.r["jose"].pk not in {hit.id for hit in jose}


def test_similar_respects_the_limit_and_unknown_ids(engine, indexed):
    assert len(engine.similar(indexed.r["halvorsen_bio"].pk, limit=1)) == 1
    assert engine.similar(999_999) == []


# --------------------------------------------------------------------------------------
# Keeping the index current
# --------------------------------------------------------------------------------------


def test_index_and_remove_researchers(engine, indexed):
    ana = ResearcherPage.objects.get(pk=indexed.r["ana"].pk)
    ana.job_title = "Coordenadora de hidrometalurgia avançada"
    ana.save()
    engine.index_researchers([ana.pk])
    assert ids(engine.search(SearchQuery(text="coordenadora"))) == {ana.pk}

    engine.remove_researchers([ana.pk])
    assert engine.search(SearchQuery(text="Souza")).total == 0
    assert engine.search(SearchQuery()).total == 7


def test_unpublished_profiles_leave_the_index(engine, indexed):
    maria = indexed.r["maria"]
    ResearcherPage.objects.filter(pk=maria.pk).update(live=False)
    engine.index_researchers([maria.pk])
    assert engine.search(SearchQuery(text="Gonzalez")).total == 0
    assert engine.rebuild() == 7


# --------------------------------------------------------------------------------------
# View restrictions: a profile in a private section is never indexed
# --------------------------------------------------------------------------------------

RESTRICTION_KINDS = [
    PageViewRestriction.PASSWORD,
    PageViewRestriction.LOGIN,
    PageViewRestriction.GROUPS,
]


@pytest.mark.parametrize("kind", RESTRICTION_KINDS)
def test_a_restricted_profile_is_found_nowhere(engine, world, quiet_index, kind):
    ana, emily = world.r["ana"], world.r["emily"]
    assert engine.rebuild() == 8
    assert ana.pk in {hit.id for hit in engine.similar(emily.pk)}

    restrict(ana, kind)
    assert engine.rebuild() == 7
    assert engine.search(SearchQuery(text="Souza")).total == 0
    assert engine.search(SearchQuery(text="hidrometalurgia")).total == 0  # her bio, keyword
    everyone = engine.search(SearchQuery(page_size=100))
    assert everyone.total == 7 and ana.pk not in ids(everyone)
    assert "BR" not in facet(everyone, "country")  # she was the only one in Brazil
    assert not [s for s in engine.autocomplete("Ana Sou") if s.kind == "researcher"]
    assert ana.pk not in {hit.id for hit in engine.similar(emily.pk)}
    assert engine.similar(ana.pk) == []


def test_a_restriction_on_an_ancestor_hides_every_profile_below_it(engine, world, quiet_index):
    restrict(world.r["jose"].get_parent(), PageViewRestriction.LOGIN)  # the directory
    assert engine.rebuild() == 0
    assert engine.search(SearchQuery()).total == 0
    assert engine.autocomplete("Jose") == []


def test_adding_and_removing_a_restriction_updates_the_index(engine, indexed, quiet_index):
    ana = indexed.r["ana"]
    restriction = restrict(ana)
    engine.index_researchers([ana.pk])
    assert engine.search(SearchQuery(text="Souza")).total == 0
    assert engine.search(SearchQuery()).total == 7

    restriction.delete()
    engine.index_researchers([ana.pk])
    assert ids(engine.search(SearchQuery(text="Souza"))) == {ana.pk}
    assert engine.search(SearchQuery()).total == 8

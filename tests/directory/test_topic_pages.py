"""Topic pages read like the directory: same cards, page size and country names;
a parent topic gathers its subtopics' researchers; /directory/topics/ lists them all."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Topic
from search.types import DEFAULT_PAGE_SIZE
from tests.directory.test_pages import card_titles
from tests.factories import InstitutionFactory, ResearcherPageFactory

pytestmark = pytest.mark.django_db


def researcher(given: str, family: str, *slugs: str, **fields):
    return ResearcherPageFactory(
        given_name=given,
        family_name=family,
        title="",
        topics=[Topic.objects.get(slug=slug) for slug in slugs],
        **fields,
    )


@pytest.fixture
def lithium_people():
    chile = InstitutionFactory(name="Universidad de Atacama", country="CL")
    return [
        researcher("Alba", "Quispe", "direct-lithium-extraction", institution=chile),
        researcher(
            "Bruno",
            "Silva",
            "lithium-refining-and-chemicals",
            country="BR",
            job_title="",
            institution=None,
        ),
        # On the parent and a subtopic: counted and listed once.
        researcher("Carmen", "Rojas", "raw-materials", "direct-lithium-extraction"),
        researcher("Dan", "Smith", "second-life", country="GB"),
    ]


def test_parent_topic_counts_and_lists_its_subtopics_researchers(client, lithium_people):
    html = client.get("/directory/topics/raw-materials/").content.decode()
    assert card_titles(html) == ["Alba Quispe", "Carmen Rojas", "Bruno Silva"]
    assert "3 researchers</h2>" in html
    # The way on to the directory selects the parent and every subtopic.
    link = re.search(r'href="(/directory/\?topic=raw-materials[^"]*)"', html).group(1)
    assert link.count("topic=") == 3


def test_a_subtopic_lists_only_its_own(client, lithium_people):
    html = client.get("/directory/topics/direct-lithium-extraction/").content.decode()
    assert card_titles(html) == ["Alba Quispe", "Carmen Rojas"]


def test_topic_cards_read_like_the_directory(client, lithium_people):
    html = client.get("/directory/topics/raw-materials/").content.decode()
    assert "Universidad de Atacama · Chile" in html
    assert "· CL<" not in html and "· BR<" not in html
    assert re.search(r">\s*Brazil</p>", html)  # no job title, no institution: no separator
    assert '<ul class="cards researcher-list">' in html
    assert "search/search.css" in html  # the directory's stylesheet


def test_topic_pages_use_the_directory_page_size(client):
    for n in range(DEFAULT_PAGE_SIZE + 3):
        researcher("Many", f"Person {n:02d}", "second-life")
    html = client.get("/directory/topics/second-life/").content.decode()
    assert len(card_titles(html)) == DEFAULT_PAGE_SIZE
    second = client.get("/directory/topics/second-life/?page=2").content.decode()
    assert len(card_titles(second)) == 3


def test_topic_index_lists_every_topic_with_counts(client, lithium_people):
    response = client.get("/directory/topics/")
    assert response.status_code == 200
    html = response.content.decode()
    for topic in Topic.objects.all():
        assert f'href="{topic.get_absolute_url()}"' in html
    assert re.search(r">Raw materials</a> <span class=\"count\">3 researchers<", html)
    assert re.search(r">Direct lithium extraction</a> <span class=\"count\">2 researchers<", html)
    assert re.search(r">Second life</a> <span class=\"count\">1 researcher<", html)
    # Topic pages lead back to the list.
    topic_page = client.get("/directory/topics/second-life/").content.decode()
    assert 'href="/directory/topics/"' in topic_page


def test_topic_index_is_a_fixed_number_of_queries(client, lithium_people):
    client.get("/directory/topics/")  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get("/directory/topics/")
    for n in range(10):
        researcher("More", f"People {n}", "cam", "pcam", "second-life")
    Topic.objects.create(name="A new topic", parent=Topic.objects.get(slug="raw-materials"))
    with CaptureQueriesContext(connection) as many:
        client.get("/directory/topics/")
    assert len(few) == len(many)


def test_a_person_on_two_subtopics_counts_once_for_the_parent(client):
    researcher("Elena", "Paz", "cam", "pcam")
    researcher("Fabio", "Reis", "cam")
    hidden = researcher("Gil", "Draft", "cam")
    hidden.unpublish()
    html = client.get("/directory/topics/").content.decode()
    assert re.search(
        r">Electrode and electrolyte materials</a> <span class=\"count\">2 researchers<", html
    )
    assert re.search(
        r">Cathode active materials \(CAM\)</a> <span class=\"count\">2 researchers<", html
    )
    assert re.search(
        r">Precursor cathode active materials \(pCAM\)</a> <span class=\"count\">1 researcher<",
        html,
    )

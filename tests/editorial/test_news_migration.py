"""Moving news from `website/` to `editorial/` keeps every page (issue 10, point 1).

A news page is made with the *old* models, in a database migrated back to before
the move; then the migrations run forwards and the page must still be there with
the same id, URL, content type row, topics and newsletter foreign key. Runs on SQLite
and PostgreSQL alike (`DATABASE_URL`).
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Page

from editorial.models import NewsPage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

#: The last migrations before the move, and the app that did not exist yet.
BEFORE = [
    ("website", "0004_locales"),
    ("newsletter_issues", "0002_newsletter_archive_page"),
    ("editorial", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def migrate_to_the_end() -> None:
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def applied_state_apps():
    """The historical models of every migration applied now (not just the targets')."""
    loader = MigrationExecutor(connection).loader
    nodes = [node for node in loader.applied_migrations if node in loader.graph.nodes]
    return loader.project_state(nodes).apps


@pytest.fixture(autouse=True)
def _back_to_the_end():
    """Leave the database fully migrated, whatever the test did, for the next tests."""
    yield
    migrate_to_the_end()


def tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def make_old_news_page(apps) -> dict:
    """A published news item with a topic, through the historical `website` models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Topic = apps.get_model("directory", "Topic")
    NewsIndexPage = apps.get_model("website", "NewsIndexPage")
    OldNewsPage = apps.get_model("website", "NewsPage")

    index = NewsIndexPage.objects.get()
    topic = Topic.objects.create(name="Brine chemistry", slug="brine-chemistry")
    content_type = ContentType.objects.get(app_label="website", model="newspage")
    child = index.path + f"{index.numchild + 1:04d}"
    page = OldNewsPage.objects.create(
        title="Pilot plant opens in Antofagasta",
        draft_title="Pilot plant opens in Antofagasta",
        slug="pilot-plant-opens",
        content_type=content_type,
        path=child,
        depth=index.depth + 1,
        numchild=0,
        url_path=f"{index.url_path}pilot-plant-opens/",
        locale_id=index.locale_id,
        live=True,
        summary="Brine in, lithium carbonate out.",
        body="<p>Old body.</p>",
    )
    OldNewsPage.topics.through.objects.create(newspage_id=page.pk, topic_id=topic.pk)
    NewsIndexPage.objects.filter(pk=index.pk).update(numchild=index.numchild + 1)
    return {"pk": page.pk, "content_type_id": content_type.pk, "topic": topic.slug}


def test_news_pages_keep_their_ids_urls_and_content_types(client):
    """One round trip (each costs seconds of migration state): backwards, a page made
    the old way, a stale content-type row as post_migrate could have left, forwards."""
    migrate(BEFORE)
    # Backwards restored the old tables and labels.
    assert {"website_newspage", "website_newspage_topics"} <= tables()
    assert "editorial_newspage" not in tables()
    old_apps = applied_state_apps()
    made = make_old_news_page(old_apps)
    url_before = Page.objects.get(pk=made["pk"]).url_path
    old_apps.get_model("contenttypes", "ContentType").objects.create(
        app_label="editorial", model="newspage"
    )

    migrate_to_the_end()

    assert {"editorial_newspage", "editorial_newspage_topics"} <= tables()
    assert "website_newspage" not in tables()
    page = Page.objects.get(pk=made["pk"])
    assert page.content_type_id == made["content_type_id"]
    assert page.content_type.app_label == "editorial"
    assert page.url_path == url_before
    news = NewsPage.objects.get(pk=made["pk"])
    assert isinstance(page.specific, NewsPage)
    assert news.summary == "Brine in, lithium carbonate out."
    assert [topic.slug for topic in news.topics.all()] == [made["topic"]]
    response = client.get(news.url)
    assert response.status_code == 200
    assert "Pilot plant opens in Antofagasta" in response.content.decode()

    # The stale row is gone; the one the pages (and their permissions) point at stays.
    rows = ContentType.objects.filter(model="newspage")
    assert [(row.pk, row.app_label) for row in rows] == [(made["content_type_id"], "editorial")]

    # Foreign keys into the renamed table follow it, on both databases.
    with connection.cursor() as cursor:
        issue_items = connection.introspection.get_relations(
            cursor, "newsletter_issues_newsletterissueitem"
        )
        topics = connection.introspection.get_relations(cursor, "editorial_newspage_topics")
    assert issue_items["news_page_id"] == ("page_ptr_id", "editorial_newspage")
    assert topics["newspage_id"] == ("page_ptr_id", "editorial_newspage")

"""A profile its researcher unlists leaves both engines' indexes and every search
surface (issue "Researchers keep their own profiles", point 8)."""

from __future__ import annotations

import pytest

from search.engines.database import DatabaseEngine
from tests.fakes.elasticsearch import FakeCluster
from tests.search.es_support import ALIAS, engine_on
from tests.search.test_restrictions import NAME, secret, visible_on  # noqa: F401

pytestmark = pytest.mark.django_db


def test_unlisting_takes_the_profile_out_of_every_search_surface(client, world, secret):  # noqa: F811
    emily = world.r["emily"]
    before = visible_on(client, secret, emily)
    assert all(before.values()), [key for key, shown in before.items() if not shown]

    secret.listed = False
    secret.save_revision().publish()
    shown = visible_on(client, secret, emily)
    assert not any(shown.values()), shown
    assert DatabaseEngine().count() == len(world.r)


def test_elasticsearch_deletes_an_unlisted_profile(fake, people):
    engine = engine_on(fake)
    FakeCluster(fake).create("researchers-old", aliases=[ALIAS])
    ana = people["ana"]
    type(ana).objects.filter(pk=ana.pk).update(listed=False)
    engine.index_researchers([people["jose"].pk, ana.pk])
    operations = [(op, meta["_id"]) for op, meta, _ in fake.last("*", "/_bulk").bulk_operations()]
    assert ("delete", str(ana.pk)) in operations
    assert ("index", str(people["jose"].pk)) in operations

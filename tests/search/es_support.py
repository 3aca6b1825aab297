"""What the Elasticsearch engine tests share besides fixtures (those are in conftest.py).

The engine is tested on a fake transport (`tests.fakes.elasticsearch`) under the
real client, against an alias named as in production.
"""

from __future__ import annotations

from search.engines.elasticsearch import ElasticsearchEngine
from tests.fakes.elasticsearch import FakeElasticsearch

ALIAS = "researchers"


def engine_on(fake: FakeElasticsearch) -> ElasticsearchEngine:
    """The Elasticsearch engine speaking to `fake` instead of a cluster."""
    return ElasticsearchEngine(client=fake.client(), index=ALIAS)

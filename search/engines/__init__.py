"""Which engine answers searches.

The database engine always exists and is the default. With `ELASTICSEARCH_URL`
set, Elasticsearch answers, wrapped in a `FallbackEngine` that hands a request to
the database engine (and logs a warning) whenever Elasticsearch fails, so nobody
sees a 500 because of it. The Elasticsearch modules are imported only then: a
site without Elasticsearch never loads its client.
"""

from __future__ import annotations

from django.conf import settings

from search.engines.database import DatabaseEngine
from search.types import SearchEngine

_engines: dict[tuple, SearchEngine] = {}


def get_engine() -> SearchEngine:
    """The configured engine (one instance per configuration and process)."""
    url = getattr(settings, "ELASTICSEARCH_URL", "")
    if not url:
        return DatabaseEngine()
    key = (
        url,
        getattr(settings, "ELASTICSEARCH_INDEX", "researchers"),
        getattr(settings, "ELASTICSEARCH_TIMEOUT", 2.0),
    )
    engine = _engines.get(key)
    if engine is None:
        engine = _engines[key] = _elasticsearch_engine(*key)
    return engine


def _elasticsearch_engine(url: str, index: str, timeout: float) -> SearchEngine:
    # `elasticsearch` is a dependency (pyproject.toml); imported here only so that a
    # site without ELASTICSEARCH_URL never loads the client.
    from search.engines.elasticsearch import ElasticsearchEngine
    from search.engines.fallback import FallbackEngine

    primary = ElasticsearchEngine(url=url, index=index, timeout=timeout)
    return FallbackEngine(primary, DatabaseEngine())


def reset_engines() -> None:
    """Forget cached engines (tests that change the settings call this)."""
    _engines.clear()

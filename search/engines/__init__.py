"""Which engine answers searches.

The database engine always exists and is the default. With `ELASTICSEARCH_URL`
set, Elasticsearch answers, wrapped in a `FallbackEngine` that hands a request to
the database engine (and logs a warning) whenever Elasticsearch fails, so nobody
sees a 500 because of it. The Elasticsearch modules are imported only then: a
site without Elasticsearch never loads its client.
"""

from __future__ import annotations

import logging

from django.conf import settings

from search.engines.database import DatabaseEngine
from search.types import SearchEngine

logger = logging.getLogger(__name__)

_engines: dict[tuple, SearchEngine] = {}


def get_database_engine() -> DatabaseEngine:
    return DatabaseEngine()


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
    try:
        from search.engines.elasticsearch import ElasticsearchEngine
        from search.engines.fallback import FallbackEngine
    except ImportError:
        logger.warning(
            "ELASTICSEARCH_URL is set but the Elasticsearch engine is not installed; "
            "searching the database instead."
        )
        return DatabaseEngine()
    if hasattr(ElasticsearchEngine, "from_settings"):
        primary = ElasticsearchEngine.from_settings()
    else:
        primary = ElasticsearchEngine(url=url, index=index, timeout=timeout)
    return FallbackEngine(primary, DatabaseEngine())


def reset_engines() -> None:
    """Forget cached engines (tests that change the settings call this)."""
    _engines.clear()

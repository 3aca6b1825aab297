"""Answer from a second engine when the first one fails: nobody gets a 500 from search.

`FallbackEngine(ElasticsearchEngine(), DatabaseEngine())` is what ``get_engine()``
returns when ``ELASTICSEARCH_URL`` is set.

Reads (search, autocomplete, similar) go to the primary; if it raises, a
WARNING naming the error is logged and the fallback answers. The results say
who answered (`SearchResults.engine`). After a failure the primary is skipped
for `cooldown` seconds, so a hung cluster costs one timeout, not one per request.

Writes (index_researchers, remove_researchers, rebuild) go to *both* engines,
fallback first, and errors are *raised*, not swallowed: the index-update task is
then recorded as failed by django-tasks (and can be re-run), and
``search_index --rebuild`` repairs anything missed while Elasticsearch was down.
Swallowing them would lose the change silently; queueing them here would
duplicate what django-tasks already does durably.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from elastic_transport import TransportError
from elasticsearch import ApiError

from search.types import Hit, SearchEngine, SearchQuery, SearchResults, Suggestion

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Errors that mean "the search service is unavailable or unhappy", as opposed to a
# bug in our code: connection refused/reset, timeouts, TLS, 5xx/429 responses, an
# index that does not exist yet (404), and a server that is not Elasticsearch.
SERVICE_ERRORS: tuple[type[BaseException], ...] = (TransportError, ApiError)


def _level_for(error: BaseException) -> int:
    """WARNING for an outage; ERROR for a request Elasticsearch calls malformed (our bug)."""
    status = getattr(getattr(error, "meta", None), "status", None)
    client_error = isinstance(status, int) and 400 <= status < 500
    if isinstance(error, ApiError) and client_error and status not in (404, 408, 429):
        return logging.ERROR
    return logging.WARNING


class FallbackEngine:
    """Delegates to `primary`, answering from `fallback` when `primary` fails."""

    def __init__(self, primary: SearchEngine, fallback: SearchEngine, *, cooldown: float = 15.0):
        self.primary = primary
        self.fallback = fallback
        self.cooldown = cooldown
        self.name = primary.name
        self._skip_until = 0.0

    def _read(self, operation: str, call: Callable[[SearchEngine], T]) -> T:
        if time.monotonic() < self._skip_until:
            logger.debug("%s skipped for %s (recent failure)", self.primary.name, operation)
            return call(self.fallback)
        try:
            return call(self.primary)
        except SERVICE_ERRORS as error:
            logger.log(
                _level_for(error),
                "Search engine %r failed on %s (%s: %s); answering from %r",
                self.primary.name,
                operation,
                type(error).__name__,
                error,
                self.fallback.name,
            )
        except Exception:
            # Not an outage but a bug (in parsing, say): still no 500 for the user,
            # but logged as an error with the traceback so it gets fixed.
            logger.exception(
                "Search engine %r raised on %s; answering from %r",
                self.primary.name,
                operation,
                self.fallback.name,
            )
        self._skip_until = time.monotonic() + self.cooldown
        return call(self.fallback)

    def search(self, query: SearchQuery) -> SearchResults:
        return self._read("search", lambda engine: engine.search(query))

    def autocomplete(self, text: str, limit: int = 8) -> list[Suggestion]:
        return self._read("autocomplete", lambda engine: engine.autocomplete(text, limit))

    def similar(self, researcher_id: int, limit: int = 6) -> list[Hit]:
        return self._read("similar", lambda engine: engine.similar(researcher_id, limit))

    def _write(self, call: Callable[[SearchEngine], Any]) -> Any:
        """Run on both engines (fallback first); raise the first error after both ran."""
        results, error = [], None
        for engine in (self.fallback, self.primary):
            try:
                results.append(call(engine))
            except Exception as exc:
                results.append(None)
                error = error or exc
        if error is not None:
            raise error
        return results[-1]

    def index_researchers(self, pks: list[int]) -> None:
        self._write(lambda engine: engine.index_researchers(pks))

    def remove_researchers(self, pks: list[int]) -> None:
        self._write(lambda engine: engine.remove_researchers(pks))

    def rebuild(self, progress=None) -> int:
        """Rebuild both; progress is reported for the primary, whose count is returned."""
        self.fallback.rebuild()
        return self.primary.rebuild(progress)

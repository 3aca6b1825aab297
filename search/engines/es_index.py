"""The Elasticsearch index's life cycle: live writes, rebuilds, the zero-downtime swap.

* Searches and writes go through the alias ``ELASTICSEARCH_INDEX``; the concrete
  index behind it is ``<alias>-<timestamp>``. ``rebuild`` loads a new index and
  swaps the alias in one ``_aliases`` request, so searches never see an empty or
  half-built index.
* While a rebuild runs, the new index is also reachable through the alias
  ``<alias>-rebuilding``. ``index_researchers``/``remove_researchers`` look it up
  and write to both, the rebuild loads with ``create`` (never overwriting a
  document a live write already put there), and just before the swap it deletes
  every document whose profile stopped being published meanwhile. The marker
  lives in Elasticsearch itself, so every process sees it: web, task worker and
  the management command.
* Every write goes through an alias with ``require_alias=true``: a write can
  never auto-create a dynamically mapped index under a stale name.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from elasticsearch import Elasticsearch
from elasticsearch.helpers import streaming_bulk

from search.engines.es_documents import (
    documents_for,
    indexable_researchers,
    iter_all_documents,
    researcher_index,
)
from search.types import ProgressCallback

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


class IndexWriteError(Exception):
    """Elasticsearch rejected some index writes; `errors` holds the bulk items."""

    def __init__(self, message: str, errors: list[dict[str, Any]]):
        super().__init__(f"{message}: {errors[:3]!r}")
        self.errors = errors


class AliasedIndex:
    """The researcher index behind its alias, as the engine writes and rebuilds it."""

    def __init__(self, writer: Elasticsearch, alias: str, refresh: bool | str):
        """`writer`: a client with the write timeout. `refresh`: see ElasticsearchEngine."""
        self.writer = writer
        self.alias = alias
        self.rebuild_alias = f"{alias}-rebuilding"
        self.refresh = refresh

    def write_targets(self) -> list[str]:
        """The aliases a live write must reach: the live one, and a rebuild's new index."""
        targets = [self.alias]
        if self.writer.indices.exists_alias(name=self.rebuild_alias):
            targets.append(self.rebuild_alias)
        return targets

    def index_researchers(self, pks: list[int]) -> None:
        """Bring these profiles up to date: (re)index the published, delete the rest.

        Raises on failure (cluster down, rejected documents) so the django-tasks
        task is recorded as failed and can be re-run; see docs/elasticsearch.md.
        """
        pks = list(dict.fromkeys(int(pk) for pk in pks))
        if not pks:
            return
        targets = self.write_targets()
        for start in range(0, len(pks), BATCH_SIZE):
            chunk = pks[start : start + BATCH_SIZE]
            docs = documents_for(chunk)
            actions = []
            for pk in chunk:
                for target in targets:
                    if pk in docs:
                        actions.append({"_index": target, "_id": str(pk), "_source": docs[pk]})
                    else:
                        actions.append({"_op_type": "delete", "_index": target, "_id": str(pk)})
            self._write(actions, self._refresh_for(targets))

    def remove_researchers(self, pks: list[int]) -> None:
        """Delete these profiles' documents (deleted or unpublished pages)."""
        pks = list(dict.fromkeys(int(pk) for pk in pks))
        if not pks:
            return
        targets = self.write_targets()
        self._write(
            (
                {"_op_type": "delete", "_index": target, "_id": str(pk)}
                for pk in pks
                for target in targets
            ),
            self._refresh_for(targets),
        )

    def _refresh_for(self, targets: list[str]) -> bool | str:
        """No waiting while a rebuild runs: its new index has refreshes switched off
        until just before the swap, so "wait_for" would hang until then."""
        return self.refresh if targets == [self.alias] else False

    def _write(self, actions: Iterable[dict[str, Any]], refresh: bool | str) -> None:
        errors = []
        for ok, item in streaming_bulk(
            self.writer,
            actions,
            chunk_size=BATCH_SIZE,
            raise_on_error=False,
            require_alias=True,
            refresh=refresh,
        ):
            if not ok and not self._harmless(item):
                errors.append(item)
        if errors:
            raise IndexWriteError("Elasticsearch rejected index writes", errors)

    def _harmless(self, item: dict[str, Any]) -> bool:
        """Failures that mean "nothing to do" rather than "data lost"."""
        op, info = next(iter(item.items()))
        error = info.get("error") or {}
        error_type = error.get("type", "") if isinstance(error, dict) else ""
        if error_type == "index_not_found_exception":
            if info.get("_index") == self.rebuild_alias:
                # The rebuild swapped between our alias lookup and this write, so
                # the live alias (written in the same request) is the new index.
                return True
            logger.warning(
                "Elasticsearch alias %r does not exist yet: run `manage.py search_index "
                "--rebuild`. Write to it skipped (%s).",
                self.alias,
                error.get("reason", error_type),
            )
            return True
        # A delete of a document that was never indexed.
        return op == "delete" and info.get("status") == 404

    # Rebuilding ------------------------------------------------------------------------

    def indices_behind(self, name: str) -> dict[str, dict[str, Any]]:
        """Concrete indices behind alias `name` ({} when none); a concrete index named
        `name` comes back keyed by `name` itself."""
        response = self.writer.options(ignore_status=404).indices.get_alias(index=name)
        if response.meta.status == 404:
            return {}
        return dict(response.body)

    def new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    def rebuild(self, progress: ProgressCallback | None = None) -> int:
        """Build a new index from the database and swap the alias to it atomically.

        Returns the number of profiles indexed. `progress(done, total)` is called
        as batches are written. On failure the new index is deleted and the live
        one is left untouched.
        """
        client = self.writer
        new = self.new_index_name()
        stale = list(self.indices_behind(self.rebuild_alias))
        index = researcher_index(new)
        # No refreshes while loading: faster, and nobody searches this index yet.
        index.settings(refresh_interval="-1")
        index.create(using=client)
        try:
            if stale:
                logger.warning(
                    "Taking over from an unfinished rebuild of %r: deleting %s",
                    self.alias,
                    ", ".join(stale),
                )
            # From here on, live writes also reach the new index.
            client.indices.update_aliases(
                actions=[
                    *({"remove_index": {"index": name}} for name in stale),
                    {"add": {"index": new, "alias": self.rebuild_alias}},
                ]
            )
            total = indexable_researchers().count()
            if progress is not None:
                progress(0, total)
            loaded = self._load(total, progress)
            self._drop_unpublished(loaded)
            client.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
            client.indices.refresh(index=new)
            self._swap(new)
        except BaseException:
            self._discard(new)
            raise
        return len(loaded)

    def _load(self, total: int, progress: ProgressCallback | None) -> set[int]:
        loaded: set[int] = set()
        errors: list[dict[str, Any]] = []

        def actions() -> Iterator[dict[str, Any]]:
            for batch in iter_all_documents(BATCH_SIZE):
                for doc in batch:
                    # `create`: a live write that already reached the new index
                    # holds fresher data than this batch may; keep it (409).
                    yield {
                        "_op_type": "create",
                        "_index": self.rebuild_alias,
                        "_id": str(doc["id"]),
                        "_source": doc,
                    }

        done = 0
        for ok, item in streaming_bulk(
            self.writer,
            actions(),
            chunk_size=BATCH_SIZE,
            raise_on_error=False,
            require_alias=True,
        ):
            info = next(iter(item.values()))
            if ok or info.get("status") == 409:
                loaded.add(int(info["_id"]))
            else:
                errors.append(item)
            done += 1
            if progress is not None and done % BATCH_SIZE == 0:
                progress(done, max(total, done))
        if errors:
            raise IndexWriteError("Elasticsearch rejected documents during the rebuild", errors)
        if progress is not None and done % BATCH_SIZE:
            progress(done, max(total, done))
        return loaded

    def _drop_unpublished(self, loaded: set[int]) -> None:
        """Delete documents whose profile was unpublished or deleted during the load.

        A batch read just before an unpublish may be written just after the task
        deleted the document; one id query closes that gap before the swap.
        """
        gone = loaded - set(indexable_researchers().values_list("pk", flat=True))
        if gone:
            self._write(
                (
                    {"_op_type": "delete", "_index": self.rebuild_alias, "_id": str(pk)}
                    for pk in sorted(gone)
                ),
                refresh=False,  # the rebuild refreshes before the swap
            )
            loaded -= gone

    def _swap(self, new: str) -> None:
        """Point the alias at `new` in one request, then delete what it pointed at."""
        current = self.indices_behind(self.alias)
        actions: list[dict[str, Any]] = []
        old = []
        for name in current:
            if name == self.alias:  # a concrete index squatting the alias name
                actions.append({"remove_index": {"index": name}})
            else:
                actions.append({"remove": {"index": name, "alias": self.alias}})
                old.append(name)
        actions.append({"add": {"index": new, "alias": self.alias}})
        # must_exist: if another rebuild took over meanwhile, fail instead of swapping.
        actions.append({"remove": {"index": new, "alias": self.rebuild_alias, "must_exist": True}})
        self.writer.indices.update_aliases(actions=actions)
        if old:
            self.writer.options(ignore_status=404).indices.delete(index=",".join(old))

    def _discard(self, new: str) -> None:
        """Delete a failed rebuild's index, unless it went live after all.

        The swap may have succeeded with its response lost (a timeout): deleting
        the index then would take the live alias with it. When even that check
        fails, the index is left for the next rebuild to clean up.
        """
        try:
            if new in self.indices_behind(self.alias):
                return
            self.writer.options(ignore_status=404).indices.delete(index=new)
        except Exception:
            logger.warning("Could not delete the unfinished index %r", new, exc_info=True)

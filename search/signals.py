"""Which changes reach the search index, and when.

A profile's searchable data is spread over several tables: the page, its topics,
languages and affiliations (many-to-many), keywords (taggit), publications
(child rows), its institution, and the topic names. Each change is noted here by
the researcher ids it affects, and indexed by `search.tasks`:

* page saved, published or unpublished, and changes to its relations: index;
* page deleted: remove;
* `directory.bulk.researchers_bulk_saved` (imports, demo data): index those ids;
* an institution renamed: index the researchers that show it;
* a topic's names, synonyms, slug or parent changed, or a spoken language's names:
  index the researchers tagged with it (or a sub-topic), in a task that finds
  them and enqueues them in batches (`search.tasks.reindex_taxonomy_task`);
* a view restriction added, changed or removed, or a page moved: index every
  profile at or below that page, since only profiles outside private sections
  are indexed (`search.documents.listed_researchers`);
* any topic, language or institution saved or deleted: retire the kept facet
  counts at once (their labels are in them; `search.engines.facet_cache`).

Timing: Wagtail saves a page's many-to-many fields and child rows *after*
`post_save`, so an index built at `post_save` would miss them. With a queuing task
backend the ids are collected per transaction and enqueued once when it commits
(one task for an admin publish, not a dozen). With the immediate backend, used in
development and tests where there may be no commit to wait for, every change is
indexed at once; the last one sees the complete profile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from common.batching import batched
from directory.bulk import researchers_bulk_saved
from directory.models import (
    Institution,
    Language,
    ResearcherKeyword,
    ResearcherPage,
    ResearcherPublication,
    Topic,
)
from search.engines import facet_cache
from search.tasks import (
    index_researchers_task,
    reindex_taxonomy_task,
    remove_researchers_task,
)

logger = logging.getLogger(__name__)

#: Bulk saves are enqueued in tasks of at most this many ids.
TASK_CHUNK = 1000

_state = threading.local()


def _pending() -> dict[str, set[int]]:
    if not hasattr(_state, "pending"):
        _state.pending = {}
    return _state.pending


def _runs_inline() -> bool:
    # `django_tasks.default_task_backend` is a proxy: isinstance() needs the backend.
    return isinstance(task_backends[index_researchers_task.backend], ImmediateBackend)


def _enqueue(kind: str, pks: list[int]) -> None:
    task = index_researchers_task if kind == "index" else remove_researchers_task
    for chunk in batched(pks, TASK_CHUNK):
        try:
            task.enqueue(chunk)
        except Exception:  # a broken queue must not break saving a profile
            logger.exception("Could not enqueue search %s of researchers %s", kind, pks)


def _flush() -> None:
    pending = {kind: sorted(pks) for kind, pks in _pending().items()}
    _pending().clear()
    removed = set(pending.get("remove", ()))
    if removed:
        _enqueue("remove", sorted(removed))
    indexed = [pk for pk in pending.get("index", ()) if pk not in removed]
    if indexed:
        _enqueue("index", indexed)


def schedule(kind: str, pks: Iterable[int]) -> None:
    """Index (kind "index") or remove ("remove") these researchers soon."""
    pks = sorted({int(pk) for pk in pks if pk is not None})
    if not pks:
        return
    if _runs_inline():
        _enqueue(kind, pks)
        return
    connection = transaction.get_connection()
    if not any(item[1] is _flush for item in connection.run_on_commit):
        # No flush waiting: anything pending belongs to a rolled-back transaction.
        _pending().clear()
        if connection.in_atomic_block:
            transaction.on_commit(_flush, robust=True)
            _pending().setdefault(kind, set()).update(pks)
            return
        _pending().setdefault(kind, set()).update(pks)
        _flush()
        return
    _pending().setdefault(kind, set()).update(pks)


def schedule_index(pks: Iterable[int]) -> None:
    schedule("index", pks)


# --------------------------------------------------------------------------------------
# Receivers
# --------------------------------------------------------------------------------------


@receiver(post_save, sender=ResearcherPage)
def researcher_saved(sender, instance: ResearcherPage, raw: bool = False, **kwargs) -> None:
    if not raw:
        schedule_index([instance.pk])


@receiver(page_published)
@receiver(page_unpublished)
def page_changed(sender, instance, **kwargs) -> None:
    if isinstance(instance, ResearcherPage) or getattr(instance, "specific_class", None) is (
        ResearcherPage
    ):
        schedule_index([instance.pk])


@receiver(post_delete, sender=ResearcherPage)
def researcher_deleted(sender, instance: ResearcherPage, **kwargs) -> None:
    schedule("remove", [instance.pk])


def _relation_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if action == "pre_clear" and not reverse:
        return
    if not reverse:
        schedule_index([instance.pk])
    elif action == "pre_clear":
        # The other side (a topic, say) is cleared: its researchers change.
        relation = sender.objects.filter(**{_other_column(sender, instance): instance.pk})
        schedule_index(relation.values_list("researcherpage_id", flat=True))
    elif pk_set:
        schedule_index(pk_set)


def _other_column(through, instance) -> str:
    for field in through._meta.concrete_fields:
        if field.is_relation and isinstance(instance, field.related_model):
            return field.attname
    raise LookupError(through)


for _field in ("topics", "languages", "affiliations"):
    m2m_changed.connect(
        _relation_changed,
        sender=getattr(ResearcherPage, _field).through,
        dispatch_uid=f"search-index-{_field}",
    )


@receiver(post_save, sender=ResearcherPublication)
@receiver(post_delete, sender=ResearcherPublication)
@receiver(post_save, sender=ResearcherKeyword)
@receiver(post_delete, sender=ResearcherKeyword)
def child_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    page_id = getattr(instance, "page_id", None) or getattr(instance, "content_object_id", None)
    if not raw and page_id:
        schedule_index([page_id])


@receiver(post_save, sender=Institution)
def institution_saved(sender, instance: Institution, created: bool, raw: bool = False, **kwargs):
    if created or raw:
        return
    pks = set(instance.researchers.values_list("pk", flat=True))
    pks |= set(instance.affiliated_researchers.values_list("pk", flat=True))
    schedule_index(pks)


#: What of a topic or language is indexed with the profiles that show it.
SEARCHED_FIELDS = {
    Topic: ("name", "name_es", "name_pt", "synonyms", "slug", "parent_id"),
    Language: ("name", "name_es", "name_pt", "native_name"),
}


@receiver(pre_save, sender=Topic)
@receiver(pre_save, sender=Language)
def taxonomy_saving(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    """Note whether a save changes what is indexed: re-ordering topics or editing a
    description re-indexes nobody."""
    fields = SEARCHED_FIELDS[sender]
    if raw or instance._state.adding:
        instance._search_changed = False
        return
    if update_fields is not None and not {f.removesuffix("_id") for f in fields} & {
        f.removesuffix("_id") for f in update_fields
    }:
        instance._search_changed = False
        return
    old = sender.objects.filter(pk=instance.pk).values(*fields).first()
    instance._search_changed = old is None or any(
        old[field] != getattr(instance, field) for field in fields
    )


@receiver(post_save, sender=Topic)
@receiver(post_save, sender=Language)
def taxonomy_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created or raw or not getattr(instance, "_search_changed", False):
        return
    if sender is Topic:
        schedule_taxonomy(topic_ids=[instance.pk])
    else:
        schedule_taxonomy(language_codes=[instance.pk])


def schedule_taxonomy(topic_ids: Iterable[int] = (), language_codes: Iterable[str] = ()) -> None:
    """Re-index, once the change is committed, everyone these topics or languages
    show on (`search.tasks.reindex_taxonomy_task`)."""
    topic_ids, language_codes = sorted(set(topic_ids)), sorted(set(language_codes))

    def enqueue() -> None:
        try:
            reindex_taxonomy_task.enqueue(topic_ids, language_codes)
        except Exception:  # a broken queue must not break saving a topic
            logger.exception("Could not enqueue search re-index of %s", topic_ids or language_codes)

    if _runs_inline():
        enqueue()
    else:
        transaction.on_commit(enqueue, robust=True)


@receiver(pre_delete, sender=Institution)
@receiver(pre_delete, sender=Topic)
def taxonomy_deleting(sender, instance, **kwargs) -> None:
    """Deleting an institution or topic clears its relations with bare SQL (no
    `m2m_changed`, no `save()`): note who shows it now, index them once it is gone."""
    if isinstance(instance, Institution):
        pks = set(instance.researchers.values_list("pk", flat=True))
        pks |= set(instance.affiliated_researchers.values_list("pk", flat=True))
    else:
        pks = set(instance.researchers.values_list("pk", flat=True))
    instance._search_researcher_pks = pks


@receiver(post_delete, sender=Institution)
@receiver(post_delete, sender=Topic)
def taxonomy_deleted(sender, instance, **kwargs) -> None:
    schedule_index(getattr(instance, "_search_researcher_pks", ()))


@receiver(researchers_bulk_saved)
def researchers_bulk_saved_handler(sender, pks, **kwargs) -> None:
    schedule_index(pks)


def researchers_at_or_below(page_id: int | None) -> list[int]:
    """Profiles in the subtree of a page (the page included), by its tree path."""
    path = Page.objects.filter(pk=page_id).values_list("path", flat=True).first()
    if path is None:  # the page is gone already
        return []
    return list(ResearcherPage.objects.filter(path__startswith=path).values_list("pk", flat=True))


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def view_restriction_changed(sender, instance: PageViewRestriction, raw: bool = False, **kwargs):
    """A restriction hides (or, removed, shows again) the whole subtree below it."""
    if not raw:
        schedule_index(researchers_at_or_below(instance.page_id))


@receiver(post_page_move)
def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs) -> None:
    """A subtree moved elsewhere may enter or leave a private section (and its URLs
    change). Reordering among siblings (same parent) changes neither."""
    if parent_page_before.pk != parent_page_after.pk:
        schedule_index(researchers_at_or_below(instance.pk))


@receiver(post_save, sender=Topic)
@receiver(post_save, sender=Language)
@receiver(post_save, sender=Institution)
@receiver(post_delete, sender=Topic)
@receiver(post_delete, sender=Language)
@receiver(post_delete, sender=Institution)
def labels_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    """Kept facet counts carry these names: a new label is shown at once, even when
    no profile needs re-indexing (a topic nobody has yet, a reordered list)."""
    if not raw:
        with connection.cursor() as cursor:
            facet_cache.index_changed(cursor)

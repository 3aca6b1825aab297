"""Background tasks that keep the search index current (django-tasks).

With the database task backend they run in `manage.py db_worker`, after the
request that changed a profile has committed; with the immediate backend
(development, tests) they run inline. Either way they go through `get_engine()`,
so the configured engine (and, behind Elasticsearch, the database fallback) is
updated.
"""

from __future__ import annotations

from django_tasks import task

from common.batching import batched
from directory.models import ResearcherPage
from search.engines import get_engine

#: A taxonomy change re-indexes its researchers in index tasks of this many ids.
REINDEX_CHUNK = 1000


@task()
def index_researchers_task(pks: list[int]) -> int:
    """Index the live profiles among `pks` and drop the others from the index."""
    get_engine().index_researchers(list(pks))
    return len(pks)


@task()
def remove_researchers_task(pks: list[int]) -> int:
    """Drop deleted profiles from the index."""
    get_engine().remove_researchers(list(pks))
    return len(pks)


@task()
def reindex_taxonomy_task(topic_ids: list[int], language_codes: list[str]) -> int:
    """Re-index everyone a renamed topic or language shows on, in batches.

    A topic's names (three languages) and synonyms are indexed with each profile
    tagged with it or with one of its sub-topics, a language's names with each
    profile that lists it: when they change, those profiles are indexed again.
    The researchers are looked up here, in the worker, not in the editor's
    request, and indexed by `index_researchers_task`s of REINDEX_CHUNK ids each,
    so a topic with thousands of researchers is never one long task.
    """
    pks = researchers_showing(topic_ids, language_codes)
    for chunk in batched(pks, REINDEX_CHUNK):
        index_researchers_task.enqueue(list(chunk))
    return len(pks)


def researchers_showing(topic_ids: list[int], language_codes: list[str]) -> list[int]:
    """Ids of the profiles tagged with these topics (or their sub-topics) or listing
    these languages, in ascending order."""
    pks: set[int] = set()
    if topic_ids:
        pks |= set(ResearcherPage.objects.filter(topics__in=topic_ids).values_list("pk", flat=True))
        pks |= set(
            ResearcherPage.objects.filter(topics__parent__in=topic_ids).values_list("pk", flat=True)
        )
    if language_codes:
        pks |= set(
            ResearcherPage.objects.filter(languages__in=language_codes).values_list("pk", flat=True)
        )
    return sorted(pks)

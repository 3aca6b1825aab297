"""Background tasks that keep the search index current (django-tasks).

With the database task backend they run in `manage.py db_worker`, after the
request that changed a profile has committed; with the immediate backend
(development, tests) they run inline. Either way they go through `get_engine()`,
so the configured engine (and, behind Elasticsearch, the database fallback) is
updated.
"""

from __future__ import annotations

from django_tasks import task

from search.engines import get_engine


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

"""Background work for the directory (django-tasks).

Wagtail's PostgreSQL search backend spends ~3.5 ms of Python a profile building
its `tsvector` SQL, so indexing 10,000 imported profiles inline takes longer than
the import itself (bench/README.md). With the database task backend (production)
the import enqueues this task in chunks and returns; `manage.py db_worker`
catches up. With the immediate backend (development, tests) it runs inline.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task


@task()
def update_wagtail_index_task(pks: list[int]) -> int:
    """Bring Wagtail's own search index (the admin's page search) up to date for `pks`."""
    from wagtail.search.backends import get_search_backends

    from directory.models import ResearcherPage

    backends = list(get_search_backends(with_auto_update=True))
    if not backends:
        return 0
    pages = list(
        ResearcherPage.objects.filter(pk__in=pks)
        .select_related("institution")
        .prefetch_related("topics")
    )
    # One transaction: Wagtail's SQLite backend otherwise commits once per page.
    with transaction.atomic():
        for backend in backends:
            backend.add_bulk(ResearcherPage, pages)
    return len(pages)

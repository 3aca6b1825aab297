"""Pages that are live but not public yet, whichever app knows why.

A newsletter issue is published before it is sent, and must stay off every public
listing until then. The listings (site search, the pages API) belong to apps that
must not import the mailing list, so the app that knows registers a queryset of
such pages here, once, and the listings ask for it.
"""

from collections.abc import Callable

from django.db.models import QuerySet

_sources: list[Callable[[], QuerySet]] = []


def register(source: Callable[[], QuerySet]) -> None:
    """Add a callable returning a page queryset to hide from public listings."""
    if source not in _sources:
        _sources.append(source)


def unlisted_page_ids() -> list[int]:
    """The ids of every page some app hides from public listings, right now."""
    ids: list[int] = []
    for source in _sources:
        ids.extend(source().values_list("pk", flat=True))
    return ids

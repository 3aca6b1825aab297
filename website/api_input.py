"""Hostile input to Wagtail's API v2 answers 400, not 500.

Wagtail hands query values to the database as they come: a double quote or a
NUL in `search` breaks SQLite's FTS5 syntax, whitespace alone leaves the search
backend with no query at all, a number beyond 64 bits (`?offset=`, `?id=`,
`?child_of=`) overflows the database driver, and PostgreSQL refuses NUL in text
(`?locale=`, `find?html_path=`). These checks run before Wagtail's
own, so what reaches the database is always something it can take.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework.request import Request
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

#: The largest value a database integer column (and SQLite's OFFSET) can hold.
MAX_INTEGER = 2**63 - 1
#: Search text is cut to this many characters: nobody types more into a search box.
MAX_SEARCH_LENGTH = 200

_NUMBER = re.compile(r"[+-]?\d+")
_WORD = re.compile(r"\w+")


def search_words(text: str) -> str:
    """The words of a search, without the punctuation and control characters that
    full-text query syntaxes give meaning to (quotes, NUL, `*`, `(`, line breaks)."""
    return " ".join(_WORD.findall(text[:MAX_SEARCH_LENGTH]))


class WordSearchFilter(SearchFilter):
    """Wagtail's `?search=`, given only words; a search without any is a 400."""

    def filter_queryset(self, request: Request, queryset: Any, view: Any) -> Any:
        if "search" not in request.GET:
            return queryset
        if getattr(queryset, "_filtered_by_tag", False):
            raise BadRequestError(_("filtering by tag with a search query is not supported"))
        text = search_words(request.GET["search"])
        if not text:
            raise BadRequestError(_("search must contain at least one letter or digit"))
        operator = request.GET.get("search_operator") or None
        if operator not in (None, "and", "or"):
            raise BadRequestError(_("search_operator must be 'and' or 'or'"))
        try:
            return get_search_backend().search(
                text,
                queryset,
                operator=operator,
                order_by_relevance="order" not in request.GET,
            )
        except FilterFieldError as exc:
            raise BadRequestError(
                _("cannot filter by '%(field)s' while searching (field is not indexed)")
                % {"field": exc.field_name}
            ) from exc
        except OrderByFieldError as exc:
            raise BadRequestError(
                _("cannot order by '%(field)s' while searching (field is not indexed)")
                % {"field": exc.field_name}
            ) from exc


class CheckedInputMixin:
    """For an API v2 viewset: numbers in range, searches in words, ids that are ids."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        for name, value in request.GET.items():
            if _NUMBER.fullmatch(value.strip()) and abs(int(value)) > MAX_INTEGER:
                raise BadRequestError(
                    _("%(name)s cannot be higher than %(maximum)s")
                    % {"name": name, "maximum": MAX_INTEGER}
                )
            # PostgreSQL text cannot hold NUL; `search` drops it with the other punctuation.
            if "\x00" in value and name != "search":
                raise BadRequestError(_("%(name)s cannot contain a NUL character") % {"name": name})

    def find_object(self, queryset: Any, request: Request) -> Any:
        try:
            return super().find_object(queryset, request)
        except (ValueError, ValidationError) as exc:
            raise BadRequestError(_("id must be a whole number")) from exc

    @classmethod
    def checked_filters(cls, backends: list[type]) -> list[type]:
        return [WordSearchFilter if backend is SearchFilter else backend for backend in backends]

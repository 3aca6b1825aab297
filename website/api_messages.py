"""Wagtail API v2's own error texts, in the caller's language.

Wagtail writes its 400 and 404 messages in English without marking them for
translation. The API lives outside the language prefixes, so `TranslatedMessagesMixin`
activates the caller's language (`?lang=`, else Accept-Language; common/i18n_api.py)
and rewrites each of Wagtail's messages it knows through our catalogue, keeping the
values it quotes. A message it does not know is passed on as Wagtail wrote it; ours
(website/api_input.py) are translated where they are raised.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError

from common.i18n_api import LANGUAGE_PARAMETER, activate_api_language

#: (Wagtail's English message as a pattern, our translatable version of it).
MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(pattern), message)
    for pattern, message in [
        (
            r"query parameter is not an operation or a recognised field: (?P<names>.*)",
            _("query parameter is not an operation or a recognised field: %(names)s"),
        ),
        (r"unknown fields: (?P<names>.*)", _("unknown fields: %(names)s")),
        (
            r"'(?P<field>.*)' does not support nested fields",
            _("'%(field)s' does not support nested fields"),
        ),
        (r"fields error: (?P<error>.*)", _("fields error: %(error)s")),
        (r"type doesn't exist", _("type doesn't exist")),
        (r"offset must be a positive integer", _("offset must be a positive integer")),
        (r"limit must be a positive integer", _("limit must be a positive integer")),
        (
            r"limit cannot be higher than (?P<maximum>\d+)",
            _("limit cannot be higher than %(maximum)s"),
        ),
        (
            r"cannot order by '(?P<field>.*)' \(unknown field\)",
            _("cannot order by '%(field)s' (unknown field)"),
        ),
        (
            r"cannot order by '(?P<field>.*)' \(invalid field\)",
            _("cannot order by '%(field)s' (invalid field)"),
        ),
        (
            r"random ordering cannot be combined with other fields",
            _("random ordering cannot be combined with other fields"),
        ),
        (
            r"random ordering with offset is not supported",
            _("random ordering with offset is not supported"),
        ),
        (
            r"(?P<name>child_of|ancestor_of|descendant_of|translation_of)"
            r" must be a positive integer",
            _("%(name)s must be a positive integer"),
        ),
        (r"parent page doesn't exist", _("parent page doesn't exist")),
        (r"descendant page doesn't exist", _("descendant page doesn't exist")),
        (r"ancestor page doesn't exist", _("ancestor page doesn't exist")),
        (r"translation_of page doesn't exist", _("translation_of page doesn't exist")),
        (
            r"filtering by descendant_of with child_of is not supported",
            _("filtering by descendant_of with child_of is not supported"),
        ),
        (
            r"field filter error\. '(?P<value>.*)' is not a valid value"
            r" for (?P<field>\w+) \((?P<error>.*)\)",
            _("field filter error. '%(value)s' is not a valid value for %(field)s (%(error)s)"),
        ),
        (
            r"field filter error\. null characters are not allowed for (?P<field>\w+)",
            _("field filter error. null characters are not allowed for %(field)s"),
        ),
        (r"search is disabled", _("search is disabled")),
        (r"not found", _("not found")),
        (r"No \w+ matches the given query\.", _("not found")),
    ]
]


def translated_message(message: str) -> str:
    """Wagtail's `message` through our catalogue, in the active language."""
    for pattern, translated in MESSAGES:
        if match := pattern.fullmatch(message):
            return str(translated) % match.groupdict() if match.groupdict() else str(translated)
    return message


class TranslatedMessagesMixin:
    """For an API v2 viewset: answer in the caller's language, Wagtail's messages too.

    The viewset must list `LANGUAGE_PARAMETER` in its `known_query_parameters`
    (Wagtail refuses any parameter it does not know).
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        activate_api_language(request)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Http404 | BadRequestError):
            code = (
                status.HTTP_404_NOT_FOUND
                if isinstance(exc, Http404)
                else status.HTTP_400_BAD_REQUEST
            )
            return Response({"message": translated_message(str(exc))}, status=code)
        return super().handle_exception(exc)  # type: ignore[misc]


__all__ = ["LANGUAGE_PARAMETER", "TranslatedMessagesMixin", "translated_message"]

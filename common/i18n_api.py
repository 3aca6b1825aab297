"""Which language a JSON API answers in: `?lang=`, else Accept-Language, else English.

The APIs live outside the language prefixes (an integration's URL never changes), so
Django's LocaleMiddleware treats them as English; a view calls `activate_api_language`
first, and its labels and error texts follow the caller. The language cookie is not
read: an integration gets the same answer as the browser that tried the URL.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from common.i18n import normalize_language

#: The query parameter that chooses the language of labels and messages.
LANGUAGE_PARAMETER = "lang"


def api_language(request: HttpRequest) -> str:
    """One of our language codes; unknown or malformed codes mean English."""
    if LANGUAGE_PARAMETER in request.GET:
        return normalize_language(request.GET[LANGUAGE_PARAMETER])
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def activate_api_language(request: HttpRequest) -> str:
    """Activate the caller's language for the rest of the request, and return it."""
    language = api_language(request)
    translation.activate(language)
    return language

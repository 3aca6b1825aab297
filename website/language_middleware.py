"""Django's LocaleMiddleware, plus the two things English-without-a-prefix needs.

With `i18n_patterns(prefix_default_language=False)` the URL alone decides the language:
an unprefixed path is English whatever the cookie or the browser says. That is what
we want for every page (a shared link shows the same language to everyone) except
the bare root, the address people type: the first visit to `/` goes to /es/ or
/pt-br/ when the language cookie (the switch's choice) or, failing that,
Accept-Language prefers it. English stays at `/`.

And a path under a language prefix we do not serve (/fr/…, /pt/…, /es-MX/…, /en/…)
answers with a redirect to the nearest language we have (English for anything
unknown) instead of a 404: an unknown language code is never an error.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.cache import patch_vary_headers

from common.i18n import normalize_language

#: A first path segment that looks like a language tag: "fr", "pt", "es-MX", "pt_BR".
#: A language code, optionally with a region (`pt-br`, `es-419`) or script (`zh-hans`):
#: not any word after a hyphen, or `/my-profile/` (Burmese, "profile") would redirect.
LANGUAGE_SEGMENT = re.compile(
    r"^/([A-Za-z]{2,3})(?:[-_](?:[A-Za-z]{2}|[0-9]{3}|[A-Za-z]{4}))?(/.*)$"
)


class LocaleMiddleware(DjangoLocaleMiddleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Django's middleware leaves the request's language active on the thread when
        # the response is done; anything the same thread does next (a task run inline,
        # the next test's `page.url`) would build URLs and text in it. Restore it.
        previous = translation.get_language()
        try:
            return super().__call__(request)
        finally:
            translation.activate(previous) if previous else translation.deactivate()

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        super().process_request(request)
        if request.path_info != "/" or request.method not in ("GET", "HEAD"):
            return None
        preferred = normalize_language(
            translation.get_language_from_request(request, check_path=False)
        )
        if preferred == settings.LANGUAGE_CODE:
            return None
        return HttpResponseRedirect(_with_query(f"{get_script_prefix()}{preferred}/", request))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        if request.path_info == "/":
            # Both decide where `/` goes: caches must keep one answer per combination.
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        elif (
            response.status_code == 404
            and request.method in ("GET", "HEAD")
            and (target := unknown_prefix_redirect(request.path_info))
        ):
            return HttpResponseRedirect(_with_query(target, request))
        return response


def _with_query(path: str, request: HttpRequest) -> str:
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


def unknown_prefix_redirect(path: str) -> str | None:
    """`/fr/directory/` → `/directory/`, `/pt/x/` → `/pt-br/x/`; None when `path` does not
    start with a language code (Django's list) that is not one of our prefixes."""
    match = LANGUAGE_SEGMENT.match(path)
    if not match:
        return None
    segment = path.split("/", 2)[1]
    if match.group(1).lower() not in LANG_INFO:
        return None
    if segment in {code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE}:
        return None  # one of ours: the 404 is about the page, not the language
    language = normalize_language(segment)
    # Never `//host` or `/\\host`: a browser reads either as another site.
    rest = "/" + match.group(2).lstrip("/\\")
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    return f"{get_script_prefix().rstrip('/')}{prefix}{rest}"

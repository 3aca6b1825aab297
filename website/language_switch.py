"""The language switch: `/language/?to=es&next=/directory/?q=litio` remembers the choice
and takes the visitor to the same page, same search and filters, in that language.

A plain link (a GET) so the switch works without JavaScript and from any page, forms
included; it lives outside the language prefixes because it belongs to none. The
choice goes into Django's language cookie, which the bare root `/` honours on the
next visit (website.language_middleware). Django's own `set_language` view wants a
POST from a form, which would put a form and a CSRF token on every page.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from wagtail.models import Page, Site

from common.i18n import normalize_language
from common.i18n_urls import page_urls, path_in_language


@require_safe
@never_cache
def switch_language(request: HttpRequest) -> HttpResponseRedirect:
    language = normalize_language(request.GET.get("to"))
    response = HttpResponseRedirect(translated_url(request, _safe_next(request), language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _safe_next(request: HttpRequest) -> str:
    """`next` when it is a path on this site (no other host, no scheme), else `/`."""
    target = request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not allowed or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def translated_url(request: HttpRequest, url: str, language: str) -> str:
    """`url` (a path on this site) in `language`, query string kept.

    A Wagtail page goes to its translation in that language when it has one (which
    may have other slugs), otherwise to the same page under the language's prefix.
    """
    parts = urlsplit(url)
    page = _wagtail_page(request, parts.path)
    if page is not None:
        target = page_urls(page, request).get(language)
        if target:
            return urlunsplit(("", "", urlsplit(target).path, parts.query, ""))
    return path_in_language(url, language)


def _wagtail_page(request: HttpRequest, path: str) -> Page | None:
    """The Wagtail page `path` shows (routed in the path's language), or None."""
    source = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(source):
        try:
            match = resolve(path)
        except Resolver404:
            return None
        site = Site.find_for_request(request)
        if match.url_name != "wagtail_serve" or site is None:
            return None
        served = match.args[0] if match.args else match.kwargs.get("path", "")
        components = [part for part in served.split("/") if part]
        try:
            page, _args, _kwargs = site.root_page.localized.specific.route(request, components)
        except Http404:
            return None
    return page

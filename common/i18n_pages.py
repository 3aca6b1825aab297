"""Translatable Wagtail pages, and what a visitor sees before a page is translated.

Wagtail's i18n serves /es/… from the Spanish translation of the home page as soon as
one is live, so every page below it that nobody has translated yet (or that is never
translated: a researcher's profile) would be a 404 under /es/. `LocaleFallbackMixin`
makes such a page fall back to its original: /es/directory/maria-lopez/ serves the
English-tree profile with the Spanish interface, and links built while it renders
stay under /es/ so the visitor stays in Spanish. Page types that editors translate
show a short note that the text is in its original language; profiles, rendered in
the visitor's language, do not.

Apps give their page classes the mixin (first among the bases, before `Page`); they
never import `website`. docs/i18n.md tells the whole story.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.models.sites import (
    SITE_ROOT_PATHS_CACHE_KEY,
    SITE_ROOT_PATHS_CACHE_VERSION,
    SiteRootPath,
)
from wagtail.url_routing import RouteResult

from common.i18n import current_language, normalize_language

UNTRANSLATED_NOTE = _(
    "This page has not been translated into your language yet, so it is shown in its "
    "original language."
)


class _NotInOriginalEither(Http404):
    """The default-locale tree has no page at this path either: ancestors need not retry."""


class LocaleFallbackMixin:
    """For a `Page` subclass: untranslated pages are served, never a 404.

    `route()`: when a path finds nothing in a translated tree (the Spanish home has no
    Spanish "directory" child yet, or the Spanish page is a draft), the same path is
    routed from this page's default-locale original; if what it finds has a live
    translation in the visitor's language, that translation is served instead.
    Queries are spent only on that fallback, never on a page found directly.

    `get_url_parts()`: a page of the default-locale tree, linked while another
    interface language is active, gets that language's prefix (/es/directory/), so
    links inside a Spanish page stay Spanish. No query: the site root paths are
    cached on the request, as Wagtail's own method caches them.
    """

    #: True for pages that are one page in every language, rendered in the visitor's
    #: (a researcher's profile): never translated, so never noted as untranslated,
    #: and their alternates need no lookup of translations.
    rendered_in_every_language = False

    #: True for page types whose `route()` reads only the page tree's fields (path,
    #: depth, locale) when the path goes on below them: routing through such a page
    #: then skips the query for its own fields (`Page.specific_deferred`).
    routes_on_tree_fields_only = False

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        try:
            return self._route_in_tree(request, path_components)
        except _NotInOriginalEither:
            raise
        except Http404:
            original = self._default_locale_original()
            if original is None:
                raise
        try:
            result = original.specific.route(request, path_components)
        except Http404 as exc:
            raise _NotInOriginalEither from exc
        return _in_active_locale(result)

    def _route_in_tree(self, request: HttpRequest, path_components: list[str]) -> Any:
        """Wagtail's `Page.route`, but a child the path goes on below is not fetched as
        its specific page when its type routes on tree fields only: one query saved
        per such level (/directory/ on the way to a profile)."""
        inherited = super().route  # type: ignore[misc]
        if not path_components or getattr(inherited, "__func__", None) is not Page.route:
            # Nothing below, or a page with routes of its own (RoutablePageMixin: the
            # news feeds, an opportunity's contact form): routed as Wagtail does.
            return inherited(request, path_components)
        slug, remaining = path_components[0], path_components[1:]
        try:
            child = self.get_children().get(slug=slug)  # type: ignore[attr-defined]
        except Page.DoesNotExist as exc:
            raise Http404 from exc
        child._cached_parent_obj = self
        specific_class = child.specific_class
        if remaining and getattr(specific_class, "routes_on_tree_fields_only", False):
            return child.specific_deferred.route(request, remaining)
        return child.specific.route(request, remaining)

    def get_view_restrictions(self) -> QuerySet:
        """Wagtail's view restrictions of this page and its ancestors (an alias's are
        its source's), in one query instead of two: the ancestors are found by their
        paths, which this page's own path spells out."""
        steplen = self.steplen  # type: ignore[attr-defined]
        path = self.path  # type: ignore[attr-defined]
        paths = [path[:end] for end in range(steplen, len(path) + 1, steplen)]
        on_path = Page.objects.filter(path__in=paths)
        aliases = on_path.filter(alias_of__isnull=False)
        # An alias of an alias (Wagtail follows the chain) is followed two levels.
        return PageViewRestriction.objects.filter(
            Q(page__in=on_path.filter(alias_of__isnull=True))
            | Q(page__in=aliases.filter(alias_of__alias_of__isnull=True).values("alias_of_id"))
            | Q(page__in=aliases.values("alias_of__alias_of_id"))
        )

    def _get_site_root_paths(self, cache_object: Any = None) -> Any:
        """Wagtail's site root paths, read (on a cold cache) in one query instead of
        one plus one per site; the same list in the same cache entry otherwise."""
        cache_object = cache_object if cache_object is not None else self
        try:
            return cache_object._wagtail_cached_site_root_paths
        except AttributeError:
            cache_object._wagtail_cached_site_root_paths = site_root_paths()
            return cache_object._wagtail_cached_site_root_paths

    def _default_locale_original(self) -> Any:
        """This page's live translation in the default locale, or None if it is one."""
        try:
            default = Locale.get_default()
        except Locale.DoesNotExist:
            return None
        if self.locale_id == default.pk:  # type: ignore[attr-defined]
            return None
        return self.get_translation_or_none(default)  # type: ignore[attr-defined]

    def get_url_parts(self, request: HttpRequest | None = None) -> Any:
        parts = super().get_url_parts(request)  # type: ignore[misc]
        language = translation.get_language()
        if (
            parts is None
            or parts[2] is None
            or language == settings.LANGUAGE_CODE
            or language not in dict(settings.LANGUAGES)
        ):
            return parts
        roots = self._get_relevant_site_root_paths(request)  # type: ignore[attr-defined]
        if not roots or roots[0].language_code != settings.LANGUAGE_CODE:
            return parts  # a page of a translated tree: Wagtail prefixed it already
        site_id, root_url, page_path = parts
        # i18n_patterns puts the prefix right after the script prefix, as Django's
        # LocaleMiddleware does when it redirects to a prefixed URL.
        script_prefix = get_script_prefix()
        if page_path.startswith(script_prefix):
            page_path = f"{script_prefix}{language}/{page_path[len(script_prefix) :]}"
        return site_id, root_url, page_path

    @property
    def content_language(self) -> str:
        """The language the page's text is written in (an alias shows its source's).

        Read from the tree the page lives in (the site root paths, cached), not from
        `page.locale`: no query, except for an alias, which fetches its source.
        """
        source = self.alias_of if self.alias_of_id else self  # type: ignore[attr-defined]
        return tree_language(source) or settings.LANGUAGE_CODE

    @property
    def untranslated_note(self) -> str:
        """The note for a visitor whose language this page is not in yet, or ""."""
        if self.rendered_in_every_language or self.content_language == current_language():
            return ""
        return str(UNTRANSLATED_NOTE)


def site_root_paths() -> list[SiteRootPath]:
    """`Site.get_site_root_paths()` (every site's home page and its translations, the
    most specific path first) in one query, kept in Wagtail's own cache entry, which
    Wagtail clears when a site or a home page changes."""
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return Site.get_site_root_paths()
    result = cache.get(SITE_ROOT_PATHS_CACHE_KEY, version=SITE_ROOT_PATHS_CACHE_VERSION)
    if result is not None:
        return [SiteRootPath(*item) for item in result]
    site, page, locale = (model._meta.db_table for model in (Site, Page, Locale))
    rows = Site.objects.raw(
        f"SELECT s.id, s.hostname, s.port, p.url_path AS translation_path, "  # noqa: S608
        f"l.language_code AS translation_language FROM {site} s "
        f"JOIN {page} r ON r.id = s.root_page_id "
        f"JOIN {page} p ON p.translation_key = r.translation_key "
        f"JOIN {locale} l ON l.id = p.locale_id "
        "ORDER BY r.url_path DESC, s.is_default_site DESC, s.hostname, s.id, p.path"
    )
    result = [
        SiteRootPath(row.id, row.translation_path, row.root_url, row.translation_language)
        for row in rows
    ]
    cache.set(SITE_ROOT_PATHS_CACHE_KEY, result, 3600, version=SITE_ROOT_PATHS_CACHE_VERSION)
    return result


def tree_language(page: Any, request: HttpRequest | None = None) -> str | None:
    """The language of the site root (the home page's translation) `page` lives under.

    Wagtail caches the site root paths (in the cache, and on `request` when given), so
    this costs no query; None for a page under no site (a new page being previewed).
    """
    roots = page._get_relevant_site_root_paths(request)
    return normalize_language(roots[0].language_code) if roots else None


def translations_may_exist(page: Any, request: HttpRequest | None = None) -> bool:
    """Whether `page` can have translations at all, without a query: not a page rendered
    in every language, and some site root has been translated (wagtail-localize puts
    every translation below a translated, or aliased, home page)."""
    if getattr(page, "rendered_in_every_language", False):
        return False
    return any(
        root.language_code != settings.LANGUAGE_CODE for root in page._get_site_root_paths(request)
    )


def _in_active_locale(result: Any) -> Any:
    """The routed page's live translation in the visitor's language, if it has one."""
    page, args, kwargs = result
    try:
        active = Locale.get_active()
    except Locale.DoesNotExist:
        return result
    if page.locale_id == active.pk:
        return result
    translated = page.get_translation_or_none(active)
    if translated is None or not translated.live:
        return result
    return RouteResult(translated.specific, args=args, kwargs=kwargs)


def localized_pages(queryset: QuerySet) -> QuerySet:
    """Pages for a listing in the visitor's language: each page's translation into it,
    or its default-locale original while it has none (never both, never another
    language's). One query, whatever the number of pages."""
    language = current_language()
    default = settings.LANGUAGE_CODE
    if language == default:
        return queryset.filter(locale__language_code=default)
    translated = queryset.filter(locale__language_code=language)
    return queryset.filter(
        Q(locale__language_code=language)
        | (
            Q(locale__language_code=default)
            & ~Q(translation_key__in=translated.values("translation_key"))
        )
    )

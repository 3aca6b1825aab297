"""sitemap.xml in three languages: every page once per interface language, each entry
with its `xhtml:link` alternates (en, es, pt-BR and x-default, the English URL).

Wagtail's sitemap lists the default site's English tree only. Here a page is listed
with its translation's URL in each language that has one, and otherwise with the
English original's URL under that language's prefix (which serves it with that
interface; common/i18n_pages.py). English URLs are what they always were. A page's
own `get_sitemap_urls` still decides whether it is listed at all (an unsent
newsletter issue is not).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from common.i18n import LANGUAGE_CODES
from common.i18n_urls import language_tag, path_in_language


class TranslatedSitemap(Sitemap):
    def _pages(self) -> Any:
        """Live, public pages of the site's root page and of its translations' trees."""
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        in_trees = Q()
        for path in roots.values_list("path", flat=True):
            in_trees |= Q(path__startswith=path)
        return Page.objects.filter(in_trees).live().public()

    def items(self) -> list[Any]:
        """One translation key per page, in tree order (the English tree comes first)."""
        keys = self._pages().order_by("path").values_list("translation_key", flat=True)
        return list(dict.fromkeys(keys))

    def _urls(self, page: int, protocol: str, domain: str) -> list[dict[str, Any]]:
        keys = self.paginator.page(page).object_list
        versions: dict[Any, dict[str, Any]] = defaultdict(dict)
        pages = (
            self._pages()
            .filter(translation_key__in=keys)
            .select_related("locale")
            .defer_streamfields()
            .specific()
        )
        for version in pages:
            versions[version.translation_key][version.locale.language_code] = version
        urls: list[dict[str, Any]] = []
        for key in keys:
            urls.extend(self._entries(versions[key]))
        last_mods = {url.get("lastmod") for url in urls}
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls

    def _entries(self, versions: dict[str, Any]) -> list[dict[str, Any]]:
        """The sitemap entries of one page in every language, alternates attached."""
        original = versions.get(settings.LANGUAGE_CODE)
        by_language: dict[str, list[dict[str, Any]]] = {}
        for language in LANGUAGE_CODES:
            if language in versions:
                with translation.override(language):
                    infos = versions[language].get_sitemap_urls(self.request)
            elif original is not None:
                with translation.override(settings.LANGUAGE_CODE):
                    infos = [
                        {**info, "location": path_in_language(info["location"], language)}
                        for info in original.get_sitemap_urls(self.request)
                    ]
            else:
                continue
            if infos:
                by_language[language] = infos
        alternates = [
            {"lang_code": language_tag(language), "location": infos[0]["location"]}
            for language, infos in by_language.items()
        ]
        if settings.LANGUAGE_CODE in by_language and len(alternates) > 1:
            alternates.append(
                {
                    "lang_code": "x-default",
                    "location": by_language[settings.LANGUAGE_CODE][0]["location"],
                }
            )
        elif len(alternates) < 2:
            alternates = []
        return [
            {**info, "alternates": alternates} for infos in by_language.values() for info in infos
        ]

"""Which news an issue carries, in the issue's own language where a translation exists.

Every edition of an issue carries the same news: the items an editor chose, or
the digest's latest items, each shown in the edition's language when that news
page has a live translation, and in its original otherwise (a Spanish reader
gets the Spanish version of a story if there is one, never a gap). Only live,
public pages are included, since every link must work.

News pages are translatable too (one page per locale, sharing a
`translation_key`), so a digest groups pages by story first: otherwise the
same story would appear once per language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from wagtail.models import Locale
from wagtail.models import Page as NewsPage  # the news page model, seen as a page

if TYPE_CHECKING:
    from .models import NewsletterIssuePage


def _live_news():
    """Live, public news pages. The model is the one an issue's items point at (the
    news models live in website/, which apps do not import: tests/test_architecture.py)."""
    from .models import NewsletterIssueItem

    news_page = NewsletterIssueItem._meta.get_field("news_page").related_model
    return news_page.objects.live().public().select_related("image", "locale")


def _in_locale(pages: Iterable[NewsPage], locale_id: int | None) -> dict[object, NewsPage]:
    """translation_key → the live translation of each story in `locale_id`, if any."""
    keys = {page.translation_key for page in pages}
    if not keys or locale_id is None:
        return {}
    return {
        page.translation_key: page
        for page in _live_news().filter(translation_key__in=keys, locale_id=locale_id)
    }


def in_language(pages: list[NewsPage], locale_id: int | None) -> list[NewsPage]:
    """The same stories, each in the locale's live translation where there is one."""
    translated = _in_locale(pages, locale_id)
    return [translated.get(page.translation_key, page) for page in pages]


def chosen_news(issue: NewsletterIssuePage) -> list[NewsPage]:
    """The chosen items, in order, each in the issue's language when translated.

    Works on unsaved instances too (Wagtail's preview builds one from the form),
    because `items` is a cluster relation.
    """
    chosen = [item.news_page_id for item in issue.items.all() if item.news_page_id]
    pages = _live_news().in_bulk(chosen)
    translated = _in_locale(pages.values(), issue.locale_id)
    seen: set[object] = set()
    result = []
    for page_id in chosen:
        page = pages.get(page_id)
        if page is None or page.translation_key in seen:
            continue
        seen.add(page.translation_key)
        result.append(translated.get(page.translation_key, page))
    return result


def digest_news(issue: NewsletterIssuePage) -> list[NewsPage]:
    """The latest stories of the last `digest_days` about any of `digest_topics`.

    A story counts once, whatever the number of its translations; it matches the
    topics if any of its versions is tagged with them (a translation may not
    carry its original's topics). Each is shown in the issue's language if it
    has a live translation there, else in the default language, else as it is.
    """
    since = timezone.localdate() - timedelta(days=issue.digest_days)
    news = _live_news().filter(date__gte=since)
    topic_ids = [topic.pk for topic in issue.digest_topics.all()]
    if topic_ids:
        keys = news.filter(topics__in=topic_ids).values("translation_key")
        news = news.filter(translation_key__in=keys)
    preferred = [issue.locale_id, _default_locale_id()]
    stories: dict[object, NewsPage] = {}
    for page in news.order_by("-date", "-pk"):
        current = stories.get(page.translation_key)
        if current is None or _rank(page, preferred) < _rank(current, preferred):
            stories[page.translation_key] = page
    ordered = sorted(stories.values(), key=lambda page: (page.date, page.pk), reverse=True)
    return ordered[: issue.digest_count]


def _rank(page: NewsPage, preferred: list[int | None]) -> int:
    return preferred.index(page.locale_id) if page.locale_id in preferred else len(preferred)


def _default_locale_id() -> int | None:
    try:
        return Locale.get_default().pk
    except Locale.DoesNotExist:
        return None

"""Template tags of search: "Researchers you could work with" on profiles, and the
labels and links of hits in the visitor's language."""

from __future__ import annotations

import logging

from django import template

from search import labels
from search.engines import get_engine
from search.types import Hit

logger = logging.getLogger(__name__)
register = template.Library()

SIMILAR_LIMIT = 6


@register.simple_tag
def similar_researchers(page, limit: int = SIMILAR_LIMIT) -> list[Hit]:
    """Researchers sharing this profile's topics and keywords, the other region first.

    A fixed number of queries (two on the database engine), whatever the profile
    holds. A search failure leaves the section out rather than failing the
    profile: it is a suggestion, not the page's content.
    """
    if getattr(page, "pk", None) is None or not getattr(page, "live", False):
        return []
    try:
        return get_engine().similar(page.pk, limit=limit)
    except Exception:
        logger.exception("Similar researchers of %s could not be found", page.pk)
        return []


@register.filter
def shared_topics(hit: Hit, topics) -> list:
    """The topics of this profile that a suggested researcher also has: why they are
    suggested. `topics` are the profile's Topic objects, already fetched for the
    page, so naming them costs no query."""
    slugs = set(getattr(hit, "topics", None) or [])
    return [topic for topic in topics or [] if topic.slug in slugs]


@register.filter
def country_label(code: str) -> str:
    """A country's name in the active language (an editor's label if there is one)."""
    return labels.fixed_label("country", code) if code else ""


@register.filter
def localized_url(url: str) -> str:
    """A stored (English) page URL under the active language's prefix."""
    return labels.localized_url(url)

"""What the directory page shows of a search: the facets' checkboxes and the result cards.

Everything a card or a checkbox shows is worked out here, once per page, so the
template only places it: the page lists some eighty options and twenty cards, and
tags, filters and plural forms per item were most of its rendering cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict
from urllib.parse import urlencode

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import ngettext

from directory.choices import CareerStage, OpenTo
from directory.templatetags.directory_tags import dotted
from search.labels import fixed_label, hit_topic_labels, localized_url
from search.query import query_params
from search.types import FACETS, FacetValue, SearchQuery, SearchResults

#: Fixed orders for small vocabularies; other facets are listed by label.
FIXED_ORDER = {
    "career_stage": list(CareerStage.values),
    "open_to": list(OpenTo.values),
}


class FacetOption(TypedDict):
    """One checkbox of a facet. A dict, not an object: the template reads eight keys
    of some eighty options per page, and Django's templates look a name up as a key
    first, so a dict answers at once where an object raised and caught an error."""

    value: str
    label: str
    count: int
    selected: bool
    input_id: str
    #: Only a selected option has one: its chip among the active filters.
    remove_url: str
    #: The count as shown (1,234 / 1.234) and the word after it for screen readers.
    count_text: str
    count_words: str


@dataclass
class FacetGroup:
    name: str
    legend: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetOption]:
        return [option for option in self.options if option["selected"]]


def directory_url(base: str, query: SearchQuery, **changes) -> str:
    """The directory at `base` searching `query` with `changes` (a page, a facet's values)."""
    params = query_params(query, **changes)
    return f"{base}?{urlencode(params)}" if params else base


def _sorted_for_display(name: str, values: list[FacetValue]) -> list[FacetValue]:
    """Checkboxes keep their place as counts change: a list that reorders itself
    under the pointer (or the screen reader's cursor) is hard to use."""
    if name in FIXED_ORDER:
        order = {value: index for index, value in enumerate(FIXED_ORDER[name])}
        return sorted(values, key=lambda v: (order.get(v.value, len(order)), v.label))
    return sorted(values, key=lambda v: v.label.casefold())


class _CountWords(dict):
    """Per page: a count's grouped digits and its "researcher(s)", each worked out once.

    A page lists some eighty facet options, many with the same count; formatting
    and pluralising each in the template was a sizeable part of the page's cost.
    """

    def __missing__(self, count: int) -> tuple[str, str]:
        words = (
            number_format(count, force_grouping=True),
            ngettext("researcher", "researchers", count),
        )
        self[count] = words
        return words


def facet_groups(
    results: SearchResults, base_url: str, legends: dict[str, str | Promise]
) -> list[FacetGroup]:
    """The checkboxes of every facet, with their counts already in the visitor's words.

    Only selected options get a link that removes them (the chips above the
    results): the page shows no such link for the others.
    """
    query = results.query
    counts = _CountWords()
    groups = []
    for name in FACETS:
        group = FacetGroup(name=name, legend=legends[name])
        for value in _sorted_for_display(name, results.facets.get(name, [])):
            remove_url = ""
            if value.selected:
                remaining = tuple(v for v in getattr(query, name) if v != value.value)
                remove_url = directory_url(base_url, query, page=1, **{name: remaining})
            count_text, count_words = counts[value.count]
            group.options.append(
                FacetOption(
                    value=value.value,
                    label=value.label,
                    count=value.count,
                    selected=value.selected,
                    input_id=f"facet-{name}-{value.value}",
                    remove_url=remove_url,
                    count_text=count_text,
                    count_words=count_words,
                )
            )
        groups.append(group)
    return groups


class _LocalizedUrls(dict):
    """Per page: parent path -> the prefix its children's URLs took in this language."""

    def localized(self, url: str) -> str:
        parent = url[: url.rstrip("/").rfind("/") + 1]
        prefix = self.get(parent)
        if prefix is not None:
            return prefix + url
        localized = localized_url(url)
        if parent.startswith("/") and localized.endswith(url):
            self[parent] = localized[: len(localized) - len(url)]
        return localized


def hit_cards(results: SearchResults) -> list[dict]:
    """What each result card shows, worked out here rather than by tags per card.

    The "job · institution · country" line is joined and escaped once, and each
    country is named once per page; topics are named from the facet counts where
    they can be (a query only for topics the facets did not list).

    Links are in the visitor's language. No URL pattern is translated, only
    prefixed (`i18n_patterns`), so pages under the same parent (the directory's
    profiles) take the same prefix: it is found once, for the first of them, rather
    than resolving and reversing twenty URLs.
    """
    known = {value.value: value.label for value in results.facets.get("topic", [])}
    topic_names = hit_topic_labels(results.hits, known)
    countries: dict[str, str] = {}
    urls = _LocalizedUrls()
    cards = []
    for hit in results.hits:
        country = ""
        if hit.country:
            country = countries.get(hit.country)
            if country is None:
                country = countries[hit.country] = fixed_label("country", hit.country)
        cards.append(
            {
                "hit": hit,
                "name": hit.name,
                "snippet": hit.snippet,
                "url": urls.localized(hit.url),
                "meta": dotted(hit.job_title, hit.institution, country),
                "topics": [topic_names.get(slug, slug) for slug in hit.topics],
                "initials": "".join(word[:1] for word in hit.name.split()[:2]).upper(),
            }
        )
    return cards

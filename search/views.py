"""HTML views of search: the directory page's context and site-wide search.

The directory page is a Wagtail page (`DirectoryIndexPage`); its `get_context` asks
`directory_context` here for everything it shows, so the page stays a thin model
and the search app owns search. The whole state lives in the URL (q, the facet
parameters, sort, page), the form is a plain GET form that works without
JavaScript, and bad values are dropped with a note rather than answered with an
error page: a person who edited a URL by hand still gets results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.models import Page

from directory.choices import CareerStage, OpenTo
from search.engines import get_engine
from search.highlight import highlight_text, make_snippet
from search.query import (
    clean_text,
    has_filters,
    parse_search_query_lenient,
    query_params,
    search_terms,
)
from search.types import FACETS, MAX_QUERY_LENGTH, FacetValue, SearchQuery, SearchResults

FACET_LEGENDS = {
    "topic": "Topic",
    "country": "Country",
    "institution": "Institution",
    "career_stage": "Career stage",
    "language": "Languages spoken",
    "open_to": "Open to",
}
SORT_LABELS = {"relevance": "Relevance", "name": "Name", "updated": "Last updated"}
#: Fixed orders for small vocabularies; other facets are listed by label.
FIXED_ORDER = {
    "career_stage": list(CareerStage.values),
    "open_to": list(OpenTo.values),
}
SITE_SEARCH_PAGE_SIZE = 10


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    input_id: str
    remove_url: str = ""


@dataclass
class FacetGroup:
    name: str
    legend: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetOption]:
        return [option for option in self.options if option.selected]


def _url(base: str, query: SearchQuery, **changes) -> str:
    params = query_params(query, **changes)
    return f"{base}?{urlencode(params)}" if params else base


def _sorted_for_display(name: str, values: list[FacetValue]) -> list[FacetValue]:
    """Checkboxes keep their place as counts change: a list that reorders itself
    under the pointer (or the screen reader's cursor) is hard to use."""
    if name in FIXED_ORDER:
        order = {value: index for index, value in enumerate(FIXED_ORDER[name])}
        return sorted(values, key=lambda v: (order.get(v.value, len(order)), v.label))
    return sorted(values, key=lambda v: v.label.casefold())


def facet_groups(results: SearchResults, base_url: str) -> list[FacetGroup]:
    query = results.query
    groups = []
    for name in FACETS:
        group = FacetGroup(name=name, legend=FACET_LEGENDS[name])
        for value in _sorted_for_display(name, results.facets.get(name, [])):
            remaining = tuple(v for v in getattr(query, name) if v != value.value)
            group.options.append(
                FacetOption(
                    value=value.value,
                    label=value.label,
                    count=value.count,
                    selected=value.selected,
                    input_id=f"facet-{name}-{value.value}",
                    remove_url=_url(base_url, query, page=1, **{name: remaining}),
                )
            )
        groups.append(group)
    return groups


def page_links(results: SearchResults, base_url: str) -> list[dict]:
    """Page numbers around the current one: 1 … 4 5 [6] 7 8 … 20."""
    query, last = results.query, results.page_count
    numbers = sorted({1, last, *range(query.page - 2, query.page + 3)} & set(range(1, last + 1)))
    links, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            links.append({"gap": True})
        links.append(
            {
                "number": number,
                "url": _url(base_url, query, page=number),
                "current": number == query.page,
            }
        )
        previous = number
    return links


def directory_context(request: HttpRequest, base_url: str) -> dict:
    """Everything the directory page shows, from one search (a fixed number of queries)."""
    parsed = parse_search_query_lenient(request.GET)
    query = parsed.query
    results = get_engine().search(query)
    topic_labels = {value.value: value.label for value in results.facets.get("topic", [])}
    hits = [
        {
            "hit": hit,
            "topics": [topic_labels.get(slug, slug) for slug in hit.topics],
            "initials": "".join(word[:1] for word in hit.name.split()[:2]).upper(),
        }
        for hit in results.hits
    ]
    return {
        "directory_url": base_url,
        "search_query": query,
        "results": results,
        "hits": hits,
        "facet_groups": facet_groups(results, base_url),
        "sort_options": [(value, label) for value, label in SORT_LABELS.items()],
        "problems": parsed.problems,
        "filtered": has_filters(query) or bool(query.text),
        "past_the_end": query.page > results.page_count,
        "first_hit": (query.page - 1) * query.page_size + 1,
        "last_hit": min(query.page * query.page_size, results.total),
        "page_links": page_links(results, base_url) if results.page_count > 1 else [],
        "previous_url": _url(base_url, query, page=query.page - 1) if query.page > 1 else "",
        "next_url": (
            _url(base_url, query, page=query.page + 1) if query.page < results.page_count else ""
        ),
        "last_page_url": _url(base_url, query, page=results.page_count),
        "clear_url": base_url,
    }


@require_GET
def site_search(request: HttpRequest) -> HttpResponse:
    """/search/: news and every other page, through Wagtail's search backend.

    On PostgreSQL the backend uses the `website_unaccent` configuration and on
    SQLite FTS5's unicode61 tokenizer, so accents fold on both. Researchers are
    searched with the directory engine too, and the best few shown with a link to
    the directory, where the facets are.
    """
    text = " ".join(clean_text(request.GET.get("q", ""))[:MAX_QUERY_LENGTH].split())
    terms = search_terms(text)
    page_obj = None
    researchers = None
    if terms:
        # Wagtail parses the text itself; hand it the folded content words only, so
        # that search syntax in the box (quotes, AND, NEAR, *) is just text.
        results = (
            Page.objects.live()
            .public()
            .exclude(depth__lte=1)
            .search(" ".join(terms), operator="and")
        )
        paginator = Paginator(results, SITE_SEARCH_PAGE_SIZE)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except (EmptyPage, PageNotAnInteger):
            page_obj = paginator.page(1)
        page_obj.items = _site_items(list(page_obj.object_list), terms)
        researchers = get_engine().search(SearchQuery(text=text, page_size=3))
    params = {"q": text} if text else {}
    return render(
        request,
        "search/search.html",
        {
            "search_text": text,
            "page_obj": page_obj,
            "researchers": researchers,
            "directory_url": "/directory/?" + urlencode(params),
            "query_string": urlencode(params),
        },
    )


def _site_items(pages: list[Page], terms: list[str]) -> list[dict]:
    """Title, URL, kind and a highlighted summary for each page found.

    Summaries of news items come in one query for the page of results.
    """
    from website.models import NewsPage

    news_ids = [page.pk for page in pages if page.specific_class is NewsPage]
    summaries = dict(
        NewsPage.objects.filter(pk__in=news_ids).values_list("pk", "summary") if news_ids else []
    )
    items = []
    for page in pages:
        summary = summaries.get(page.pk) or page.search_description
        kind = page.specific_class._meta.verbose_name if page.specific_class else "page"
        items.append(
            {
                "title": highlight_text(page.title, terms),
                "url": page.get_url(),
                "kind": str(kind),
                "summary": make_snippet([summary], terms) if summary else "",
            }
        )
    return items

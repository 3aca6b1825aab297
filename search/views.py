"""HTML views of search: the directory page's context and site-wide search.

The directory page is a Wagtail page (`DirectoryIndexPage`); its `get_context` asks
`directory_context` here for everything it shows, so the page stays a thin model
and the search app owns search. The whole state lives in the URL (q, the facet
parameters, sort, page), the form is a plain GET form that works without
JavaScript, and bad values are dropped with a note rather than answered with an
error page: a person who edited a URL by hand still gets results.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page
from wagtail.query import PageQuerySet

from common.i18n import current_language
from common.unlisted import unlisted_page_ids
from search.directory_cards import directory_url, facet_groups, hit_cards
from search.engines import get_engine
from search.highlight import highlight_text, make_snippet
from search.labels import localized_url
from search.query import (
    NUMBER_RE,
    SearchParamError,
    clean_text,
    has_filters,
    parse_search_query_lenient,
    search_terms,
    words,
)
from search.types import (
    FACETS,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    SearchQuery,
    SearchResults,
)

FACET_LEGENDS = {
    "topic": gettext_lazy("Topic"),
    "country": gettext_lazy("Country"),
    "institution": gettext_lazy("Institution"),
    "career_stage": gettext_lazy("Career stage"),
    "language": gettext_lazy("Languages spoken"),
    "open_to": gettext_lazy("Open to"),
}
SORT_LABELS = {
    "relevance": gettext_lazy("Relevance"),
    "name": gettext_lazy("Name"),
    "updated": gettext_lazy("Last updated"),
}
#: A value given in the URL that is shown as cut short after this many characters.
SHOWN_VALUE_LENGTH = 40
#: Page numbers either side of the current page and at each end of the pager.
PAGES_ON_EACH_SIDE = 2
PAGES_ON_ENDS = 1
SITE_SEARCH_PAGE_SIZE = 10


@dataclass
class IgnoredValue:
    """A filter value from the URL that matches nothing the directory knows.

    Shown as a chip like any active filter, in plain words, with a link that
    removes it; the results are those of the other filters.
    """

    legend: str
    value: str
    remove_url: str


def page_links(results: SearchResults, base_url: str, current: int | None = None) -> list[dict]:
    """Page numbers around the current one, 1 … 4 5 [6] 7 8 … 20, elided by Django's
    `Paginator.get_elided_page_range` like every other pager of the site."""
    query = results.query
    paginator = Paginator(range(results.total), query.page_size)
    links: list[dict] = []
    for number in paginator.get_elided_page_range(
        min(query.page, paginator.num_pages),
        on_each_side=PAGES_ON_EACH_SIDE,
        on_ends=PAGES_ON_ENDS,
    ):
        if number == Paginator.ELLIPSIS:
            links.append({"gap": True})
        else:
            links.append(
                {
                    "number": number,
                    "url": directory_url(base_url, query, page=number),
                    "current": number == (query.page if current is None else current),
                }
            )
    return links


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_VALUE_LENGTH else value[:SHOWN_VALUE_LENGTH] + "…"


def _last_value(params, name: str) -> str:
    values = [clean_text(v).strip() for v in params.getlist(name) if clean_text(v).strip()]
    return values[-1] if values else ""


def _malformed_values(params, query: SearchQuery, problems: list[SearchParamError]):
    """The facet values of the URL the parser left out, as (facet, value) pairs.

    Every facet normaliser only trims and changes case, so a value was left out
    when no value of the query equals it, compared without case.
    """
    for name in dict.fromkeys(p.parameter for p in problems if p.parameter in FACETS):
        kept = {value.casefold() for value in getattr(query, name)}
        for raw in params.getlist(name):
            value = clean_text(raw).strip()
            if value and value.casefold() not in kept:
                yield name, value


def _unknown_values(results: SearchResults) -> dict[str, tuple[str, ...]]:
    """Well-formed filter values that name nothing: a slug or language code no
    profile uses. Engines list such a selected value with itself as its label and
    a count of 0; every known value has a label of its own (a name)."""
    unknown: dict[str, tuple[str, ...]] = {}
    for name in FACETS:
        values = tuple(
            value.value
            for value in results.facets.get(name, [])
            if value.selected and value.count == 0 and value.label == value.value
        )
        if values and name not in ("career_stage", "open_to", "country"):
            unknown[name] = values
    return unknown


def _notes(params, problems: list[SearchParamError], typed_text: str, text_ignored: bool):
    """What the page says about the parts of the address it could not use, in plain words."""
    notes = []
    if text_ignored:
        if words(typed_text):
            notes.append(
                _(
                    "“%(text)s” has only very common words, so it was not searched for. "
                    "Try a name, a topic or a place."
                )
                % {"text": _shown(typed_text)}
            )
        else:
            notes.append(
                _(
                    "“%(text)s” has no letters or numbers to search for. "
                    "Try a name, a topic or a place."
                )
                % {"text": _shown(typed_text)}
            )
    for problem in problems:
        if problem.parameter == "page":
            notes.append(
                _("“%(value)s” is not a page number, so the first page is shown.")
                % {"value": _shown(_last_value(params, "page"))}
            )
        elif problem.parameter == "sort":
            notes.append(
                _("“%(value)s” is not a way to sort, so the results are sorted by relevance.")
                % {"value": _shown(_last_value(params, "sort"))}
            )
        elif problem.parameter not in FACETS:
            notes.append(_("Part of this address could not be used and was ignored."))
    return list(dict.fromkeys(notes))


def result_count_text(total: int, found: bool, first: int, last: int, show_range: bool) -> str:
    """What the live region announces: "12 researchers found, showing 1–10".

    Whole sentences through ngettext, so each language pluralises its own way;
    numbers are grouped the visitor's way (1,234 / 1.234).
    """
    numbers = {
        "count": number_format(total, force_grouping=True),
        "first": number_format(first, force_grouping=True),
        "last": number_format(last, force_grouping=True),
    }
    if found and show_range:
        text = ngettext(
            "%(count)s researcher found, showing %(first)s–%(last)s",
            "%(count)s researchers found, showing %(first)s–%(last)s",
            total,
        )
    elif found:
        text = ngettext("%(count)s researcher found", "%(count)s researchers found", total)
    elif show_range:
        text = ngettext(
            "%(count)s researcher, showing %(first)s–%(last)s",
            "%(count)s researchers, showing %(first)s–%(last)s",
            total,
        )
    else:
        text = ngettext("%(count)s researcher", "%(count)s researchers", total)
    return text % numbers


def directory_context(request: HttpRequest, base_url: str) -> dict:
    """Everything the directory page shows, from one search (a fixed number of queries).

    What the URL asks for and cannot be answered is said in plain words rather than
    answered with an error: filter values that name nothing become removable chips,
    text without searchable words is not searched for (rather than listing everyone
    as if they matched), and a page past the end says how many pages there are.
    Only a filter value that is well formed but unknown costs a second search.
    """
    # The page's own URL is the English one; keep the visitor in their language.
    base_url = localized_url(base_url)
    params = request.GET
    parsed = parse_search_query_lenient(params)
    query, problems = parsed.query, list(parsed.problems)

    # A page number too far for the engines to page to (past MAX_RESULT_WINDOW) is
    # still a page number: answer it like any page past the end.
    requested_page = query.page
    raw_page = _last_value(params, "page")
    too_far = NUMBER_RE.match(raw_page) and int(raw_page) >= 1
    if too_far and any(p.parameter == "page" for p in problems):
        problems = [p for p in problems if p.parameter != "page"]
        requested_page = int(raw_page)

    typed_text = query.text
    text_ignored = bool(typed_text) and not search_terms(typed_text)
    if text_ignored:
        query = replace(query, text="")

    ignored = [
        IgnoredValue(FACET_LEGENDS[name], _shown(value), "")
        for name, value in _malformed_values(params, query, problems)
    ]
    results = get_engine().search(query)
    unknown = _unknown_values(results)
    if unknown:
        ignored += [
            IgnoredValue(FACET_LEGENDS[name], _shown(value), "")
            for name, values in unknown.items()
            for value in values
        ]
        query = replace(
            query,
            **{
                name: tuple(v for v in getattr(query, name) if v not in values)
                for name, values in unknown.items()
            },
        )
        results = get_engine().search(query)
    for item in ignored:
        item.remove_url = directory_url(base_url, replace(query, text=typed_text), page=1)
    hits = hit_cards(results)
    past_the_end = requested_page > results.page_count
    on_a_page = not past_the_end and requested_page == query.page
    groups = facet_groups(results, base_url, FACET_LEGENDS)
    first_hit = (query.page - 1) * query.page_size + 1
    last_hit = min(query.page * query.page_size, results.total)
    show_range = (
        results.total > 0
        and not past_the_end
        and requested_page == query.page
        and results.page_count > 1
    )
    return {
        "directory_url": base_url,
        "search_query": query,
        "typed_text": typed_text,
        "results": results,
        "result_count_text": result_count_text(
            results.total, has_filters(query) or bool(query.text), first_hit, last_hit, show_range
        ),
        "hits": hits,
        "facet_groups": groups,
        "selected_count": sum(len(group.selected) for group in groups),
        "sort_options": [(value, label) for value, label in SORT_LABELS.items()],
        "notes": _notes(params, problems, typed_text, text_ignored),
        "ignored": ignored,
        "filtered": has_filters(query) or bool(query.text),
        "past_the_end": past_the_end,
        # Past the window but not the end: only narrowing the search gets there.
        "past_the_window": not past_the_end and requested_page != query.page,
        "result_window": MAX_RESULT_WINDOW,
        "first_hit": first_hit,
        "last_hit": last_hit,
        "page_links": (
            page_links(results, base_url, current=requested_page) if results.page_count > 1 else []
        ),
        "previous_url": (
            directory_url(base_url, query, page=query.page - 1)
            if on_a_page and query.page > 1
            else ""
        ),
        "next_url": (
            directory_url(base_url, query, page=query.page + 1)
            if on_a_page and query.page < results.page_count
            else ""
        ),
        "last_page_url": directory_url(base_url, query, page=results.page_count),
        "clear_url": base_url,
    }


def pages_in_visitors_language(pages: PageQuerySet) -> PageQuerySet:
    """Each page once, in the visitor's language where it has been translated.

    The visitor's locale, plus the default locale's pages that have no translation in
    it (those answer in their original language, with a note): never the same page
    twice, never a Portuguese page to a Spanish reader.
    """
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    default = locales.get(settings.LANGUAGE_CODE)
    current = locales.get(current_language())
    if default is None or current is None or current == default:
        return pages.filter(locale=default) if default is not None else pages
    translated = Page.objects.filter(
        locale=default,
        translation_key__in=Page.objects.filter(locale=current).values("translation_key"),
    ).values_list("pk", flat=True)
    return pages.filter(locale__in=[default, current]).exclude(pk__in=list(translated))


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
            pages_in_visitors_language(Page.objects.live().public())
            .exclude(depth__lte=1)
            .exclude(pk__in=unlisted_page_ids())
            .search(" ".join(terms), operator="and")
        )
        paginator = Paginator(results, SITE_SEARCH_PAGE_SIZE)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except (EmptyPage, PageNotAnInteger):
            page_obj = paginator.page(1)
        page_obj.items = _site_items(list(page_obj.object_list), terms, request)
        researchers = get_engine().search(SearchQuery(text=text, page_size=3))
    params = {"q": text} if text else {}
    return render(
        request,
        "search/search.html",
        {
            "search_text": text,
            # Nothing searched for: say why truthfully (stop words, or no words at all).
            "only_common_words": bool(text) and not terms and bool(words(text)),
            "page_obj": page_obj,
            "researchers": researchers,
            "directory_url": localized_url("/directory/") + "?" + urlencode(params),
            "query_string": urlencode(params),
        },
    )


def _site_items(pages: list[Page], terms: list[str], request: HttpRequest) -> list[dict]:
    """Title, URL, kind and a highlighted summary for each page found.

    Summaries of news items come in one query for the page of results, and so do the
    details of opportunities (kind, host, deadline) and of events (kind, dates in the
    event's zone, city or online), which their result cards show.
    """
    from editorial.event_display import search_details as event_details
    from editorial.models import EventPage, NewsPage, OpportunityPage
    from editorial.views_opportunities import search_details

    news_ids = [page.pk for page in pages if page.specific_class is NewsPage]
    summaries = dict(
        NewsPage.objects.filter(pk__in=news_ids).values_list("pk", "summary") if news_ids else []
    )
    opportunities = search_details(
        [page.pk for page in pages if page.specific_class is OpportunityPage], request
    )
    events = event_details([page.pk for page in pages if page.specific_class is EventPage], request)
    items = []
    for page in pages:
        event = events.get(page.pk)
        details = opportunities.get(page.pk) or event
        summary = summaries.get(page.pk) or (details or {}).get("summary")
        summary = summary or page.search_description
        kind = page.specific_class._meta.verbose_name if page.specific_class else _("page")
        items.append(
            {
                "title": highlight_text(page.title, terms),
                "url": page.get_url(),
                "kind": details["kind"] if details else str(kind),
                "summary": make_snippet([summary], terms) if summary else "",
                "opportunity": None if event else details,
                "event": event,
            }
        )
    return items

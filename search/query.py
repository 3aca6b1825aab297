"""Turn request parameters into a `SearchQuery`, and free text into search terms.

Everything a person can type or put in a URL passes through here before any engine
sees it, so the engines can trust what they get: known facet values in canonical
form, a bounded page window, and at most `MAX_QUERY_LENGTH` characters of text
without control characters, NUL bytes or lone surrogates (PostgreSQL refuses those
with an error, which would otherwise surface as a 500).

Two modes:

* strict (the JSON API): the first bad parameter raises `SearchParamError`, which
  names the parameter and says what was expected, in the active language; the API
  answers 400 with it.
* lenient (the directory page): bad values are dropped and reported, so a person
  who edited a URL by hand still gets a page of results and a note saying what was
  ignored.

`search_terms()` is the one tokenizer every engine uses for the free text, so that
"who works on direct lithium extraction in Chile and speaks English?" means the
same thing on SQLite, PostgreSQL and Elasticsearch: the content words "direct
lithium extraction chile english", all of which must match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy
from django_countries import countries

from directory.choices import CareerStage, OpenTo
from search.types import (
    DEFAULT_PAGE_SIZE,
    FACETS,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    SORTS,
    SearchQuery,
)

#: At most this many terms of the free text are searched; the rest are ignored.
MAX_TERMS = 16
#: Longer "words" (pasted hashes, base64) are cut to this length.
MAX_TERM_LENGTH = 40
#: At most this many values per facet parameter.
MAX_FILTER_VALUES = 50

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,119}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
NUMBER_RE = re.compile(r"^[0-9]{1,9}$")  # ASCII only: "²".isdigit() is True
WORD_RE = re.compile(r"[^\W_]+")
# Control characters, surrogates, private-use and unassigned code points.
_UNWANTED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})

# Function words of English, Spanish and Portuguese, and the filler of questions
# ("who works on ... and speaks ..."). They are dropped from the query: requiring
# them would make natural questions find nobody. Folded (lower case, no accents).
STOPWORDS: frozenset[str] = frozenset(
    """
    a an the and or nor of in on at to for from by with without into onto about as
    is are was were be been being it its this that these those there here
    who whom whose which what where when why how i me my we our us you your he him
    his she her they them their do does did not no but if than then so such also
    any some all each both either neither very just only own same
    someone somebody anyone anybody people person expert experts
    works work working worked speaks speak speaking spoken knows know knowing
    looking find finding search searching
    el la lo los las un una unos unas y e o u de del al en con sin por para ante
    bajo sobre entre hacia hasta desde que quien quienes cual cuales donde cuando
    como es son esta estan ser fue su sus mi mis tu tus se le les nos muy mas pero
    sino tambien ya alguien habla hablan hablar trabaja trabajan trabajar
    os as um uma uns umas do da dos das no na nas em com sem pelo pela pelos pelas
    ao aos quem qual quais onde quando seu sua seus suas meu minha
    alguem fala falam falar trabalha trabalham trabalhar
    """.split()  # noqa: SIM905
)


class SearchParamError(ValueError):
    """A request parameter that cannot be searched for; `parameter` names it."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {"error": str(self), "parameter": self.parameter}


# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """NFC text without control characters, surrogates or other unprintable code points.

    Whitespace controls become spaces; everything else unwanted is dropped.
    """
    text = unicodedata.normalize("NFC", text.encode("utf-8", "replace").decode("utf-8"))
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category in _UNWANTED_CATEGORIES:
            if char in "\t\n\r\v\f":
                out.append(" ")
            continue
        out.append(char)
    return "".join(out)


_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower case without accents: "São Paulo" -> "sao paulo", "ﬁ" -> "fi".

    The same folding the engines apply (FTS5 `remove_diacritics 2`, PostgreSQL
    `unaccent`, Elasticsearch `asciifolding`), for what Python compares itself:
    stop words, highlighting, sort keys and autocomplete.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = _COMBINING_RE.sub("", decomposed)
    if not stripped.isascii():  # combining marks outside the common blocks
        stripped = "".join(c for c in stripped if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).lower()


def words(text: str) -> list[str]:
    """The folded words of `text`, in order (letters and digits; `_` separates)."""
    return WORD_RE.findall(fold(text))


def search_terms(text: str) -> list[str]:
    """The terms every engine searches for: folded, deduplicated content words.

    Stop words and single letters are dropped ("de", "the", "o"), as are the
    filler words of questions. Every remaining term must match (AND).
    """
    terms = []
    for word in dict.fromkeys(words(clean_text(text)[:MAX_QUERY_LENGTH])):
        if word in STOPWORDS or (len(word) == 1 and not word.isdigit()):
            continue
        terms.append(word[:MAX_TERM_LENGTH])
        if len(terms) == MAX_TERMS:
            break
    return list(dict.fromkeys(terms))


# --------------------------------------------------------------------------------------
# Request parameters
# --------------------------------------------------------------------------------------


def _normalise_slug(value: str) -> str | None:
    value = value.strip().lower()
    return value if SLUG_RE.match(value) else None


def _normalise_country(value: str) -> str | None:
    value = value.strip().upper()
    return value if len(value) == 2 and value in dict(countries) else None


def _normalise_language(value: str) -> str | None:
    value = value.strip().lower()
    return value if LANGUAGE_RE.match(value) else None


def _choice(allowed: Iterable[str]):
    allowed = frozenset(allowed)

    def normalise(value: str) -> str | None:
        value = value.strip().lower()
        return value if value in allowed else None

    return normalise


# What each facet expects, said in full sentences so that each translates whole
# (`value` is the value given, quoted; `values` the allowed ones, for choices).
_NORMALISERS = {
    "topic": (
        _normalise_slug,
        gettext_lazy("%(value)s is not a topic slug such as 'direct-lithium-extraction'."),
    ),
    "institution": (_normalise_slug, gettext_lazy("%(value)s is not an institution slug.")),
    "country": (
        _normalise_country,
        gettext_lazy("%(value)s is not an ISO 3166-1 alpha-2 country code such as 'CL'."),
    ),
    "career_stage": (
        _choice(CareerStage.values),
        gettext_lazy("%(value)s is not one of %(values)s."),
    ),
    "language": (
        _normalise_language,
        gettext_lazy("%(value)s is not an ISO 639-1 language code such as 'es'."),
    ),
    "open_to": (_choice(OpenTo.values), gettext_lazy("%(value)s is not one of %(values)s.")),
}
_ALLOWED = {"career_stage": CareerStage.values, "open_to": OpenTo.values}


def _get_list(params: Mapping, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        values = params.getlist(name)
    else:
        raw = params.get(name, [])
        values = [raw] if isinstance(raw, str) else list(raw)
    return [clean_text(str(v)) for v in values]


def _get_one(params: Mapping, name: str) -> str | None:
    values = [v for v in _get_list(params, name) if v.strip()]
    return values[-1].strip() if values else None


@dataclass
class ParsedQuery:
    """A lenient parse: the query that will run and what was ignored to get it."""

    query: SearchQuery
    problems: list[SearchParamError]


def _parse(params: Mapping, *, allow_page_size: bool, errors: list[SearchParamError]):
    def fail(parameter: str, message: str) -> None:
        errors.append(SearchParamError(parameter, message))

    text = " ".join(_get_list(params, "q")).strip()
    text = " ".join(text[:MAX_QUERY_LENGTH].split())

    filters: dict[str, tuple[str, ...]] = {}
    for name in FACETS:
        normalise, message = _NORMALISERS[name]
        values: list[str] = []
        for raw in _get_list(params, name):
            if not raw.strip():
                continue  # "Any country" in a form sends an empty value
            value = normalise(raw)
            if value is None:
                shown = raw if len(raw) <= 40 else raw[:40] + "…"
                allowed = ", ".join(_ALLOWED.get(name, ()))
                fail(name, str(message) % {"value": repr(shown), "values": allowed})
            elif value not in values:
                values.append(value)
        if len(values) > MAX_FILTER_VALUES:
            fail(
                name,
                gettext("at most %(count)s values may be given.") % {"count": MAX_FILTER_VALUES},
            )
            values = values[:MAX_FILTER_VALUES]
        filters[name] = tuple(values)

    page_size = DEFAULT_PAGE_SIZE
    raw_size = _get_one(params, "page_size")
    if raw_size is not None:
        if not allow_page_size:
            pass  # the HTML page has a fixed page size
        elif not NUMBER_RE.match(raw_size) or not 1 <= int(raw_size) <= MAX_PAGE_SIZE:
            fail(
                "page_size",
                gettext("must be a whole number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE},
            )
        else:
            page_size = int(raw_size)

    page = 1
    raw_page = _get_one(params, "page")
    if raw_page is not None:
        if not NUMBER_RE.match(raw_page) or int(raw_page) < 1:
            fail("page", gettext("must be a whole number of at least 1."))
        elif int(raw_page) * page_size > MAX_RESULT_WINDOW:
            fail(
                "page",
                gettext(
                    "only the first %(window)s results can be paged through; "
                    "narrow the search with text or filters."
                )
                % {"window": number_format(MAX_RESULT_WINDOW, force_grouping=True)},
            )
        else:
            page = int(raw_page)

    sort = "relevance"
    raw_sort = _get_one(params, "sort")
    if raw_sort is not None:
        if raw_sort.lower() not in SORTS:
            fail("sort", gettext("must be one of %(values)s.") % {"values": ", ".join(SORTS)})
        else:
            sort = raw_sort.lower()

    return SearchQuery(text=text, page=page, page_size=page_size, sort=sort, **filters)


def parse_search_query(params: Mapping, *, allow_page_size: bool = True) -> SearchQuery:
    """Strict: the query, or `SearchParamError` for the first bad parameter."""
    errors: list[SearchParamError] = []
    query = _parse(params, allow_page_size=allow_page_size, errors=errors)
    if errors:
        raise errors[0]
    return query


def parse_search_query_lenient(params: Mapping, *, allow_page_size: bool = False) -> ParsedQuery:
    """Lenient: bad values are left out (and listed); never raises."""
    errors: list[SearchParamError] = []
    query = _parse(params, allow_page_size=allow_page_size, errors=errors)
    return ParsedQuery(query=query, problems=errors)


def query_params(query: SearchQuery, **changes) -> list[tuple[str, str]]:
    """The URL parameters that reproduce `query` (defaults left out), for links."""
    from dataclasses import replace

    query = replace(query, **changes) if changes else query
    items: list[tuple[str, str]] = []
    if query.text:
        items.append(("q", query.text))
    for name in FACETS:
        items.extend((name, value) for value in getattr(query, name))
    if query.sort != "relevance":
        items.append(("sort", query.sort))
    if query.page_size != DEFAULT_PAGE_SIZE:
        items.append(("page_size", str(query.page_size)))
    if query.page != 1:
        items.append(("page", str(query.page)))
    return items


def has_filters(query: SearchQuery) -> bool:
    return any(getattr(query, name) for name in FACETS)


def selected(query: SearchQuery) -> dict[str, Sequence[str]]:
    return {name: values for name, values in query.filters().items() if values}

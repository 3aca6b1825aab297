"""What a researcher profile contributes to search, built once for every engine.

`load_listed_researchers(pks)` fetches the listed profiles among `pks` with
everything search needs in a fixed number of queries; `ResearcherData.from_page`
turns one into plain data. The database engine stores it in its two tables; the
Elasticsearch engine indexes the same fields, so both engines search the same text.

Only *listed* profiles reach an index (`listed_researchers`): published, and behind
no Wagtail view restriction (password, login or groups) on the page or on any
ancestor. Whatever reads an index (the directory, its API, autocomplete, similar
researchers, the researchers of site search) therefore never sees a restricted
profile; `search.signals` re-indexes a subtree when a restriction is added or
removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.utils import timezone, translation
from django_countries import countries
from wagtail.query import PageQuerySet
from wagtail.rich_text import get_text_for_indexing

from common.i18n import DEFAULT_LANGUAGE, LANGUAGE_CODES
from directory.choices import LATIN_AMERICA, UK_COUNTRIES, OpenTo
from directory.models import ResearcherPage
from search.query import fold

#: Fixed bits of the `open_to` mask, in the order of the OpenTo choices.
OPEN_TO_BITS: dict[str, int] = {value: index for index, value in enumerate(OpenTo.values)}


@cache
def country_names(code: str) -> tuple[str, ...]:
    """English, Spanish and Portuguese names of a country: "Brazil", "Brasil".

    django-countries' own names (it ships es and pt_BR), so a search in any of
    the three languages finds the country whatever label editors give it.
    """
    names = []
    for language in LANGUAGE_CODES:
        with translation.override(language):
            name = str(countries.name(code))
        if name and name not in names:
            names.append(name)
    return tuple(names)


def region_of(country: str) -> str:
    if country in UK_COUNTRIES:
        return "uk"
    if country in LATIN_AMERICA:
        return "latam"
    return ""


def text_for_indexing(value: str) -> str:
    """The searched text of a rich text field, on one line.

    Wagtail's own extraction (block ends and line breaks become spaces, entities
    are decoded), with runs of whitespace, non-breaking spaces included, made one
    space: snippets are cut from this text.
    """
    return " ".join(get_text_for_indexing(value or "").split())


@dataclass
class ResearcherData:
    """One profile as search sees it."""

    id: int
    live: bool
    name: str
    url: str
    job_title: str
    institution_name: str
    institution_id: int | None
    country: str
    career_stage: str
    sort_name: str
    updated_at: datetime
    topics: list[str] = field(default_factory=list)
    #: Every name and synonym of the profile's own topics, in all three languages.
    topic_names: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    open_to: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    names: str = ""
    terms: str = ""
    biography: str = ""
    publications: str = ""

    @property
    def region(self) -> str:
        return region_of(self.country)

    @property
    def open_to_bits(self) -> int:
        bits = 0
        for value in self.open_to:
            bits |= 1 << OPEN_TO_BITS[value]
        return bits

    @classmethod
    def from_page(cls, page: ResearcherPage) -> ResearcherData:
        """Needs the relations `load_researchers` prefetches."""
        topics = list(page.topics.all())
        languages = list(page.languages.all())
        affiliations = list(page.affiliations.all())
        keywords = [tag.name for tag in page.keywords.all()]
        institution = page.institution if page.institution_id else None
        country = page.country_code or ""

        names = [page.title]
        full_name = f"{page.given_name} {page.family_name}".strip()
        if fold(full_name) != fold(page.title):
            names.append(full_name)

        # Cross-language search: each topic (and its parent) is indexed by its
        # names in English, Spanish and Portuguese and its synonyms, so "reciclaje",
        # "reciclagem" and "recycling" all find everyone tagged "Recycling...".
        own_topic_names = [name for topic in topics for name in topic.search_names]
        topic_names = list(own_topic_names)
        for topic in topics:
            if topic.parent_id:
                topic_names += topic.parent.search_names
        terms = [page.job_title]
        for inst in ([institution] if institution else []) + affiliations:
            terms += [inst.name, inst.acronym, inst.city]
        terms += topic_names + keywords
        if country:
            terms += country_names(country)
        for language in languages:
            terms += language.search_names

        updated = page.last_published_at or page.first_published_at or timezone.now()
        # The stored URL is the canonical English one whatever language the request
        # that re-indexes speaks; result cards put the visitor's prefix on it.
        with translation.override(DEFAULT_LANGUAGE):
            url = page.get_url() or ""
        return cls(
            id=page.pk,
            live=page.live,
            name=page.title,
            url=url,
            job_title=page.job_title,
            institution_name=institution.name if institution else "",
            institution_id=institution.pk if institution else None,
            country=country,
            career_stage=page.career_stage,
            sort_name=fold(f"{page.family_name} {page.given_name}".strip() or page.title)[:255],
            updated_at=updated,
            topics=[topic.slug for topic in topics],
            topic_names=list(dict.fromkeys(own_topic_names)),
            languages=[language.code for language in languages],
            open_to=list(page.open_to),
            keywords=keywords,
            names="\n".join(names),
            terms="\n".join(dict.fromkeys(t for t in terms if t)),
            biography=text_for_indexing(page.biographies),
            publications="\n".join(pub.title for pub in page.publications.all()),
        )


def listed_researchers() -> PageQuerySet:
    """The profiles the engines index: `ResearcherPageQuerySet.listed`."""
    return ResearcherPage.objects.listed()


def load_researchers(pks: Sequence[int]) -> list[ResearcherPage]:
    """The profiles among `pks`, with their relations, in seven queries."""
    return _with_relations(ResearcherPage.objects.filter(pk__in=list(pks)))


def load_listed_researchers(pks: Sequence[int]) -> list[ResearcherPage]:
    """The listed profiles among `pks` (see `listed_researchers`), in eight queries."""
    return _with_relations(listed_researchers().filter(pk__in=list(pks)))


def _with_relations(queryset) -> list[ResearcherPage]:
    return list(
        queryset.select_related("institution")
        .prefetch_related("topics__parent", "languages", "affiliations", "keywords", "publications")
        .order_by("pk")
    )

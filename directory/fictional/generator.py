"""The deterministic stream of fictional researcher records (plain dicts, no database)."""

from __future__ import annotations

import bisect
import functools
import importlib
import itertools
import random
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from directory.validators import orcid_check_character

if TYPE_CHECKING:
    pass

from directory.fictional.biographies import (
    ALIGNED_SLOTS,
    COLLABORATION,
    SENTENCE_LANGUAGES,
    SENTENCES,
    as_html,
)
from directory.fictional.vocabulary import (
    COUNTRY_LANGUAGE,
    COUNTRY_WEIGHTS,
    EXTRA_LANGUAGES,
    GENERAL_KEYWORDS,
    INSTITUTIONS_BY_COUNTRY,
    LATIN_AMERICAN_COUNTRIES,
    LOCALES,
    OPEN_TO_SHARE,
    SLOTS,
    STAGE_WEIGHTS,
    STAGES,
    THEMES,
    TITLES_EN,
    TITLES_LOCAL,
    TOPIC_SLUGS,
    TOPIC_WEIGHTS,
    VENUES,
    Record,
)

NamePool = tuple[tuple[str, ...], list[float] | None]  # names, cumulative weights or None
#: The site's language codes (`directory.languages`) of the generator's languages.
INTERFACE_CODES = {"en": "en", "es": "es", "pt": "pt-br"}


@functools.cache
def name_pools(locale: str) -> tuple[NamePool, NamePool, NamePool]:
    """(female given names, male given names, family names) of a Faker locale.

    Read straight from Faker's person provider for the locale, with its weights where
    it has them (common names stay common). Choosing from these with our own
    random.Random is deterministic and far cheaper than a `Faker(locale)` per locale
    (which loads every provider) plus a Faker call per name.
    """
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider

    def pool(names: Sequence[str] | dict[str, float]) -> NamePool:
        if isinstance(names, dict):
            return tuple(names), _cumulative(names.values())
        return tuple(names), None

    return (
        pool(provider.first_names_female),
        pool(provider.first_names_male),
        pool(provider.last_names),
    )


@functools.lru_cache(maxsize=65_536)
def ascii_slug(text: str, sep: str = ".") -> str:
    """Lower-case ASCII for e-mail local parts: 'José María' -> 'jose.maria'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()
    return sep.join(parts)


def fictional_orcid(index: int, seed: int = 0) -> str:
    """A valid ORCID iD in the unallocated 0000-0000- block, unique per (seed, index).

    Real ORCID iDs are issued from 0000-0001-5000-0007 upwards (and 0009-), so these
    pass the check-character validation without ever naming a real person.
    """
    value = (index * 7_654_321 + seed * 1_234_567 + 1) % 10**7  # a permutation of 0..10**7
    base = f"00000000{value:07d}"
    digits = base + orcid_check_character(base)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format_map(slots) if "{" in template else template


def _cumulative(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


# --------------------------------------------------------------------------------------
# The record stream
# --------------------------------------------------------------------------------------


def generate_researchers(n: int, seed: int = 0) -> Iterator[Record]:
    """Yield `n` fictional researcher records as plain data, deterministically for `seed`.

    Each record has: given_name, family_name, email, job_title, career_stage, country,
    institution (a dict from INSTITUTIONS), affiliations (list of such dicts), topics
    (Topic slugs), keywords, biography (HTML) and bio_language (en, es or pt-br), bio_es
    and bio_pt (HTML translations, often empty), preferred_language (often empty:
    automatic), languages (ISO 639-1 codes), orcid (or ""), open_to (OpenTo values),
    publications (dicts of title/year/venue/doi) and links (dicts of url/label). Picks
    use `random()` and `bisect` rather than `random.choices`, which builds a list per
    call; 100,000 records take about 10 s on a 2-core VM, small next to the database
    writes.
    """
    rand = random.Random(seed).random

    def pick(seq: Sequence[Any]) -> Any:
        return seq[int(rand() * len(seq))]

    def weighted(seq: Sequence[Any], cum: list[float]) -> Any:
        return seq[bisect.bisect(cum, rand() * cum[-1])]

    def from_pool(pool: NamePool) -> str:
        names, cum = pool
        return pick(names) if cum is None else weighted(names, cum)

    countries = list(COUNTRY_WEIGHTS)
    country_cum = _cumulative(COUNTRY_WEIGHTS.values())
    institution_cum = {
        code: _cumulative(1 / (rank + 1.5) for rank in range(len(specs)))
        for code, specs in INSTITUTIONS_BY_COUNTRY.items()
    }
    locale_choices = {
        code: ([loc for loc, _ in locales], _cumulative(w for _, w in locales))
        for code, locales in LOCALES.items()
    }
    topic_cum = {key: _cumulative(w) for key, w in TOPIC_WEIGHTS.items()}
    stage_cum = _cumulative(STAGE_WEIGHTS)
    topic_count_cum = _cumulative((30, 40, 20, 10))
    publication_count_cum = _cumulative((15, 20, 25, 20, 12, 8))
    open_to_shares = [(str(value), share) for value, share in OPEN_TO_SHARE.items()]
    slot_items = list(SLOTS.items())
    aligned_items = list(ALIGNED_SLOTS.items())
    emails: set[str] = set()
    doi_counter = seed * 10_000_000

    for index in range(n):
        # The first records visit every country once, so small samples cover them all.
        country = countries[index] if index < len(countries) else weighted(countries, country_cum)
        institution = weighted(INSTITUTIONS_BY_COUNTRY[country], institution_cum[country])
        locale = weighted(*locale_choices[country])
        female_names, male_names, family_names = name_pools(locale)
        female = rand() < 0.5
        given_name = from_pool(female_names if female else male_names)
        family_name = from_pool(family_names)
        if locale != "en_GB" and rand() < 0.35:
            second = from_pool(family_names)  # two surnames, as is common in Latin America
            if second != family_name:
                family_name = f"{family_name} {second}"

        domain = institution["domain"]
        local = f"{ascii_slug(given_name)}.{ascii_slug(family_name)}"
        email, k = f"{local}@{domain}", 2
        while email in emails:
            email, k = f"{local}{k}@{domain}", k + 1
        emails.add(email)

        if country == "GB":
            main_language = "en" if locale == "en_GB" else ("pt" if locale == "pt_BR" else "es")
            languages = ["en"] if main_language == "en" else ["en", main_language]
        else:
            main_language = COUNTRY_LANGUAGE.get(country, "es")
            languages = [main_language]
        for code, share in EXTRA_LANGUAGES.get(country, EXTRA_LANGUAGES["*"]):
            if rand() < share and code not in languages:
                languages.append(code)

        stage = weighted(STAGES, stage_cum)
        local_titles = TITLES_LOCAL.get(main_language)
        if country != "GB" and local_titles and rand() < 0.6:
            job_title = pick(local_titles[stage])[1 if female else 0]
        else:
            job_title = pick(TITLES_EN[stage])

        cum = topic_cum["GB" if country == "GB" else "LA"]
        n_topics = 1 + bisect.bisect(topic_count_cum, rand() * topic_count_cum[-1])
        topics = list(dict.fromkeys(weighted(TOPIC_SLUGS, cum) for _ in range(n_topics)))
        shared = {name: pick(values) for name, values in slot_items}
        aligned = {name: pick(values) for name, values in aligned_items}
        # Per language: the shared words and each translated one in that language.
        slots_in = {
            language: shared | {name: words[k] for name, words in aligned.items()}
            for k, language in enumerate(SENTENCE_LANGUAGES)
        }
        slots = slots_in["en"] | {f"metal_{lang}": slots_in[lang]["metal"] for lang in slots_in}

        keywords = []
        for slug in topics:
            vocabulary = THEMES[slug]["keywords"]
            i = int(rand() * len(vocabulary))
            j = int(rand() * (len(vocabulary) - 1))
            keywords += (vocabulary[i], vocabulary[j + (j >= i)])
        if rand() < 0.3:
            keywords.append(pick(GENERAL_KEYWORDS))
        keywords = list(dict.fromkeys(keywords))

        # Biography: a sentence on each of the first two topics, then (often) one on
        # working together, the same sentences in every language. Written in English in
        # the UK and by some abroad, else in their own language; some give it in the
        # site's other languages too.
        chosen = [pick(SENTENCES[topics[0]])]
        if len(topics) > 1:
            second = pick(SENTENCES[topics[1]])
            if second not in chosen:
                chosen.append(second)
        if rand() < 0.6:
            chosen.append(pick(COLLABORATION["GB" if country == "GB" else "LA"]))
        texts = {
            language: as_html([_fill(sentence[k], slots_in[language]) for sentence in chosen])
            for k, language in enumerate(SENTENCE_LANGUAGES)
        }
        original = main_language if country != "GB" and rand() < 0.7 else "en"
        translations = {}
        for language in ("es", "pt"):
            # More often into their own language, when they wrote in English.
            share = 0.65 if language == main_language else 0.3
            if language != original and rand() < share:
                translations[language] = texts[language]
        preferred = INTERFACE_CODES[main_language] if rand() < 0.75 else ""

        affiliations = []
        if rand() < 0.2:
            # Cross-region affiliations are the network's reason to exist.
            other = pick(LATIN_AMERICAN_COUNTRIES) if country == "GB" else "GB"
            affiliations.append(pick(INSTITUTIONS_BY_COUNTRY[other]))

        publications = []
        titles: set[str] = set()
        for position in range(bisect.bisect(publication_count_cum, rand() * 100)):
            title = _fill(pick(THEMES[topics[position % len(topics)]]["titles"]), slots)
            if title in titles:
                continue
            titles.add(title)
            doi_counter += 1
            publications.append(
                {
                    "title": title,
                    "year": 2010 + int(rand() * 16),
                    "venue": pick(VENUES),
                    "doi": f"10.5555/demo.{doi_counter}",
                }
            )

        links = []
        if rand() < 0.4:
            path = f"{ascii_slug(given_name, '-')}-{ascii_slug(family_name, '-')}"
            links.append({"url": f"https://{domain}/people/{path}/", "label": "Group page"})

        yield {
            "given_name": given_name,
            "family_name": family_name,
            "email": email,
            "job_title": job_title,
            "career_stage": stage.value,
            "country": country,
            "institution": institution,
            "affiliations": affiliations,
            "topics": topics,
            "keywords": keywords,
            "biography": texts[original],
            "bio_language": INTERFACE_CODES[original],
            "bio_es": translations.get("es", ""),
            "bio_pt": translations.get("pt", ""),
            "preferred_language": preferred,
            "languages": languages,
            "orcid": fictional_orcid(index, seed) if rand() < 0.8 else "",
            "open_to": [value for value, share in open_to_shares if rand() < share],
            "publications": publications,
            "links": links,
        }

"""Highlighted snippets, the same on every engine.

Engines find the matching profiles; this module shows why they matched. Doing it in
Python rather than with FTS5 `snippet()` or PostgreSQL `ts_headline()` keeps the
snippets identical on both databases, and lets a term stemmed in one language light
up its forms in another ("cátodo" marks "cátodos" and "catódico"), which
`ts_headline` with a single text search configuration cannot do.

The output is HTML-safe: the text is escaped and only `<mark>` is added.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from django.utils.html import escape

from search.query import fold

WORD_RE = re.compile(r"[^\W_]+")
SNIPPET_LENGTH = 200
_SUFFIXES = sorted(
    "ations ation ings ing ies es s ed ly os as o a e y al ic ica ico".split(),  # noqa: SIM905
    key=len,
    reverse=True,
)


_SUFFIX_ALTERNATIVES = "|".join(re.escape(suffix) for suffix in _SUFFIXES)
_SUFFIX_RE = re.compile(rf"^(.{{4,}}?)({_SUFFIX_ALTERNATIVES})$")


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """A crude stem of a folded word: enough to recognise forms of a term, no more."""
    match = _SUFFIX_RE.match(word)
    return match.group(1) if match else word


@lru_cache(maxsize=50_000)
def _fold_word(word: str) -> str:
    return fold(word)


def _term_stems(terms: Sequence[str]) -> list[tuple[str, str]]:
    return [(term, stem(term)) for term in terms if term]


def _matching_term(word: str, stems: list[tuple[str, str]]) -> str | None:
    folded = _fold_word(word)
    word_stem = stem(folded)
    for term, term_stem in stems:
        if folded == term or word_stem == term_stem:
            return term
        if len(term_stem) >= 5 and word_stem.startswith(term_stem):
            return term
    return None


def _matches(text: str, stems: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    folded_text = fold(text)
    if len(folded_text) != len(text):
        # Rare (ligatures, "ß" …): folding moved offsets, so look at every word.
        return [
            (m.start(), m.end(), term)
            for m in WORD_RE.finditer(text)
            if (term := _matching_term(m.group(), stems)) is not None
        ]
    # Only words starting like a term are looked at, found by one regular
    # expression over the folded text (same offsets as the original).
    prefixes = {term_stem[:3] for _term, term_stem in stems} | {t[:3] for t, _s in stems}
    candidates = _candidates_re(tuple(sorted(prefixes)))
    found = []
    for match in candidates.finditer(folded_text):
        term = _matching_term(text[match.start() : match.end()], stems)
        if term is not None:
            found.append((match.start(), match.end(), term))
    return found


@lru_cache(maxsize=256)
def _candidates_re(prefixes: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(prefix) for prefix in prefixes)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*")


def _render(text: str, start: int, end: int, matches: list[tuple[int, int, str]]) -> str:
    out, position = [], start
    for m_start, m_end, _term in matches:
        if m_start < start or m_end > end:
            continue
        out.append(escape(text[position:m_start]))
        out.append(f"<mark>{escape(text[m_start:m_end])}</mark>")
        position = m_end
    out.append(escape(text[position:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(out).strip() + suffix


def _cut(text: str, start: int, length: int) -> tuple[int, int]:
    """A window of about `length` characters from `start`, cut at word boundaries."""
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > start + length // 2:
            end = space
    if start > 0:
        space = text.find(" ", start, start + 30)
        if space != -1:
            start = space + 1
    return start, end


def highlight_text(text: str, terms: Sequence[str]) -> str:
    """All of `text`, escaped, with the words matching `terms` in <mark>."""
    return _render(text, 0, len(text), _matches(text, _term_stems(terms)))


def best_fragment(
    text: str, terms: Sequence[str], length: int = SNIPPET_LENGTH
) -> tuple[int, str] | None:
    """The window of `text` showing the most distinct terms, as (terms shown, HTML).

    None when no term occurs in `text`.
    """
    text = " ".join(text.split())
    matches = _matches(text, _term_stems(terms))
    if not matches:
        return None
    best_start, best_score = 0, (-1, 0)
    for index, (m_start, _m_end, _term) in enumerate(matches):
        window_start = max(0, m_start - 40)
        inside = [m for m in matches[index:] if m[1] <= window_start + length]
        inside += [m for m in matches[:index] if m[0] >= window_start]
        score = (len({m[2] for m in inside}), len(inside))
        if score > best_score:
            best_start, best_score = window_start, score
    if len(text) <= length:
        best_start = 0
    start, end = _cut(text, best_start, length)
    return best_score[0], _render(text, start, end, matches)


def make_snippet(sources: Sequence[str], terms: Sequence[str], length: int = SNIPPET_LENGTH) -> str:
    """The best highlighted fragment among `sources` (in order of preference).

    Without a match (a name-only match, or no text at all) the start of the first
    non-empty source, escaped.
    """
    best: tuple[int, str] | None = None
    if terms:
        for source in sources:
            if not source:
                continue
            fragment = best_fragment(source, terms, length)
            if fragment and (best is None or fragment[0] > best[0]):
                best = fragment
                if best[0] == len(terms):
                    break
    if best is not None:
        return best[1]
    for source in sources:
        source = " ".join(source.split())
        if source:
            start, end = _cut(source, 0, length)
            return _render(source, start, end, [])
    return ""

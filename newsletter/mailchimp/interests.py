"""Topics and Mailchimp interests: which interest stands for which topic, both ways.

The setup command (audience_setup.py) links each topic to one interest in the
"Topics" category (`TopicInterest`). Outward, bodies carry interest *ids*
(member_body.py); inward, the pull reads ids and webhooks carry group *names*
(docs/mailchimp-api.md §4), matched here.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping

from newsletter.mailchimp.models import TopicInterest

#: The SyncState key holding the id of the "Topics" interest category.
CATEGORY_KEY = "interest-category-id"
CATEGORY_TITLE = "Topics"
#: The weekly digest's opt-in is an interest of its own category (not a topic), so
#: digest campaigns can select its members (docs/newsletter.md, "The weekly digest").
DIGEST_CATEGORY_KEY = "digest-category-id"
DIGEST_INTEREST_KEY = "digest-interest-id"
DIGEST_CATEGORY_TITLE = "Newsletter options"
DIGEST_INTEREST_NAME = "Weekly digest"


def digest_interest_id() -> str:
    """The Mailchimp interest standing for the digest opt-in ("" before the setup made it)."""
    from newsletter.mailchimp.models import SyncState

    return SyncState.get_value(DIGEST_INTEREST_KEY)


def interest_map() -> dict[int, str]:
    """topic id → Mailchimp interest id, for every topic linked by the setup command."""
    return dict(TopicInterest.objects.values_list("topic_id", "interest_id"))


def topics_from_interests(interests: Mapping[str, bool]) -> list[int] | None:
    """Topic ids whose interest is true; None when the answer names none of our interests
    (so a missing or foreign interest block never wipes local topics)."""
    by_interest = {iid: tid for tid, iid in interest_map().items()}
    known = [iid for iid in interests if iid in by_interest]
    if not known:
        return None
    return [by_interest[iid] for iid in known if interests[iid]]


_ESCAPED_COMMA = re.compile(r"\\+,")
_SPACES = re.compile(r"\s+")
_COMMA = re.compile(r"\s*,\s*")


def _name_key(name: str) -> str:
    """How two spellings of one group name are told equal: Unicode NFC, case-folded,
    runs of spaces collapsed, and no spaces around commas (Mailchimp joins with ", ")."""
    text = unicodedata.normalize("NFC", html.unescape(name)).casefold()
    return _COMMA.sub(",", _SPACES.sub(" ", text).strip())


def split_group_names(text: str, known: Iterable[str]) -> list[str]:
    """The names in a webhook's group list, matched against `known` names.

    Mailchimp's webhooks list a member's groups as names joined by ", "
    (`merges[INTERESTS]`, `merges[GROUPINGS][n][groups]`). A comma inside a name
    may arrive escaped with backslashes (`Cell design\\, manufacturing`) or not at
    all, so splitting on commas alone would lose every name holding one. Escaped
    commas are kept inside their piece; then consecutive pieces are joined back
    into the longest known name, starting from each piece in turn. Pieces that
    match no known name (a group the site does not link) are dropped.
    """
    by_key: dict[str, str] = {}
    for name in known:
        by_key.setdefault(_name_key(name), name)
    marker = "\x00"
    pieces = [
        piece.replace(marker, ",").strip()
        for piece in _ESCAPED_COMMA.sub(marker, text or "").split(",")
    ]
    pieces = [piece for piece in pieces if piece]
    found: list[str] = []
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            name = by_key.get(_name_key(",".join(pieces[i:j])))
            if name is not None:
                found.append(name)
                i = j
                break
        else:
            i += 1
    return found


def topics_from_names(text: str) -> list[int]:
    """Topic ids named in a webhook's group list (see split_group_names)."""
    linked = dict(TopicInterest.objects.values_list("name", "topic_id"))
    return [linked[name] for name in dict.fromkeys(split_group_names(text, linked))]

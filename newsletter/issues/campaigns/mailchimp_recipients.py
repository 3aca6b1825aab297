"""Who each language's Mailchimp campaign goes to: topics, and the member's language.

An issue with translations is sent as one campaign per language. Each campaign's
`recipients.segment_opts` (docs/mailchimp-api.md §5, §9) adds language
conditions to the topic one, so every member receives exactly one of them:

* a translation's campaign: `Language is <its code>` (es, pt);
* the English campaign: `Language not <code>` for each language that has a
  translation, so it reaches English readers **and** everyone whose language
  has none (or whose language Mailchimp does not know).

The sync sets every member's `language` to `en`, `es` or `pt` on each write
(`newsletter.mailchimp.member_body`), the codes these conditions compare.

Topics: the Mailchimp sync keeps one interest per topic
(`newsletter.mailchimp.models.TopicInterest`); members with any of the chosen
interests are selected (`Interests` condition, `interestcontains`). If a chosen
topic has no interest yet, sending is refused rather than widened to the whole
audience. With language conditions the segment must `match: "all"`, which is
only the same as "any of the topics" while the topics are in one interest
category (the sync's "Topics"); more than one is refused rather than narrowed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from .base import CampaignError

if TYPE_CHECKING:
    from newsletter.issues.editions import EditionContent
    from newsletter.issues.models import Dispatch


def topic_interest_ids(topic_ids: Iterable[int]) -> dict[int, str]:
    """topic id → Mailchimp interest id, as the Mailchimp sync stored them."""
    from newsletter.mailchimp.models import TopicInterest

    return dict(
        TopicInterest.objects.filter(topic_id__in=list(topic_ids)).values_list(
            "topic_id", "interest_id"
        )
    )


def language_condition(op: str, language: str) -> dict[str, str]:
    """Mailchimp's Language segment condition (docs/mailchimp-api.md §9)."""
    return {"condition_type": "Language", "field": "language", "op": op, "value": language}


def language_conditions(dispatch: Dispatch, edition: EditionContent) -> list[dict[str, str]]:
    """`is` its language for a translation; `not` each translated language for English."""
    if not edition.is_source:
        return [language_condition("is", edition.language)]
    return [
        language_condition("not", language)
        for language in sorted(other.language for other in dispatch.editions.all())
    ]


def interest_conditions(
    dispatch: Dispatch, categories_of: Callable[[set[str]], dict[str, str]]
) -> list[dict[str, Any]]:
    """One `Interests` condition per interest category of the chosen topics ([] = all).

    `categories_of` maps interest ids to their category ids (asked of Mailchimp).
    """
    topics = sorted(dispatch.topics.all(), key=lambda t: t.pk)
    if not topics:
        return []
    interest_ids = topic_interest_ids(t.pk for t in topics)
    missing = [t.name for t in topics if t.pk not in interest_ids]
    if missing:
        raise CampaignError(
            gettext(
                "These topics have no Mailchimp interest group yet: %(topics)s. Run the "
                "Mailchimp sync, or remove them from the recipients; nothing was sent."
            )
            % {"topics": ", ".join(missing)}
        )
    categories = categories_of(set(interest_ids.values()))
    unknown = [t.name for t in topics if interest_ids[t.pk] not in categories]
    if unknown:
        raise CampaignError(
            gettext(
                "Mailchimp no longer has the interest groups for %(topics)s. Run the "
                "Mailchimp sync; nothing was sent."
            )
            % {"topics": ", ".join(unknown)}
        )
    by_category: dict[str, list[str]] = {}
    for topic in topics:
        interest = interest_ids[topic.pk]
        by_category.setdefault(categories[interest], []).append(interest)
    return [
        {
            "condition_type": "Interests",
            "field": f"interests-{category}",
            "op": "interestcontains",
            "value": interests,
        }
        for category, interests in sorted(by_category.items())
    ]


def recipients(
    list_id: str,
    dispatch: Dispatch,
    edition: EditionContent,
    categories_of: Callable[[set[str]], dict[str, str]],
) -> dict[str, Any]:
    """`{list_id}` for the whole audience, plus `segment_opts` for topics and languages."""
    result: dict[str, Any] = {"list_id": list_id}
    topics = interest_conditions(dispatch, categories_of)
    languages = language_conditions(dispatch, edition)
    if not topics and not languages:
        return result
    if languages and len(topics) > 1:
        raise CampaignError(
            gettext(
                "The chosen topics are in more than one Mailchimp interest category, which "
                "cannot be combined with one campaign per language. Choose topics of one "
                "category; nothing was sent."
            )
        )
    result["segment_opts"] = {
        "match": "all" if languages else "any",
        "conditions": [*topics, *languages],
    }
    return result

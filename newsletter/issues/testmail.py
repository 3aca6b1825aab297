"""Test e-mails link to a page that says so, not to anyone's real preferences.

A test goes to an editor, who may well be a subscriber: with the real footer,
"Unsubscribe now" in a test would take them off the list (and for a stand-in
address the links name nobody and fail). So the footer's preferences and
unsubscribe links of a test point at `newsletter_issues:test_link` instead,
and so does `List-Unsubscribe`, which a mail client's own "Unsubscribe" button
uses (its one-click POST lands on the same page, which changes nothing).
"""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from common.base_url import absolute_url

_PLACEHOLDER = "TOKEN"
_LINKS = ("preferences", "unsubscribe")


def test_link_url(link: str) -> str:
    """The page a test e-mail's `link` ("preferences" or "unsubscribe") leads to."""
    return absolute_url(reverse("newsletter_issues:test_link")) + f"?link={link}"


def _link_pattern(link: str) -> re.Pattern[str]:
    prefix, _, suffix = absolute_url(reverse(f"newsletter:{link}", args=[_PLACEHOLDER])).partition(
        _PLACEHOLDER
    )
    return re.compile(re.escape(prefix) + r"[^/\s\"'<>]+" + re.escape(suffix))


def point_links_at_test_page(message: Any) -> Any:
    """Rewrite a built list e-mail (`EmailMultiAlternatives`) into a test; returns it."""

    def rewrite(body: str) -> str:
        for link in _LINKS:
            body = _link_pattern(link).sub(test_link_url(link), body)
        return body

    message.body = rewrite(message.body)
    message.alternatives = [
        type(alternative)(rewrite(alternative[0]), alternative[1])
        for alternative in message.alternatives
    ]
    if "List-Unsubscribe" in message.extra_headers:
        message.extra_headers["List-Unsubscribe"] = f"<{test_link_url('unsubscribe')}>"
    return message

"""Sections other apps add to a topic's page ("hub sections"), without being imported.

A topic's page (`directory.views.topic_detail`) shows the topic's researchers and,
below them, whatever other apps hold about the topic: open opportunities, upcoming
events, the latest news. Those live in `editorial/`, which imports `directory/`; the
directory must not import it back. So the app that knows registers a section here
once (in its `AppConfig.ready()`) and the topic page renders every section
registered, in `order`.

A section's `items` callable gets the topic and the request and returns a short
list (not a lazy queryset: the page then costs the same number of queries however
many items there are, as long as the callable selects and prefetches what its
template reads).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class HubSection:
    """One block of a topic's page.

    `key` names it (and its heading's id), `heading` is what the visitor reads (a lazy
    translation), `template` renders `items` (with `topic` and `request` in its
    context), including what to say when there are none and a link to the full
    listing: those words are the registering app's, in its catalogues.
    """

    key: str
    heading: Any
    template: str
    items: Callable[[Any, HttpRequest], Sequence[Any]]
    order: int = 100


_sections: dict[str, HubSection] = {}


def register(section: HubSection) -> None:
    """Add (or, with the same key, replace) a section of every topic's page."""
    _sections[section.key] = section


def unregister(key: str) -> None:
    """Remove a section (for tests)."""
    _sections.pop(key, None)


def sections() -> list[HubSection]:
    """Every registered section, in page order."""
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def render_sections(topic: Any, request: HttpRequest) -> list[dict[str, Any]]:
    """Each section with its items for `topic`; sections with no items are kept (the
    template says there is nothing yet), so a topic's page always has the same shape."""
    rendered = []
    for section in sections():
        rendered.append({"section": section, "items": list(section.items(topic, request))})
    return rendered

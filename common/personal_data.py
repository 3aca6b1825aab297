"""What each app holds about a person, and how each app forgets it.

"Download my data" and "Delete my profile and account" cross every app: the directory
holds the profile, accounts hold the sign-in and consent records, the mailing list
holds the subscription. Apps must not import each other for this (the directory knows
no mailing list), so each app that holds personal data registers, once, in its
`AppConfig.ready()`:

- an exporter: `(user, email) -> dict` of what it holds (JSON-serialisable), under a
  section name;
- an eraser: `(user, email) -> None` that removes it, raising when a remote service
  (a search engine, Mailchimp) cannot be reached, so that the caller queues a retry.

The account's e-mail address is passed separately because a profile's or a
subscriber's address may be all that links them to the person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any, str], dict[str, Any]]
Eraser = Callable[[Any, str], None]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}


def register(
    section: str, *, exporter: Exporter | None = None, eraser: Eraser | None = None
) -> None:
    """Register what app `section` holds about a person and how it forgets it."""
    if exporter is not None:
        _exporters[section] = exporter
    if eraser is not None:
        _erasers[section] = eraser


def export(user: Any, email: str) -> dict[str, Any]:
    """Everything every app holds about the person, one section per app."""
    return {section: exporter(user, email) for section, exporter in sorted(_exporters.items())}


def erasers() -> dict[str, Eraser]:
    """Section name -> eraser, so that the caller can run (and retry) each on its own."""
    return dict(_erasers)

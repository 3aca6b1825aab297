"""Receivers that turn the newsletter's explicit signals into outbox rows.

The newsletter sends `subscriber_changed` only for changes made on the site, never
for changes that came from Mailchimp, so nothing received here echoes back.
Connected in MailchimpSyncConfig.ready().
"""

from __future__ import annotations

from typing import Any

from newsletter.mailchimp.outbox import queue_erase, queue_upsert
from newsletter.models import Subscriber


def on_subscriber_changed(
    sender: Any,
    subscriber: Subscriber,
    previous_email: str | None = None,
    confirmed: bool | None = None,
    **kwargs: Any,
) -> None:
    """Queue an upsert in the sender's transaction (no-op without Mailchimp settings).

    `confirmed=True` (optional) marks a completed double opt-in; see queue_upsert.
    """
    queue_upsert(subscriber, previous_email=previous_email, confirmed=confirmed)


def on_subscriber_erased(sender: Any, email: str, **kwargs: Any) -> None:
    """Queue the permanent deletion of the member (no-op without Mailchimp settings)."""
    queue_erase(email)

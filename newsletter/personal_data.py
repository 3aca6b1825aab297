"""The mailing list's part of "Download my data" and "Delete my profile and account".

Registered with `common.personal_data` in `NewsletterConfig.ready()`, keyed on the
account's e-mail address (the only thing that links a subscription to a person
once the profile is gone; the directory's eraser may already have run).

The exporter lists the subscription and its whole consent history. Records an
editor made name the editor ("Added by an administrator (ed)…"); that name is
about someone else, so it is left out of the export.

The eraser reuses the admin's "Erase this subscriber permanently"
(`services.erase`): the subscriber and their consent history go, and with
Mailchimp configured the sync queues the permanent delete of the member. That
delete is then delivered at once (`deliver_erasures`), so that if Mailchimp cannot
be reached the eraser raises and the directory queues a retry; a retry (with a
stand-in user: only the address is left) delivers whatever erasure of the address
is still waiting in the outbox. Nothing here ever writes a member, so nobody is
put back on the list. An address the site never had as a subscriber is not sent
to Mailchimp at all.
"""

from __future__ import annotations

import re
from typing import Any

from newsletter import services
from newsletter.models import Subscriber, normalise_email

#: "an administrator (ed)" -> "an administrator": the editor is another person.
_EDITOR = re.compile(r"(administrator) \([^()]*\)", re.IGNORECASE)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_subscription(user: Any, email: str) -> dict[str, Any]:
    """The subscription held for `email`, with every consent record; {} if none."""
    address = normalise_email(email)
    if not address:
        return {}
    subscriber = (
        Subscriber.objects.for_email(address).prefetch_related("topics", "consents").first()
    )
    if subscriber is None:
        return {}
    return {
        "email": subscriber.email,
        "first_name": subscriber.first_name,
        "last_name": subscriber.last_name,
        "status": subscriber.status,
        "language": subscriber.language,
        "topics": sorted(topic.name for topic in subscriber.topics.all()),
        "digest": subscriber.digest,
        "digest_opted_in_at": _iso(subscriber.digest_consent_at),
        "country": subscriber.country.code or None,
        "career_stage": subscriber.career_stage or None,
        "new_address_awaiting_confirmation": subscriber.pending_email or None,
        "created_at": _iso(subscriber.created_at),
        "updated_at": _iso(subscriber.updated_at),
        "confirmation_sent_at": _iso(subscriber.confirmation_sent_at),
        "confirmed_at": _iso(subscriber.confirmed_at),
        "unsubscribed_at": _iso(subscriber.unsubscribed_at),
        "consents": [
            {
                "kind": consent.kind,
                "how": str(consent.get_kind_display()),
                "text": _EDITOR.sub(r"\1", consent.text),
                "given_at": _iso(consent.given_at),
                "ip_address": consent.ip_address,
                "source_url": consent.source_url,
            }
            for consent in sorted(subscriber.consents.all(), key=lambda c: (c.given_at, c.pk))
        ],
    }


def erase_subscription(user: Any, email: str) -> None:
    """Erase the subscription held for `email`, here and (if configured) in Mailchimp.

    Raises `MailchimpError` when Mailchimp cannot delete the member now; the
    local erasure is done by then, and calling again finishes the remote part.
    """
    from newsletter.mailchimp.worker import deliver_erasures

    address = normalise_email(email)
    if not address:
        return
    for subscriber in Subscriber.objects.for_email(address):
        services.erase(subscriber)
    deliver_erasures(address)

"""Reading one member back from Mailchimp, for what its webhooks leave out: the language.

Mailchimp's `subscribe`, `profile` and `upemail` webhooks carry the address, the
merge fields and the groups, but no `language` field (docs/mailchimp-api.md §4),
so a person who changes their language on Mailchimp's own preferences form
would otherwise be mailed in the old one until the nightly pull. When such an
event arrives without a language, the handler asks for this read after its
transaction commits (a task: the webhook must answer within 10 seconds, and a
call to Mailchimp inside it could take longer). If the task is lost, the
nightly `newsletter_sync --pull` reads the language anyway.

Only the language is taken: the webhook itself already applied everything
else, and the read is not ordered with other events. A person with a local
change still on its way to Mailchimp is left alone: that change is newer, and
its delivery will put Mailchimp in step.
"""

from __future__ import annotations

import logging

from django.db import transaction

from newsletter.mailchimp.apply_remote import has_open_changes, local_language, save_remote
from newsletter.mailchimp.client import Api, MailchimpError, is_configured
from newsletter.models import Subscriber

logger = logging.getLogger(__name__)

#: What the read asks for: just enough to check it is the same person.
FIELDS = ["email_address", "language"]


def read_language(subscriber_id: int, api: Api | None = None) -> str:
    """Take the member's language from Mailchimp; returns what happened (for logs, tests)."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return "gone"
    if not is_configured():
        return "not configured"
    if has_open_changes(subscriber):
        return "skipped: local change queued"
    api = api or Api()
    try:
        member = api.get_member(subscriber.subscriber_hash, FIELDS)
    except MailchimpError as exc:
        logger.info("Could not read member %s back from Mailchimp: %s", subscriber.pk, exc)
        return "not read" if exc.status != 404 else "not a member"
    language = local_language((member or {}).get("language"))
    if language is None:
        return "no language"
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None or subscriber.email != str(member.get("email_address", "")).lower():
            return "moved meanwhile"
        if has_open_changes(subscriber):
            return "skipped: local change queued"
        if subscriber.language == language:
            return "unchanged"
        save_remote(subscriber, {"language": language})
    return f"language: {language}"


def read_language_later(subscriber: Subscriber) -> None:
    """Queue `read_language` for when the webhook's transaction has committed."""
    from newsletter.mailchimp.tasks import read_member_language

    subscriber_id = subscriber.pk

    def enqueue() -> None:
        try:
            read_member_language.enqueue(subscriber_id)
        except Exception:  # the nightly pull reads it anyway
            logger.exception("Could not queue the language read of subscriber %s", subscriber_id)

    transaction.on_commit(enqueue)

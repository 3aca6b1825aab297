"""Background work of the mailing list (django-tasks; `manage.py db_worker` runs it).

Every e-mail the list sends on a person's behalf, and through the sync every
Mailchimp call, starts here rather than in a web request. The sign-up view in
particular only enqueues `process_signup`, with the same arguments and the same
work whatever the address, so neither its answer nor its timing can tell a
visitor whether an address is on the list.
"""

from __future__ import annotations

import logging

from django_tasks import task

from newsletter import emails, services
from newsletter.models import Subscriber

logger = logging.getLogger(__name__)


@task()
def process_signup(
    email: str,
    *,
    first_name: str | None,
    last_name: str | None,
    language: str | None,
    topic_ids: list[int] | None,
    consent_text: str,
    ip: str | None,
    source_url: str,
    language_hint: str | None,
    digest: bool | None = None,
    country: str | None = None,
    career_stage: str | None = None,
) -> None:
    """Run a sign-up posted to the site (see services.subscribe).

    Returns nothing: the outcome (whether the address was on the list) is not
    kept in the task's stored result.
    """
    from directory.models import Topic

    topics = None
    if topic_ids is not None:  # a topic deleted since the form was posted is dropped
        topics = list(Topic.objects.filter(pk__in=topic_ids).values_list("pk", flat=True))
    services.subscribe(
        email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        topics=topics,
        consent_text=consent_text,
        ip=ip,
        source_url=source_url,
        language_hint=language_hint,
        digest=digest,
        country=country,
        career_stage=career_stage,
    )


@task()
def send_confirmation(subscriber_id: int) -> None:
    """The confirmation e-mail for a subscriber an editor added (or whose address moved)."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is not None:
        services.send_confirmation(subscriber)


@task()
def send_address_change(subscriber_id: int) -> None:
    """Ask the owner of an address an editor entered to confirm it."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is not None and subscriber.pending_email:
        try:
            emails.send_address_change_email(subscriber)
        except Exception:
            logger.exception(
                "Could not send the address confirmation to subscriber %s", subscriber.pk
            )

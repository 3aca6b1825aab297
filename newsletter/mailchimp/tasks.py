"""The sync's django-tasks tasks: delivering the outbox, and reading a member back.

`deliver_pending_changes` takes no arguments on purpose: whatever is due is
delivered, so enqueueing it twice costs one empty run, and a lost task loses
nothing (the rows are the queue; the task is only the wake-up call).
"""

from __future__ import annotations

from django_tasks import task

from newsletter.mailchimp.worker import deliver_due


@task()
def deliver_pending_changes() -> dict:
    """Deliver every due change; re-enqueues itself for the earliest retry."""
    return deliver_due().as_dict()


@task()
def read_member_language(subscriber_id: int) -> str:
    """Read a member's language back after a webhook that did not carry it
    (newsletter.mailchimp.member_read)."""
    from newsletter.mailchimp.member_read import read_language

    return read_language(subscriber_id)

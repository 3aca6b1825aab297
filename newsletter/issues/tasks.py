"""Background work for issues, on django-tasks (Wagtail's task framework).

Tasks take ids, not objects: the database backend stores arguments as JSON, and
a worker must read the dispatch's *current* state (it may have been cancelled,
or finished by another worker, since it was queued). Both tasks are safe to run
twice or concurrently: the per-row claims in `campaigns.local` decide who sends.
"""

from __future__ import annotations

import logging

from django_tasks import task

from .campaigns.local import LocalBackend, due_dispatches
from .models import Dispatch, DispatchBackend

logger = logging.getLogger(__name__)


@task()
def send_issue(dispatch_id: int) -> dict[str, int]:
    """Send (or resume) one local dispatch; returns the delivery counts."""
    dispatch = Dispatch.objects.filter(pk=dispatch_id, backend=DispatchBackend.LOCAL).first()
    if dispatch is None:
        return {}
    return LocalBackend().deliver(dispatch).as_dict()


@task()
def send_due_issues() -> list[int]:
    """Run every local dispatch that is due or stalled (the cron command's twin)."""
    ran = []
    for dispatch_id in due_dispatches():
        dispatch = Dispatch.objects.get(pk=dispatch_id)
        try:
            LocalBackend().deliver(dispatch)
        except Exception:
            logger.exception("Newsletter dispatch %s stopped; it will be resumed", dispatch_id)
        ran.append(dispatch_id)
    return ran


@task()
def send_digests() -> dict[str, object]:
    """This week's digests (the `send_digests` command's twin); safe to run twice."""
    from .digest_sending import send_digests as run

    return run().as_dict()

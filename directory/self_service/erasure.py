"""Forgetting a person everywhere, and retrying what could not be done at once.

`erase_person` runs each step on its own: every eraser registered with
`common.personal_data` (the directory's deletes the profile), then the removal of
the profile from the search engines (`search`), then the account itself. A step
that raises (a search engine or a remote service down) is stored as a
`PendingErasure` and retried by `retry_erasures_task` until it succeeds; editors see
what is still pending under **Directory → Pending erasures**.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task, task_backends

from common import personal_data
from directory.models import PendingErasure

logger = logging.getLogger(__name__)

#: The step that removes a deleted profile from the search engines.
SEARCH = "search"
#: Seconds before a queued retry runs again (with a backend that can defer).
RETRY_DELAY = 300


def search_engine():
    """The configured search engine (both engines behind a fallback)."""
    from search.engines import get_engine

    return get_engine()


def _run(section: str, user: Any, email: str, page_id: int | None) -> None:
    if section == SEARCH:
        if page_id is not None:
            search_engine().remove_researchers([page_id])
        return
    eraser = personal_data.erasers().get(section)
    if eraser is not None:
        eraser(user, email)


def erase_person(user: Any) -> list[str]:
    """Erase everything held about `user`; return the sections queued for a retry."""
    from directory.self_service.personal_data import profile_of

    email = user.email or ""
    page = profile_of(user)
    page_id = page.pk if page is not None else None
    queued: list[str] = []
    sections = sorted(personal_data.erasers()) + [SEARCH]
    for section in sections:
        try:
            _run(section, user, email, page_id)
        except Exception as exc:  # any failure is retried, never lost
            logger.warning("Erasure of %s failed; queued for a retry", section)
            PendingErasure.objects.create(
                section=section,
                user_id=user.pk,
                email=email,
                page_id=page_id,
                attempts=1,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            queued.append(section)
    get_user_model().objects.filter(pk=user.pk).delete()
    if queued:
        schedule_retry()
    return queued


def schedule_retry() -> None:
    """Enqueue a retry, later when the backend can defer (else `db_worker`'s next run)."""
    backend = task_backends[retry_erasures_task.backend]
    if getattr(backend, "supports_defer", False):
        retry = retry_erasures_task.using(run_after=timezone.now() + timedelta(seconds=RETRY_DELAY))
        retry.enqueue()


@task()
def retry_erasures_task() -> int:
    """Run every pending erasure once more; re-enqueue itself while any remain."""
    remaining = 0
    for pending in PendingErasure.objects.order_by("pk"):
        stand_in = SimpleNamespace(pk=pending.user_id, id=pending.user_id, email=pending.email)
        try:
            _run(pending.section, stand_in, pending.email, pending.page_id)
        except Exception as exc:
            pending.attempts += 1
            pending.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            pending.save(update_fields=["attempts", "last_error"])
            remaining += 1
        else:
            pending.delete()
    if remaining:
        schedule_retry()
    return remaining

"""A task for the two-worker test (tests/website/test_task_workers.py).

In a module of its own so that the `db_worker` processes import it without
importing the test module. Each run appends one line to RUNS_FILE: the task's
number and the worker that ran it. The first task a worker runs waits until tasks
have been claimed by two workers, so the test proves the workers ran at the same
time (a worker alone would wait for the safety timeout and the test would fail).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import TaskContext, task
from django_tasks_db.models import DBTaskResult

#: Set by the test in the workers' environment.
RUNS_FILE_VARIABLE = "TASK_WORKER_TEST_RUNS"
#: A safety net only: the handshake normally completes as soon as both workers claim.
HANDSHAKE_LIMIT = 60.0


def _claimed_by() -> set[str]:
    ids: set[str] = set()
    for worker_ids in DBTaskResult.objects.values_list("worker_ids", flat=True):
        ids.update(worker_ids)
    return ids


@task(takes_context=True)
def record_run(context: TaskContext, number: int) -> int:
    worker = context.task_result.worker_ids[-1]
    runs = Path(os.environ[RUNS_FILE_VARIABLE])
    already = runs.exists() and any(
        line.split()[1] == worker for line in runs.read_text().splitlines()
    )
    if not already:
        deadline = time.monotonic() + HANDSHAKE_LIMIT
        while len(_claimed_by()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    # O_APPEND: each line lands whole, whichever process writes it.
    with runs.open("a") as out:
        out.write(f"{number} {worker}\n")
    return number

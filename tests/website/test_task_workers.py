"""Task workers scale out: two `db_worker` processes never run the same task.

django-tasks-db claims a task inside a transaction with
`SELECT … FOR UPDATE SKIP LOCKED` (`DBTaskResultQuerySet.get_locked`), then marks it
RUNNING before the transaction ends; a second worker skips the locked row and takes
the next. This test runs two real `manage.py db_worker` processes against the test
database on a batch of enqueued tasks. PostgreSQL only: SQLite has no row locks
(django-tasks-db takes an EXCLUSIVE transaction there, one writer at a time), and
pytest's SQLite test database lives in memory, out of another process's reach.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from tests.website.task_worker_support import RUNS_FILE_VARIABLE, record_run

pytestmark = pytest.mark.django_db(transaction=True)

TASKS = 40
PROJECT_DIR = Path(settings.BASE_DIR)


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(worker_id: str, runs: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.base",
        "SECRET_KEY": "task-worker-test",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "database",
        "ELASTICSEARCH_URL": "",
        RUNS_FILE_VARIABLE: str(runs),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--interval=0.05",
            f"--worker-id={worker_id}",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks and its test database is in memory, "
    "where no worker process can reach it",
)
def test_two_workers_share_a_batch_and_no_task_runs_twice(tmp_path):
    runs = tmp_path / "runs.txt"
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        for number in range(TASKS):
            record_run.enqueue(number)
    assert DBTaskResult.objects.ready().count() == TASKS

    workers = [start_worker(name, runs) for name in ("worker-a", "worker-b")]
    outputs = [worker.communicate(timeout=300)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs

    lines = [line.split() for line in runs.read_text().splitlines()]
    ran = Counter(int(number) for number, _ in lines)
    assert ran == Counter(range(TASKS)), "every task ran exactly once"
    by_worker = Counter(worker for _, worker in lines)
    assert set(by_worker) == {"worker-a", "worker-b"}, "both workers took part"

    results = DBTaskResult.objects.all()
    assert {r.status for r in results} == {"SUCCESSFUL"}
    # Each task was claimed once, by one worker.
    assert all(len(r.worker_ids) == 1 for r in results)

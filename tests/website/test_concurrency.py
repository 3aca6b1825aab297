"""Concurrent writes never answer 500 and lose nothing (issue 7.3).

Requests run at once in threads, each on its own database connection, as
under a threaded or multi-process server. pytest's SQLite test database lives
in memory, where SQLite's shared-cache locks behave unlike a real file's, so on
SQLite `real_database` copies it into a file for the test, with the
connection settings production uses (WAL, IMMEDIATE transactions, a busy
timeout). On PostgreSQL the threads use the test database directly.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from directory.models import ResearcherPage
from newsletter.issues.models import Dispatch, DispatchState
from newsletter.models import Subscriber
from tests.factories import NewsPageFactory
from tests.newsletter.issue_support import NewsletterIssuePageFactory, make_subscriber

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THREADS = 6


@pytest.fixture
def real_database(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """The test database as a file on SQLite, for the duration of one test."""
    if connection.vendor != "sqlite":
        yield connection.vendor
        return
    settings_dict = connection.settings_dict
    memory_name = settings_dict["NAME"]
    # Keeps the in-memory database alive while no Django connection points at it.
    keeper = sqlite3.connect(memory_name, uri=True)
    path = tmp_path / "concurrent.sqlite3"
    target = sqlite3.connect(path)
    keeper.backup(target)
    target.close()
    _drop(connection)
    settings_dict["NAME"] = str(path)
    try:
        yield "sqlite-file"
    finally:
        connections.close_all()
        _drop(connection)
        settings_dict["NAME"] = memory_name
        connection.ensure_connection()  # before the keeper lets the database go
        keeper.close()


def _drop(wrapper: Any) -> None:
    """Really close a connection (Django keeps in-memory SQLite ones open)."""
    if wrapper.connection is not None:
        wrapper.connection.close()
        wrapper.connection = None


def at_once(task: Callable[[int], Any], count: int = THREADS) -> list[Any]:
    """Run task(0..count-1) in threads released together; each closes its connection."""
    barrier = threading.Barrier(count)

    def run(n: int) -> Any:
        barrier.wait()
        try:
            return task(n)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def client() -> Client:
    return Client(raise_request_exception=False)


def test_the_sqlite_file_runs_in_wal_mode(real_database):
    if real_database != "sqlite-file":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.transaction_mode == "IMMEDIATE"


def test_two_send_now_clicks_make_one_campaign(real_database, admin_user):
    for n in range(3):
        make_subscriber(f"reader{n}@uni.example.org")
    issue = NewsletterIssuePageFactory(news=[NewsPageFactory()])
    url = reverse("newsletter_issues_sending", args=[issue.pk])
    mail.outbox = []

    def click(n: int) -> int:
        browser = client()
        browser.force_login(admin_user)
        return browser.post(url, {"action": "send", "send-confirm": "on"}).status_code

    assert at_once(click, 2) == [302, 302]
    dispatch = Dispatch.objects.get(issue_id=issue.pk)
    assert dispatch.state == DispatchState.SENT
    assert sorted(m.to[0] for m in mail.outbox) == [f"reader{n}@uni.example.org" for n in range(3)]


def test_concurrent_sign_ups_are_all_kept(real_database):
    def sign_up(n: int) -> int:
        return (
            client()
            .post(
                "/newsletter/subscribe/",
                {"email": f"signup{n}@uni.example.org"},
                REMOTE_ADDR=f"192.0.2.{n + 1}",
            )
            .status_code
        )

    assert at_once(sign_up) == [302] * THREADS
    emails = set(Subscriber.objects.values_list("email", flat=True))
    assert {f"signup{n}@uni.example.org" for n in range(THREADS)} <= emails


def test_concurrent_imports_sign_ups_and_sends_are_all_kept(real_database, admin_user, tmp_path):
    """Everything at once: two imports, sign-ups and a double "Send now"."""
    make_subscriber("reader@uni.example.org")
    issue = NewsletterIssuePageFactory(news=[NewsPageFactory()])
    send_url = reverse("newsletter_issues_sending", args=[issue.pk])
    files = []
    for n in range(2):
        path = tmp_path / f"people{n}.csv"
        rows = "".join(f"Imported{n}x{k},Person,GB\n" for k in range(5))
        path.write_text("given_name,family_name,country\n" + rows, encoding="utf-8")
        files.append(path)

    def work(n: int) -> Any:
        if n < 2:
            call_command("import_researchers", str(files[n]), stdout=StringIO())
            return "imported"
        if n < 4:
            browser = client()
            browser.force_login(admin_user)
            return browser.post(send_url, {"action": "send", "send-confirm": "on"}).status_code
        return (
            client()
            .post(
                "/newsletter/subscribe/",
                {"email": f"all{n}@uni.example.org"},
                REMOTE_ADDR=f"198.51.100.{n}",
            )
            .status_code
        )

    assert at_once(work) == ["imported", "imported", 302, 302, 302, 302]
    names = set(ResearcherPage.objects.values_list("given_name", flat=True))
    assert {f"Imported{n}x{k}" for n in range(2) for k in range(5)} <= names
    assert (
        Subscriber.objects.filter(
            email__in=["all4@uni.example.org", "all5@uni.example.org"]
        ).count()
        == 2
    )
    assert Dispatch.objects.get(issue_id=issue.pk).state == DispatchState.SENT

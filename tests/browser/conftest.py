"""Real-browser tests: headless Chromium driven by Playwright against `live_server`.

Debian's `chromium` is used as it is: Playwright never downloads a browser here. One
browser serves the whole session; each test gets a fresh context (no shared cookies).
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; without this, Django would
# refuse the ORM calls that tests and fixtures make next to it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}


def keep_django_connections():
    """Keep using this thread's database connections once Playwright's loop runs.

    Between its calls, Playwright's sync API leaves its event loop marked as running
    in this thread. Django keeps connections in an asgiref Local that then switches to
    per-context storage, so every later test would get fresh connection objects:
    without the test database's serialized contents (serialized_rollback silently
    restores nothing) and, on SQLite, not the connection the live server shares.
    Returns a function that puts the current connections back in place.
    """
    from django.db import connections

    current = {alias: connections[alias] for alias in connections}

    def restore():
        for alias, connection in current.items():
            connections[alias] = connection

    return restore


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """One headless Chromium for the session; started after the test database exists."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Chromium not found on PATH: install Debian's chromium package")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]'"
    )
    restore_connections = keep_django_connections()
    with sync_api.sync_playwright() as playwright:
        restore_connections()
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    restore_connections()


@pytest.fixture
def live_links(live_server, settings):
    """E-mailed links must point at the live server; rate limits start from zero.

    For tests that follow a link from an e-mail or post forms the rate limits count."""
    from django.core.cache import cache

    settings.WAGTAILADMIN_BASE_URL = live_server.url
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open_tab(browser):
    """A tab in a fresh context: `open_tab()`, `open_tab(viewport=PHONE)`, or with any
    other option of `browser.new_context`, e.g. `open_tab(java_script_enabled=False)`."""
    contexts = []

    def open_(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def tab(open_tab):
    return open_tab()

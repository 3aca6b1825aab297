"""gunicorn.conf.py reads the deployment's choices from the environment."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
VARIABLES = ("WEB_CONCURRENCY", "BIND", "HOST", "PORT", "GUNICORN_TIMEOUT", "GUNICORN_THREADS")


@pytest.fixture
def conf(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def load(**env: str) -> dict:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(CONF))

    return load


def test_defaults_listen_locally_behind_a_proxy(conf):
    settings = conf()
    assert settings["wsgi_app"] == "website.wsgi:application"
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert 1 <= settings["workers"] <= 8
    assert settings["timeout"] == 30


def test_environment_sets_workers_port_and_timeouts(conf):
    settings = conf(WEB_CONCURRENCY="3", HOST="0.0.0.0", PORT="9001", GUNICORN_TIMEOUT="60")
    assert settings["workers"] == 3
    assert settings["bind"] == ["0.0.0.0:9001"]
    assert settings["timeout"] == 60


def test_bind_wins_over_host_and_port(conf):
    settings = conf(BIND="unix:/run/battery.sock", PORT="9001")
    assert settings["bind"] == ["unix:/run/battery.sock"]


def test_make_serve_runs_the_web_processes_and_the_worker_with_production_settings():
    makefile = (CONF.parent / "Makefile").read_text()
    recipe = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "gunicorn --config gunicorn.conf.py" in recipe
    assert "manage.py db_worker" in recipe
    assert "trap stop INT TERM EXIT" in recipe
    assert "PROD := DJANGO_SETTINGS_MODULE=website.settings.production" in makefile

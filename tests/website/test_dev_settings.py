"""The development settings: a readable `make run` log."""

from __future__ import annotations

import logging
import logging.config

import pytest
from django.conf import settings


@pytest.fixture
def dev_logging():
    """Apply the dev settings' LOGGING, then put the test settings' back."""
    from website.settings import dev

    logging.config.dictConfig(dev.LOGGING)
    yield
    logging.config.dictConfig(settings.LOGGING)


def test_background_tasks_log_only_their_problems(dev_logging) -> None:
    tasks = logging.getLogger("django_tasks")
    assert not tasks.isEnabledFor(logging.INFO)  # no line per task started or finished
    assert tasks.isEnabledFor(logging.ERROR)  # a failed task is still logged
    assert logging.getLogger("django.request").isEnabledFor(logging.INFO)

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.utils import translation

#: Where the test clock starts: a minute past an hour, so that fixed rate-limit
#: windows (a minute, an hour) cannot turn over in the middle of a test.
CLOCK_START = datetime(2026, 6, 15, 9, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Keep uploaded and generated files out of the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _forget_locales():
    """Locale rows are remembered per process (common/locales.py); a test's rows are
    rolled back with it, without the signals that would make the process forget them."""
    from common.locales import forget_locales

    forget_locales()
    yield
    forget_locales()


@pytest.fixture
def clock(time_machine):
    """The one test clock: time stands still at `CLOCK_START` until the test moves it.

    time-machine moves `time.time`, `datetime` and so Django's `timezone.now` and
    signing together, so a test never patches one module's view of the time and
    misses another's. Move it with `clock.shift(seconds or timedelta)`.
    """
    time_machine.move_to(CLOCK_START, tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts, and leaves, in the site's default language.

    LocaleMiddleware activates the language of each request (/es/, /pt-br/) for the
    thread and never deactivates it, so without this a request in Spanish would leave
    the next test's import messages, e-mails and labels in Spanish.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)

import pytest
from django.conf import settings
from django.utils import translation


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

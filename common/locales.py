"""Wagtail's Locale rows, kept per process.

Every page served costs Wagtail one `Locale` query to find the visitor's language
(`Page.localized`, `Locale.get_active()`), and the i18n fallback one more under
/es/ and /pt-br/. The rows change only when an editor adds or removes a language
in the admin, so `install()` makes `LocaleManager.get_for_language` remember what
it found, per language code, for the life of the process. Saving or deleting a
Locale forgets them all in the process that did it; another process holds its
copy for at most `LOCALE_CACHE_SECONDS` (a language added to the admin is seen
at once anyway: a code that finds no row is never remembered).
"""

from __future__ import annotations

import copy
import time

from django.db.models.signals import post_delete, post_save
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale
from wagtail.models.i18n import LocaleManager

#: How long a process trusts the rows it remembers (an editor deleting a language
#: and adding it again gives the code a new row).
LOCALE_CACHE_SECONDS = 300

_found: dict[str, tuple[float, Locale]] = {}
_wagtail_get_for_language = LocaleManager.get_for_language


def forget_locales(**kwargs: object) -> None:
    """Forget every remembered Locale (a signal receiver; tests call it too)."""
    _found.clear()


def _get_for_language(manager: LocaleManager, language_code: str) -> Locale:
    if manager.model is not Locale:
        return _wagtail_get_for_language(manager, language_code)
    code = get_supported_content_language_variant(language_code)
    now = time.monotonic()
    remembered = _found.get(code)
    if remembered is None or now - remembered[0] > LOCALE_CACHE_SECONDS:
        remembered = _found[code] = (now, manager.get(language_code=code))
    # A copy: a caller that changes its Locale never changes the remembered one.
    return copy.copy(remembered[1])


def install() -> None:
    """Remember Locale rows per process (called once, from website's AppConfig)."""
    LocaleManager.get_for_language = _get_for_language
    post_save.connect(forget_locales, sender=Locale, dispatch_uid="forget-locales-save")
    post_delete.connect(forget_locales, sender=Locale, dispatch_uid="forget-locales-delete")

"""Where the translation catalogues live: one per package, `<package>/locale/<ll>/LC_MESSAGES`.

One catalogue per app keeps each app's strings (and any two people's work on them)
apart; Django merges them all at run time. `common/` is a plain package, so its
catalogue is named in `LOCALE_PATHS`.
"""

from __future__ import annotations

from pathlib import Path

#: Catalogue directory names (Django's `to_locale` of "es" and "pt-br").
LOCALES = ("es", "pt_BR")
REPOSITORY = Path(__file__).resolve().parent.parent


def catalogue_files() -> list[Path]:
    """Every django.po of every top-level package, for the languages we translate into."""
    return sorted(
        po
        for locale in LOCALES
        for po in REPOSITORY.glob(f"*/locale/{locale}/LC_MESSAGES/django.po")
        if ".venv" not in po.parts
    )

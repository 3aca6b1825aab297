"""The directory's catalogues give every plural form their language has.

Spanish has three (one, "many" for round millions, other): an entry with only two
would make `ngettext` fall back to English for 2, 3, … (tests/test_catalogues.py
checks that entries are translated, not that every form is there).
"""

from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import ngettext

import directory

LOCALE = Path(directory.__file__).resolve().parent / "locale"


@pytest.mark.parametrize("locale", ["es", "pt_BR"])
def test_every_plural_entry_has_every_form(locale):
    catalogue = polib.pofile(str(LOCALE / locale / "LC_MESSAGES" / "django.po"))
    forms = int(catalogue.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    for entry in catalogue:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(forms)), entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("es", 1, "1 perfil"),
        ("es", 5, "5 perfiles"),
        ("es", 1000000, "1000000 perfiles"),
        ("pt-br", 1, "1 perfil"),
        ("pt-br", 5, "5 perfis"),
    ],
)
def test_counts_agree_with_their_number(language, n, expected):
    with translation.override(language):
        assert ngettext("%(count)s profile", "%(count)s profiles", n) % {"count": n} == expected

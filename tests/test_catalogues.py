"""Every catalogue is complete, settled and compiled: the site never shows a
half-translated page because someone forgot a string or a `make messages`."""

from __future__ import annotations

import re

import polib
import pytest
from django.utils import translation

from website.catalogues import LOCALES, REPOSITORY, catalogue_files

CATALOGUES = catalogue_files()
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")


def _ids(paths):
    return [str(p.relative_to(REPOSITORY)) for p in paths]


def test_every_package_with_strings_has_both_languages():
    packages = {p.relative_to(REPOSITORY).parts[0] for p in CATALOGUES}
    assert packages >= {"website", "directory", "search", "newsletter", "accounts"}
    for package in packages:
        for locale in LOCALES:
            assert (REPOSITORY / package / "locale" / locale / "LC_MESSAGES" / "django.po").exists()


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_ids(CATALOGUES))
def test_no_message_is_untranslated_or_fuzzy(po_path):
    catalogue = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy[:10]}"
    assert not catalogue.metadata_is_fuzzy


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_ids(CATALOGUES))
def test_every_plural_entry_has_every_form_of_its_language(po_path):
    """Spanish has three plural forms (one, "many" for round millions, other): an entry
    with two would make `ngettext` fall back to English for 2, 3, …"""
    catalogue = polib.pofile(str(po_path))
    forms = int(catalogue.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    for entry in catalogue:
        if entry.msgid_plural and not entry.obsolete:
            assert sorted(int(k) for k in entry.msgstr_plural) == list(range(forms)), entry.msgid
            assert all(entry.msgstr_plural.values()), f"{po_path}: {entry.msgid!r}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_ids(CATALOGUES))
def test_translations_keep_every_placeholder(po_path):
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        for translated in [entry.msgstr, *entry.msgstr_plural.values()]:
            if translated:
                assert set(PLACEHOLDER.findall(translated)) <= wanted | set(
                    PLACEHOLDER.findall(entry.msgid_plural or "")
                ), f"{po_path}: {entry.msgid!r} → {translated!r}"
                if not entry.msgid_plural:
                    assert set(PLACEHOLDER.findall(translated)) == wanted, (
                        f"{po_path}: {entry.msgid!r} → {translated!r}"
                    )


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_ids(CATALOGUES))
def test_compiled_catalogue_matches_its_source(po_path):
    """The committed .mo is what `make messages` would write from the .po."""
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run `make messages`"
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural))
        for e in polib.mofile(str(mo_path))
        if e.msgid
    }
    source = {
        (e.msgctxt, e.msgid): (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
        for e in polib.pofile(str(po_path)).translated_entries()
    }
    compiled = {k: (s, {int(i): v for i, v in p.items()}) for k, (s, p) in compiled.items()}
    assert compiled == source, f"{mo_path} is stale: run `make messages`"


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_the_running_site_uses_the_catalogues(language):
    """A label every profile shows comes out translated (the .mo files are found)."""
    from directory.choices import CareerStage

    with translation.override(language):
        assert str(CareerStage.DOCTORAL.label) != "Doctoral researcher"


@pytest.mark.parametrize("locale", LOCALES)
def test_a_message_in_several_catalogues_is_translated_the_same_in_all(locale):
    """Django merges every catalogue into one per language, and the first one found wins
    everywhere: a message translated two ways would show one app's wording in another's
    page. Where the English really means two things, the source gives it a context."""
    seen: dict[tuple[str | None, str, str | None], dict[str, object]] = {}
    for po_path in CATALOGUES:
        if po_path.parts[-3] != locale:
            continue
        package = po_path.relative_to(REPOSITORY).parts[0]
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            key = (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
            translation = entry.msgstr if not entry.msgid_plural else dict(entry.msgstr_plural)
            seen.setdefault(key, {})[package] = translation
    conflicts = {
        key: by_package
        for key, by_package in seen.items()
        if len({repr(t) for t in by_package.values()}) > 1
    }
    assert not conflicts, "\n".join(
        f"{msgid!r} (context {context!r}): {by_package}"
        for (context, msgid, _plural), by_package in conflicts.items()
    )

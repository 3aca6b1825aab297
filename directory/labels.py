"""Labels of the fixed vocabularies (career stages, "open to" flags, institution kinds,
facility access, countries) in the visitor's language.

Values and slugs never change with the language; only what people read does.
A label comes from, in order:

1. an editor's `VocabularyLabel` row for that value, if it fills the language;
2. the catalogues (the `TextChoices` labels are `gettext_lazy`), or for countries
   django-countries' own translated names (it ships es and pt_BR);
3. the value itself, for a value no vocabulary knows.

The editors' rows are read from the database once per process and kept in a
memo. Saving or deleting a row writes a new version stamp to the shared cache
(Redis when REDIS_URL is set); each request compares the stamp once, on its first
label, and reads the rows again only when it changed. So a page with a hundred
labels costs one cache read and no query; see docs/search.md.
"""

from __future__ import annotations

import time
import uuid

from django.core.cache import cache
from django.core.signals import request_started
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from common.i18n import normalize_language
from directory.choices import CareerStage, FacilityAccess, InstitutionKind, OpenTo

VOCABULARIES: dict[str, type[models.TextChoices]] = {
    "career_stage": CareerStage,
    "open_to": OpenTo,
    "institution_kind": InstitutionKind,
    "facility_access": FacilityAccess,
}


class Vocabulary(models.TextChoices):
    """The vocabularies whose labels editors may reword (`VocabularyLabel`)."""

    CAREER_STAGE = "career_stage", _("Career stage")
    OPEN_TO = "open_to", _("Open to")
    INSTITUTION_KIND = "institution_kind", _("Institution kind")
    FACILITY_ACCESS = "facility_access", _("Facility access")
    COUNTRY = "country", _("Country")


#: Shared-cache key of the version stamp of the editors' rows.
VERSION_KEY = "directory:vocabulary-labels:version"
#: How long the memo is used without looking at the stamp: within a request it is
#: looked at once anyway (`request_started`); this bounds tasks and shells (seconds).
CHECK_SECONDS = 60
#: The memo is read again after this long, whatever the stamp says (seconds): a
#: bound on staleness should the stamp itself be lost from the cache.
RELOAD_SECONDS = 60 * 60

#: (vocabulary, value) -> (English, Spanish, Portuguese); "" where not overridden.
Overrides = dict[tuple[str, str], tuple[str, str, str]]
LANGUAGE_INDEX = {"en": 0, "es": 1, "pt-br": 2}
#: A version no stamp equals: rows read inside the uncommitted transaction that
#: changed them serve the rest of that request only.
_UNSETTLED = object()

_memo: dict = {"rows": None, "version": None, "loaded": 0.0, "checked": 0.0}
#: A row was saved or deleted in a transaction not yet committed.
_pending: dict = {"uncommitted": False}


def vocabulary_values(vocabulary: str) -> list[str]:
    """Every value of a vocabulary, in its own order (countries by code)."""
    if vocabulary == Vocabulary.COUNTRY:
        return [code for code, _name in countries]
    return list(VOCABULARIES[vocabulary].values)


def default_label(vocabulary: str, value: str) -> str:
    """The catalogue's label (django-countries' name) in the active language."""
    if vocabulary == Vocabulary.COUNTRY:
        # django-countries reads a digit string as a numeric code and int() fails on
        # digits such as "²": anything but an alpha-2 code is shown as given.
        if not (len(value) == 2 and value.isascii() and value.isalpha()):
            return value
        return str(countries.name(value.upper())) or value
    choices = VOCABULARIES.get(vocabulary)
    if choices is None:
        return value
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def choice_label(vocabulary: str, value: str, language: str | None = None) -> str:
    """The label of `value` in `language` (default: the active one).

    An editor's override for that language wins; then the catalogue; then the
    value itself if the vocabulary does not know it.
    """
    if language is not None:
        with translation.override(normalize_language(language)):
            return choice_label(vocabulary, value)
    names = overrides().get((vocabulary, value))
    if names:
        name = names[LANGUAGE_INDEX[normalize_language(translation.get_language())]]
        if name:
            return name
    return default_label(vocabulary, value)


def overrides() -> Overrides:
    """The editors' rows, from the memo while the shared stamp says it is current."""
    now = time.monotonic()
    rows = _memo["rows"]
    if rows is not None and now - _memo["checked"] < CHECK_SECONDS:
        return rows
    version = cache.get(VERSION_KEY)
    if rows is not None and version == _memo["version"] and now - _memo["loaded"] < RELOAD_SECONDS:
        _memo["checked"] = now
        return rows
    rows = _load()
    if connection.in_atomic_block and _pending["uncommitted"]:
        version = _UNSETTLED
    _memo.update(rows=rows, version=version, loaded=now, checked=now)
    return rows


def _load() -> Overrides:
    from directory.models.taxonomy import VocabularyLabel

    return {
        (vocabulary, value): (en, es, pt)
        for vocabulary, value, en, es, pt in VocabularyLabel.objects.values_list(
            "vocabulary", "value", "name_en", "name_es", "name_pt"
        )
    }


def forget_overrides() -> None:
    """Every process reads the rows again at its next label: a new stamp."""
    _memo.update(rows=None, checked=0.0)
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def reset_overrides() -> None:
    """Forget everything, as a fresh process would (tests whose transactions roll
    back call this)."""
    _pending["uncommitted"] = False
    _memo.update(rows=None, version=None, loaded=0.0, checked=0.0)
    cache.delete(VERSION_KEY)


def _start_request(**kwargs) -> None:
    _memo["checked"] = 0.0


def _committed() -> None:
    _pending["uncommitted"] = False
    # Again: another process may have read the rows between the save and the commit.
    forget_overrides()


def _label_changed(sender, **kwargs) -> None:
    forget_overrides()
    if connection.in_atomic_block:
        _pending["uncommitted"] = True
        transaction.on_commit(_committed)


request_started.connect(_start_request, dispatch_uid="directory-labels-request")
post_save.connect(
    _label_changed, sender="directory.VocabularyLabel", dispatch_uid="directory-labels-save"
)
post_delete.connect(
    _label_changed, sender="directory.VocabularyLabel", dispatch_uid="directory-labels-delete"
)

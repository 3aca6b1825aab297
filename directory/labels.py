"""Labels of the fixed vocabularies (career stages, "open to" flags, institution kinds,
facility access, countries) in the visitor's language.

Values and slugs never change with the language; only what people read does.
A label comes from, in order:

1. an editor's `VocabularyLabel` row for that value, if it fills the language;
2. the catalogues (the `TextChoices` labels are `gettext_lazy`), or for countries
   django-countries' own translated names (it ships es and pt_BR);
3. the value itself, for a value no vocabulary knows.

The editors' rows are read once and kept: in a per-process memo that every request
starts afresh (`request_started`) and that lives at most `MEMO_SECONDS` elsewhere
(tasks, shell), backed by the shared cache (Redis when REDIS_URL is set), which a
save or delete of a row clears. So a page with a hundred labels costs one cache
read, and no query at all once the cache is warm; see docs/search.md.
"""

from __future__ import annotations

import time

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


#: Shared-cache key of the editors' rows; bump the suffix if the shape changes.
CACHE_KEY = "directory:vocabulary-labels:1"
#: The shared cache forgets the rows after this long, whatever happens (seconds).
CACHE_SECONDS = 60 * 60
#: Outside requests, the process memo is trusted this long (seconds).
MEMO_SECONDS = 60

#: (vocabulary, value) -> (English, Spanish, Portuguese); "" where not overridden.
Overrides = dict[tuple[str, str], tuple[str, str, str]]
LANGUAGE_INDEX = {"en": 0, "es": 1, "pt-br": 2}

_memo: dict = {"rows": None, "at": 0.0}
#: A row was saved or deleted in a transaction not yet committed (see `overrides`).
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
    """The editors' rows, from the memo, the shared cache or (once) the database."""
    rows = _memo["rows"]
    if rows is not None and time.monotonic() - _memo["at"] < MEMO_SECONDS:
        return rows
    rows = cache.get(CACHE_KEY)
    if rows is None:
        rows = _load()
        # Rows read inside the transaction that changed them may be rolled back
        # with it: keep them for this process a moment, never for every process.
        if not (connection.in_atomic_block and _pending["uncommitted"]):
            cache.set(CACHE_KEY, rows, CACHE_SECONDS)
    _memo.update(rows=rows, at=time.monotonic())
    return rows


def _load() -> Overrides:
    from directory.models.taxonomy import VocabularyLabel

    return {
        (vocabulary, value): (en, es, pt)
        for vocabulary, value, en, es, pt in VocabularyLabel.objects.values_list(
            "vocabulary", "value", "name_en", "name_es", "name_pt"
        )
    }


def forget_overrides(**kwargs) -> None:
    """Drop the memo and the shared copy: the next label reads the rows again."""
    _memo.update(rows=None, at=0.0)
    cache.delete(CACHE_KEY)


def reset_overrides() -> None:
    """Forget everything, as a fresh process would (tests whose transactions roll
    back call this)."""
    _pending["uncommitted"] = False
    forget_overrides()


def _start_request(**kwargs) -> None:
    _memo.update(rows=None, at=0.0)


def _committed() -> None:
    _pending["uncommitted"] = False
    # Again: a request that read the table meanwhile cached the old rows.
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

"""Checking a row: one small cleaner per column, turning cells into the values to write.

Each cleaner reads its cell, records any problem on the row's line and column,
and sets what it accepted on the row. They run in `CLEANERS` order, which is
the order a row's errors are reported in (country before institution, because
a new institution takes the row's country).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.html import escape
from django.utils.translation import gettext as _
from django_countries import countries

from directory.choices import OPEN_TO_FIELDS, CareerStage, OpenTo
from directory.importing.columns import COLUMNS, MAX_LENGTHS, match_key, split
from directory.importing.lookups import Lookups, NewInstitution
from directory.importing.reading import Header
from directory.importing.result import ImportResult
from directory.languages import INTERFACE_LANGUAGES, parse_interface_language
from directory.models import Institution
from directory.models.profile_form import BIO_TRANSLATIONS, translation_clash_message
from directory.validators import normalise_orcid, validate_orcid

_url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class Row:
    """A valid row, cleaned: the values to write, and whom it creates or updates."""

    line: int
    values: dict[str, Any]  # ResearcherPage field -> value, for the columns present
    institution: Institution | NewInstitution | None = None
    topic_ids: list[int] | None = None
    language_codes: list[str] | None = None
    keywords: list[str] | None = None
    website: str | None = None
    existing_pk: int | None = None


@dataclass
class RowCheck:
    """One row being checked: its cells, what is known, and where problems go."""

    row: Row
    cells: dict[str, str]
    lookups: Lookups
    result: ImportResult
    new_institutions: dict[str, NewInstitution] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, Any]:
        return self.row.values

    def error(self, column: str, message: str) -> None:
        self.result.error(self.row.line, column, message)

    def fits(self, column: str, value: str) -> bool:
        limit = MAX_LENGTHS[column]
        if len(value) <= limit:
            return True
        self.error(
            column,
            _("%(length)s characters is too long; at most %(limit)s fit.")
            % {"length": f"{len(value):,}", "limit": limit},
        )
        return False


Cleaner = Callable[[RowCheck, str], None]


def clean_name(column: str) -> Cleaner:
    def clean(check: RowCheck, value: str) -> None:
        if not value:
            check.error(column, _("required, but empty."))
        elif check.fits(column, value):
            check.values[column] = value

    return clean


def clean_email(check: RowCheck, value: str) -> None:
    email = value.lower()
    if not email:
        check.values["email"] = ""
        return
    try:
        validate_email(email)
    except ValidationError:
        check.error("email", _("%(value)s is not a valid e-mail address.") % {"value": value})
    else:
        if check.fits("email", email):
            check.values["email"] = email


def clean_country(check: RowCheck, value: str) -> None:
    if not value:
        check.values["country"] = ""
        return
    code = value.upper()
    if len(code) == 2 and countries.alpha2(code) == code:
        check.values["country"] = code
    else:
        check.error("country", country_message(value))


def clean_institution(check: RowCheck, name: str) -> None:
    """An existing institution by name or acronym; else a new one, in the row's country."""
    if not name:
        check.row.institution = None
        return
    found = check.lookups.institution(name)
    if isinstance(found, list):
        names = "; ".join(inst.name for inst in found)
        check.error(
            "institution",
            _('"%(name)s" is the acronym of several institutions (%(names)s); use the full name.')
            % {"name": name, "names": names},
        )
    elif found is not None:
        check.row.institution = found
    elif check.fits("institution", name):
        new = check.new_institutions.setdefault(name.casefold(), NewInstitution(name))
        if not new.country and check.values.get("country"):
            new.country = check.values["country"]
        if not check.cells.get("country", ""):
            new.lines_without_country.append(check.row.line)
        check.row.institution = new


def clean_job_title(check: RowCheck, value: str) -> None:
    if check.fits("job_title", value):
        check.values["job_title"] = value


def clean_career_stage(check: RowCheck, stage: str) -> None:
    stages = check.lookups.career_stages
    if not stage:
        check.values["career_stage"] = ""
    elif match_key(stage) in stages:
        check.values["career_stage"] = stages[match_key(stage)]
    else:
        labels = ", ".join(str(choice.label) for choice in CareerStage)
        check.error(
            "career_stage",
            _('"%(value)s" is not a career stage; use one of: %(labels)s.')
            % {"value": stage, "labels": labels},
        )


def clean_topics(check: RowCheck, value: str) -> None:
    lookups = check.lookups
    check.row.topic_ids = topic_ids = []
    for topic in split(value):
        key = match_key(topic)
        pk = lookups.topics_by_name.get(key) or lookups.topics_by_slug.get(key)
        if pk is None:
            check.error(
                "topics",
                _('"%(value)s" is not a topic (topics match by name or slug).') % {"value": topic},
            )
        elif pk not in topic_ids:
            topic_ids.append(pk)


def clean_keywords(check: RowCheck, value: str) -> None:
    check.row.keywords = keywords = []
    seen: set[str] = set()
    for keyword in split(value):
        key = keyword.casefold()
        if key in seen or not check.fits("keywords", keyword):
            continue
        seen.add(key)
        keywords.append(check.lookups.tags.setdefault(key, keyword))


def clean_languages(check: RowCheck, value: str) -> None:
    check.row.language_codes = codes = []
    for language in split(value):
        code = check.lookups.languages.get(match_key(language))
        if code is None:
            check.error(
                "languages",
                _(
                    '"%(value)s" is not a language; use its ISO 639-1 code (like es), '
                    "its English name or its own name."
                )
                % {"value": language},
            )
        elif code not in codes:
            codes.append(code)


def clean_orcid(check: RowCheck, orcid: str) -> None:
    if not orcid:
        check.values["orcid"] = ""
        return
    try:
        validate_orcid(orcid)
    except ValidationError as exc:
        check.error("orcid", " ".join(exc.messages))
    else:
        check.values["orcid"] = normalise_orcid(orcid)


def clean_website(check: RowCheck, value: str) -> None:
    if not value:
        check.row.website = ""
        return
    url = value if "://" in value else f"https://{value}"
    try:
        _url_validator(url)
    except ValidationError:
        check.error("website", _("%(value)s is not a valid web address.") % {"value": value})
    else:
        if check.fits("website", url):
            check.row.website = url


def clean_bio(field_name: str) -> Cleaner:
    def clean(check: RowCheck, value: str) -> None:
        check.values[field_name] = bio_to_html(value)

    return clean


def clean_interface_language(column: str) -> Cleaner:
    """`bio_language` and `preferred_language`: en, es or pt-br (names will do); an
    empty cell means "from the languages they speak", as in the admin."""

    def clean(check: RowCheck, value: str) -> None:
        if not value:
            check.values[column] = ""
            return
        language = parse_interface_language(value)
        if language is None:
            check.error(
                column,
                _('"%(value)s" is not one of the site\'s languages; use %(codes)s.')
                % {"value": value, "codes": ", ".join(INTERFACE_LANGUAGES)},
            )
        else:
            check.values[column] = language

    return clean


def clean_open_to(check: RowCheck, value: str) -> None:
    """The listed options become True and every other one False."""
    for field_name in OPEN_TO_FIELDS.values():
        check.values[field_name] = False
    for option in split(value):
        field_name = check.lookups.open_to.get(match_key(option))
        if field_name is None:
            options = ", ".join(choice.value for choice in OpenTo)
            check.error(
                "open_to",
                _('"%(value)s" is not an open-to option; use: %(options)s.')
                % {"value": option, "options": options},
            )
        else:
            check.values[field_name] = True


CLEANERS: tuple[tuple[str, Cleaner], ...] = (
    ("given_name", clean_name("given_name")),
    ("family_name", clean_name("family_name")),
    ("email", clean_email),
    ("country", clean_country),
    ("institution", clean_institution),
    ("job_title", clean_job_title),
    ("career_stage", clean_career_stage),
    ("topics", clean_topics),
    ("keywords", clean_keywords),
    ("languages", clean_languages),
    ("orcid", clean_orcid),
    ("website", clean_website),
    ("bio", clean_bio("biography")),
    ("bio_language", clean_interface_language("bio_language")),
    ("bio_es", clean_bio("bio_es")),
    ("bio_pt", clean_bio("bio_pt")),
    ("preferred_language", clean_interface_language("preferred_language")),
    ("open_to", clean_open_to),
)


def clean_row(
    line: int,
    record: list[str],
    header: Header,
    lookups: Lookups,
    result: ImportResult,
    new_institutions: dict[str, NewInstitution],
) -> Row:
    """Check every cell of a row, recording each problem; return the cleaned values."""
    row = Row(line=line, values={})
    width = header.width
    if len(record) > width and any(cell.strip() for cell in record[width:]):
        result.error(
            line,
            "",
            _("%(count)s values, but the header has %(width)s columns.")
            % {"count": len(record), "width": width},
        )
    elif len(record) < width:
        result.error(
            line,
            "",
            _(
                "only %(count)s values, but the header has %(width)s columns "
                "(is there a line break in a cell without quotes?)."
            )
            % {"count": len(record), "width": width},
        )
    cells: dict[str, str] = {}
    for name in COLUMNS:  # column order, so a row's errors read left to right
        if name in header.columns:
            value = header.cell(record, name)
            if "\x00" in value:
                result.error(line, name, _("contains a NUL character."))
                value = value.replace("\x00", "")
            cells[name] = value
    check = RowCheck(row, cells, lookups, result, new_institutions)
    for name, cleaner in CLEANERS:
        if name in cells:
            cleaner(check, cells[name])
    return row


def check_place(
    row: Row, record: list[str], header: Header, lookups: Lookups, result: ImportResult
) -> None:
    """A profile needs an institution or a country, so that it has a country to show.

    Cells decide; a column the file leaves out keeps what the profile has.
    """
    before = lookups.existing.get(row.existing_pk) if row.existing_pk else None
    if "institution" in header.columns:
        has_institution = bool(header.cell(record, "institution"))
    else:
        has_institution = bool(before and before.institution_id)
    if "country" in header.columns:
        has_country = bool(header.cell(record, "country"))
    else:
        has_country = bool(before and before.country)
    if not (has_institution or has_country):
        result.error(
            row.line,
            "country",
            _("empty, and so is institution: a row needs one of them."),
        )


def check_translations(row: Row, header: Header, lookups: Lookups, result: ImportResult) -> None:
    """A biography's translation into the language it is written in would never show.

    Checked when the biography's language is known: given in the row, or stored on
    the profile it updates. When it is left to the languages they speak, the profile
    shows the translation to its readers and the original to everyone else.
    """
    if "bio_language" in header.columns:
        language = row.values.get("bio_language", "")
    elif row.existing_pk:
        language = lookups.existing[row.existing_pk].bio_language
    else:
        language = ""
    field = BIO_TRANSLATIONS.get(language)
    if field and field in header.columns and row.values.get(field):
        result.error(row.line, field, translation_clash_message(language))


def country_message(value: str) -> str:
    if value.upper() == "UK":
        return _(
            "%(value)s is not an ISO 3166-1 alpha-2 country code (like GB, CL or BR); "
            "the United Kingdom is GB."
        ) % {"value": value}
    guess = countries.alpha2(value) or countries.by_name(value)
    if guess:
        return _(
            "%(value)s is not an ISO 3166-1 alpha-2 country code (like GB, CL or BR); "
            "did you mean %(guess)s?"
        ) % {"value": value, "guess": guess}
    return _("%(value)s is not an ISO 3166-1 alpha-2 country code (like GB, CL or BR).") % {
        "value": value
    }


def bio_to_html(text: str) -> str:
    """Plain text as rich text: paragraphs at blank lines, line breaks kept, all escaped.

    A CSV is never trusted with HTML: markup in it shows up as text.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines = [escape(line.strip()) for line in paragraph.split("\n") if line.strip()]
        if lines:
            paragraphs.append(f"<p>{'<br/>'.join(lines)}</p>")
    return "".join(paragraphs)

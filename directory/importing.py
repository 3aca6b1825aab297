"""Import researcher profiles from a CSV file, all or nothing.

The same code serves `manage.py import_researchers` and the admin's upload form,
so that both accept exactly the same files and report exactly the same errors.

The file
    UTF-8 (a byte-order mark is fine), a header row, then one researcher a row.
    Columns are those in `COLUMNS`, in any order; `given_name` and `family_name`
    are required, and so is one of `institution` and `country`, so that every
    profile has a country. List cells (topics, keywords, languages, open_to)
    separate their values with ";". Vocabulary matches ignore case, hyphens and
    spacing. An institution is matched by name or acronym; one not yet in the
    directory is created (as a university, in the row's country) for editors
    to check.

Matching
    A row updates the profile with the same ORCID iD, else the one with the same
    e-mail address (case-insensitive); otherwise it creates a profile. A person
    may appear only once in a file. A row without ORCID iD and e-mail cannot be
    matched, so importing it twice creates two profiles.

Updates
    The file is authoritative for the columns it has: an empty cell clears that
    field on an existing profile, and list cells replace the profile's topics,
    languages, keywords or open-to flags. A column the file does not have leaves
    the field alone, so a file of names, ORCID iDs, countries and topics only
    changes those. Affiliations, facilities, publications, photos and linked
    accounts are never touched. `website` is kept as the link labelled
    "Website"; other links stay. A title an editor customised (anything other
    than the old "given family") is kept; the slug, and hence the URL, never
    changes. Profiles the file leaves exactly as they are are not written or
    re-indexed at all, so re-importing a file is cheap and reports them as
    unchanged.

Drafts
    Like any automated import into Wagtail, this writes the live (published)
    fields. Wagtail's editor opens the live copy of a page that has no
    unpublished changes, so editors see the imported values. A profile with an
    unpublished draft keeps that draft untouched: the editor still opens the
    draft, and publishing it would overwrite the imported values. Each such
    profile is reported as a warning so someone can reconcile it.

All or nothing
    Every row is checked before anything is written, and a file with any error
    writes nothing and reports every error with its line, column and reason.
    The writes then happen in batches inside one transaction. New profiles go
    through `directory.bulk` (Wagtail's `add_child` would take ~34 ms a page),
    and search indexing runs once the transaction commits.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection, transaction
from django.db.models import Model
from django.utils.html import escape
from django_countries import countries
from taggit.models import Tag
from wagtail.models import Page

from directory.bulk import NewResearcher, bulk_create_researchers, index_researchers, set_relations
from directory.choices import OPEN_TO_FIELDS, CareerStage, OpenTo
from directory.models import (
    DirectoryIndexPage,
    Institution,
    Language,
    ResearcherKeyword,
    ResearcherLink,
    ResearcherPage,
    Topic,
)
from directory.validators import normalise_orcid, validate_orcid

COLUMNS = (
    "given_name",
    "family_name",
    "email",
    "institution",
    "country",
    "job_title",
    "career_stage",
    "topics",
    "keywords",
    "languages",
    "orcid",
    "website",
    "bio",
    "open_to",
)
REQUIRED_COLUMNS = ("given_name", "family_name")
LIST_SEPARATOR = ";"
WEBSITE_LABEL = "Website"
# Rows written per call to the bulk helpers: large enough to keep the number of
# queries low, small enough to report progress and keep memory flat.
WRITE_CHUNK = 1000

ProgressCallback = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)`, e.g. `("Validating", 4000, 10000)`."""

_MAX_LENGTHS = {
    "given_name": ResearcherPage._meta.get_field("given_name").max_length,
    "family_name": ResearcherPage._meta.get_field("family_name").max_length,
    "email": ResearcherPage._meta.get_field("email").max_length,
    "job_title": ResearcherPage._meta.get_field("job_title").max_length,
    "institution": Institution._meta.get_field("name").max_length,
    "keywords": Tag._meta.get_field("name").max_length,
    "website": ResearcherLink._meta.get_field("url").max_length,
}
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class ImportIssue:
    """One problem with the file: where it is (physical line, column) and why."""

    line: int  # 1 is the header; 0 is the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.line:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ImportResult:
    """What an import did, or in a dry run would do, and every problem it found.

    `to_create`/`to_update` are the plan: profiles the valid rows create, and
    matched profiles that the file changes (`unchanged` counts matched profiles
    it leaves exactly as they are, which are not written at all). `created` and
    `updated` are what was written: zero in a dry run and whenever there are errors.
    """

    dry_run: bool = False
    rows: int = 0
    blank_lines: int = 0
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    institutions_to_create: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    institutions_created: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def rows_with_errors(self) -> int:
        return len({issue.line for issue in self.errors})

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(ImportIssue(line, column, message))

    def summary(self) -> str:
        """One sentence for the end of the command's output and the admin's result page."""
        if self.errors:
            return (
                f"{_count(len(self.errors), 'error')} on {_count(self.rows_with_errors, 'line')}"
                f" ({_count(self.rows, 'data row')} read): nothing was imported."
            )
        if self.dry_run:
            return (
                f"Dry run of {_count(self.rows, 'row')}, nothing was written: the import would"
                f" create {_count(self.to_create, 'profile')}, update {self.to_update:,}"
                f" ({self.unchanged:,} unchanged) and create"
                f" {_count(len(self.institutions_to_create), 'institution')}."
            )
        return (
            f"Imported {_count(self.rows, 'row')}: created {_count(self.created, 'profile')},"
            f" updated {self.updated:,} ({self.unchanged:,} unchanged) and created"
            f" {_count(self.institutions_created, 'institution')}."
        )


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def import_researchers(
    data: bytes | str,
    *,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    parent: DirectoryIndexPage | None = None,
) -> ImportResult:
    """Validate the CSV `data` and, unless `dry_run` or any row is invalid, import it.

    Never raises for a bad file: every problem is in the result's `errors`. The
    whole import is one transaction; profiles are created below `parent`, by
    default the site's directory page.
    """
    return _Importer(dry_run=dry_run, progress=progress).run(data, parent)


# --- Vocabularies ----------------------------------------------------------------


def _key(value: str) -> str:
    """A lenient matching key: case, hyphens, underscores and spacing do not matter."""
    return " ".join(value.replace("-", " ").replace("_", " ").casefold().split())


def _choice_keys() -> tuple[dict[str, str], dict[str, str]]:
    career = {}
    for choice in CareerStage:
        label = str(choice.label)
        career[_key(choice.value)] = choice.value
        career[_key(label)] = choice.value
        career[_key(re.sub(r"\s*researcher$", "", label, flags=re.IGNORECASE))] = choice.value
    open_to = {}
    for choice in OpenTo:
        field_name = OPEN_TO_FIELDS[choice]
        open_to[_key(choice.value)] = field_name
        open_to[_key(str(choice.label))] = field_name
        open_to[_key(str(ResearcherPage._meta.get_field(field_name).verbose_name))] = field_name
    return career, open_to


@dataclass
class _Existing:
    """What matching and checking need to know of a profile already in the directory."""

    pk: int
    title: str
    given_name: str
    family_name: str
    orcid: str
    email: str
    country: str
    institution_id: int | None
    has_unpublished_changes: bool

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


@dataclass
class _NewInstitution:
    name: str
    country: str = ""  # from the first row that names it and has a country
    lines_without_country: list[int] = field(default_factory=list)
    instance: Institution | None = None


class _Lookups:
    """Everything rows are matched against, loaded once so validation needs no queries."""

    def __init__(self) -> None:
        self.career_stages, self.open_to = _choice_keys()
        self.topics_by_name: dict[str, int] = {}
        self.topics_by_slug: dict[str, int] = {}
        for pk, name, slug in Topic.objects.values_list("pk", "name", "slug"):
            self.topics_by_name[_key(name)] = pk
            self.topics_by_slug[_key(slug)] = pk
        self.languages: dict[str, str] = {}
        for code, name, native in Language.objects.values_list("code", "name", "native_name"):
            for value in (native, name, code):  # the code wins any clash
                if value:
                    self.languages[_key(value)] = code
        # Keywords take the spelling of an existing tag that differs only in case, so
        # that "LFP" and "lfp" do not become two tags.
        self.tags = {name.casefold(): name for name in Tag.objects.values_list("name", flat=True)}
        self.institutions = {inst.pk: inst for inst in Institution.objects.all()}
        self.institutions_by_name: dict[str, Institution] = {}
        self.institutions_by_acronym: dict[str, list[Institution]] = defaultdict(list)
        for inst in self.institutions.values():
            self.institutions_by_name[inst.name.casefold()] = inst
            if inst.acronym:
                self.institutions_by_acronym[inst.acronym.casefold()].append(inst)
        self.existing: dict[int, _Existing] = {}
        self.by_orcid: dict[str, list[int]] = defaultdict(list)
        self.by_email: dict[str, list[int]] = defaultdict(list)
        fields = [f for f in _Existing.__dataclass_fields__ if f != "pk"]
        rows = (
            ResearcherPage.objects.filter(alias_of__isnull=True)
            .order_by("pk")
            .values_list("pk", *fields)
        )
        for pk, *values in rows:
            person = _Existing(pk, *values)
            self.existing[pk] = person
            if person.orcid:
                self.by_orcid[normalise_orcid(person.orcid)].append(pk)
            if person.email:
                self.by_email[person.email.strip().lower()].append(pk)

    def institution(self, value: str) -> Institution | list[Institution] | None:
        """The institution named (or abbreviated) `value`; a list when that is ambiguous."""
        wanted = value.casefold()
        if wanted in self.institutions_by_name:
            return self.institutions_by_name[wanted]
        matches = self.institutions_by_acronym.get(wanted, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            return matches
        # "Name (ACRONYM)", the way the admin lists institutions.
        named = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", value)
        if named:
            inst = self.institutions_by_name.get(named.group(1).casefold())
            if inst and inst.acronym.casefold() == named.group(2).casefold():
                return inst
        return None

    def describe(self, pk: int) -> str:
        person = self.existing[pk]
        return f'"{person.title}" (page {pk})'


# --- Rows ------------------------------------------------------------------------


@dataclass
class _Row:
    """A valid row, cleaned: the values to write, and whom it creates or updates."""

    line: int
    values: dict[str, Any]  # ResearcherPage field -> value, for the columns present
    institution: Institution | _NewInstitution | None = None
    topic_ids: list[int] | None = None
    language_codes: list[str] | None = None
    keywords: list[str] | None = None
    website: str | None = None
    existing_pk: int | None = None


class _Importer:
    """Reads, checks and (through `_Writer`) writes one file; one instance per import."""

    def __init__(self, *, dry_run: bool, progress: ProgressCallback | None) -> None:
        self.dry_run = dry_run
        self.progress: ProgressCallback = progress or (lambda stage, done, total: None)
        self.result = ImportResult(dry_run=dry_run)
        self.header_line = 1
        self.header_width = 0
        self.columns: dict[str, int] = {}
        self.new_institutions: dict[str, _NewInstitution] = {}

    def run(self, data: bytes | str, parent: DirectoryIndexPage | None) -> ImportResult:
        text = self._decode(data)
        if text is None:
            return self.result
        records = self._read(text)
        if records is None:
            return self.result
        header, rows = records
        if not self._check_header(header):
            return self.result
        with transaction.atomic():
            parent = self._parent(parent)
            if parent is None:
                return self.result
            self.lookups = _Lookups()
            cleaned = self._validate(rows)
            creates = [row for row in cleaned if row.existing_pk is None]
            matched = [row for row in cleaned if row.existing_pk is not None]
            self.result.to_create = len(creates)
            self.result.to_update = len(matched)
            self.result.institutions_to_create = [
                inst.name for inst in self.new_institutions.values()
            ]
            if self.result.errors:
                return self.result
            updates = _Updates(self.lookups, self.columns)
            updates.compare(matched, self.progress)
            self._warn_about_drafts(updates.changed)
            self.result.to_update = len(updates.changed)
            self.result.unchanged = len(matched) - self.result.to_update
            if self.dry_run:
                return self.result
            _Writer(self.progress, self.result).write(
                creates, updates, list(self.new_institutions.values()), parent
            )
        return self.result

    def _warn_about_drafts(self, updates: list[_Update]) -> None:
        for update in updates:
            pk = update.row.existing_pk
            if self.lookups.existing[pk].has_unpublished_changes:
                self.result.warnings.append(
                    ImportIssue(
                        update.row.line,
                        "",
                        f"{self.lookups.describe(pk)} has an unpublished draft. The import"
                        " updates the live profile; publishing that draft would overwrite"
                        " the imported values.",
                    )
                )

    # --- Reading -------------------------------------------------------------------

    def _decode(self, data: bytes | str) -> str | None:
        if isinstance(data, str):
            return data.removeprefix("\ufeff")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.result.error(
                line,
                "",
                f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded);"
                " save it as CSV UTF-8 and try again.",
            )
            return None

    def _read(self, text: str) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
        """The header and each non-blank row, with the physical line the row starts on."""
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        line = 1
        try:
            for record in reader:
                if any(cell.strip() for cell in record):
                    if header is None:
                        header, self.header_line = record, line
                    else:
                        rows.append((line, record))
                elif header is not None:
                    self.result.blank_lines += 1
                line = reader.line_num + 1
        except csv.Error as exc:
            self.result.error(line, "", f"the file is not valid CSV: {exc}.")
            return None
        if header is None:
            self.result.error(0, "", "the file is empty; it needs a header row.")
            return None
        self.result.rows = len(rows)
        return header, rows

    def _check_header(self, header: list[str]) -> bool:
        """Map column names to positions; False when rows cannot be checked at all."""
        line = self.header_line
        self.header_width = len(header)
        for index, raw in enumerate(header):
            name = raw.strip().lower().replace(" ", "_")
            if not name:
                if any(cell.strip() for cell in header[index + 1 :]):
                    self.result.error(line, "", f"column {index + 1} of the header has no name.")
            elif name in self.columns:
                self.result.error(line, name, "this column appears twice in the header.")
            elif name not in COLUMNS:
                self.result.error(
                    line, raw.strip(), f"unknown column; the columns are {', '.join(COLUMNS)}."
                )
            else:
                self.columns[name] = index
        # Trailing empty header cells (a spreadsheet's stray commas) are harmless.
        while self.header_width and not header[self.header_width - 1].strip():
            self.header_width -= 1
        fatal = False
        for name in REQUIRED_COLUMNS:
            if name not in self.columns:
                fatal = True
                self.result.error(line, name, "this required column is missing.")
        if "institution" not in self.columns and "country" not in self.columns:
            fatal = True
            self.result.error(
                line, "country", "the header needs an institution or a country column, or both."
            )
        # Unknown columns are errors too, but checking the rows anyway tells the
        # user everything that needs fixing in one go.
        return not fatal

    def _parent(self, parent: DirectoryIndexPage | None) -> DirectoryIndexPage | None:
        if parent is None:
            parent = DirectoryIndexPage.objects.first()
        if parent is None:
            self.result.error(0, "", "the site has no researcher directory page to import into.")
            return None
        if not self.dry_run:
            # Serialise concurrent imports (on databases that lock rows), so that two
            # of them cannot both decide to create the same person.
            list(DirectoryIndexPage.objects.select_for_update().filter(pk=parent.pk))
        return parent

    # --- Checking ------------------------------------------------------------------

    def _validate(self, rows: list[tuple[int, list[str]]]) -> list[_Row]:
        cleaned: list[_Row] = []
        self.seen_orcid: dict[str, int] = {}
        self.seen_email: dict[str, int] = {}
        self.seen_pk: dict[int, int] = {}
        total = len(rows)
        self.progress("Validating", 0, total)
        for done, (line, record) in enumerate(rows, start=1):
            errors_before = len(self.result.errors)
            row = self._clean(line, record)
            self._match(row)
            self._check_place(row, record)
            if len(self.result.errors) == errors_before:
                cleaned.append(row)
            if done % 250 == 0 or done == total:
                self.progress("Validating", done, total)
        for inst in self.new_institutions.values():
            if not inst.country:
                for line in inst.lines_without_country:
                    self.result.error(
                        line,
                        "country",
                        f'empty, but "{inst.name}" is a new institution and needs a country;'
                        " give its ISO 3166-1 code here.",
                    )
        if self.result.errors:
            bad_lines = {issue.line for issue in self.result.errors}
            cleaned = [row for row in cleaned if row.line not in bad_lines]
            # Stable: within a line, issues stay in column order.
            self.result.errors.sort(key=lambda issue: issue.line)
        return cleaned

    def _clean(self, line: int, record: list[str]) -> _Row:
        """Check every cell of a row, recording each problem; return the cleaned values."""

        def error(column: str, message: str) -> None:
            self.result.error(line, column, message)

        width = self.header_width
        if len(record) > width and any(cell.strip() for cell in record[width:]):
            error("", f"{len(record)} values, but the header has {width} columns.")
        elif len(record) < width:
            error(
                "",
                f"only {len(record)} values, but the header has {width} columns"
                " (is there a line break in a cell without quotes?).",
            )
        cells: dict[str, str] = {}
        for name in COLUMNS:  # column order, so a row's errors read left to right
            if name in self.columns:
                index = self.columns[name]
                value = record[index].strip() if index < len(record) else ""
                if "\x00" in value:
                    error(name, "contains a NUL character.")
                    value = value.replace("\x00", "")
                cells[name] = value
        row = _Row(line=line, values={})
        values = row.values
        lookups = self.lookups

        for name in ("given_name", "family_name"):
            if not cells[name]:
                error(name, "required, but empty.")
            elif self._fits(line, name, cells[name]):
                values[name] = cells[name]

        if "email" in cells:
            email = cells["email"].lower()
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    error("email", f"{cells['email']} is not a valid e-mail address.")
                else:
                    if self._fits(line, "email", email):
                        values["email"] = email
            else:
                values["email"] = ""

        country = cells.get("country", "")
        if country:
            code = country.upper()
            if len(code) == 2 and countries.alpha2(code) == code:
                values["country"] = code
            else:
                error("country", _country_message(country))
        elif "country" in cells:
            values["country"] = ""

        if "institution" in cells:
            name = cells["institution"]
            if not name:
                row.institution = None
            else:
                found = lookups.institution(name)
                if isinstance(found, list):
                    names = "; ".join(inst.name for inst in found)
                    error(
                        "institution",
                        f'"{name}" is the acronym of several institutions ({names});'
                        " use the full name.",
                    )
                elif found is not None:
                    row.institution = found
                elif self._fits(line, "institution", name):
                    new = self.new_institutions.setdefault(name.casefold(), _NewInstitution(name))
                    if not new.country and values.get("country"):
                        new.country = values["country"]
                    if not country:
                        new.lines_without_country.append(line)
                    row.institution = new

        if "job_title" in cells and self._fits(line, "job_title", cells["job_title"]):
            values["job_title"] = cells["job_title"]

        if "career_stage" in cells:
            stage = cells["career_stage"]
            if not stage:
                values["career_stage"] = ""
            elif _key(stage) in lookups.career_stages:
                values["career_stage"] = lookups.career_stages[_key(stage)]
            else:
                labels = ", ".join(str(choice.label) for choice in CareerStage)
                error("career_stage", f'"{stage}" is not a career stage; use one of: {labels}.')

        if "topics" in cells:
            row.topic_ids = []
            for topic in _split(cells["topics"]):
                pk = lookups.topics_by_name.get(_key(topic)) or lookups.topics_by_slug.get(
                    _key(topic)
                )
                if pk is None:
                    error("topics", f'"{topic}" is not a topic (topics match by name or slug).')
                elif pk not in row.topic_ids:
                    row.topic_ids.append(pk)

        if "keywords" in cells:
            row.keywords = []
            seen: set[str] = set()
            for keyword in _split(cells["keywords"]):
                key = keyword.casefold()
                if key in seen or not self._fits(line, "keywords", keyword):
                    continue
                seen.add(key)
                row.keywords.append(lookups.tags.setdefault(key, keyword))

        if "languages" in cells:
            row.language_codes = []
            for language in _split(cells["languages"]):
                code = lookups.languages.get(_key(language))
                if code is None:
                    error(
                        "languages",
                        f'"{language}" is not a language; use its ISO 639-1 code (like es),'
                        " its English name or its own name.",
                    )
                elif code not in row.language_codes:
                    row.language_codes.append(code)

        if "orcid" in cells:
            orcid = cells["orcid"]
            if orcid:
                try:
                    validate_orcid(orcid)
                except ValidationError as exc:
                    error("orcid", " ".join(exc.messages))
                else:
                    values["orcid"] = normalise_orcid(orcid)
            else:
                values["orcid"] = ""

        if "website" in cells:
            url = cells["website"]
            if url and "://" not in url:
                url = f"https://{url}"
            if url:
                try:
                    _url_validator(url)
                except ValidationError:
                    error("website", f"{cells['website']} is not a valid web address.")
                else:
                    if self._fits(line, "website", url):
                        row.website = url
            else:
                row.website = ""

        if "bio" in cells:
            values["biography"] = bio_to_html(cells["bio"])

        if "open_to" in cells:
            for field_name in OPEN_TO_FIELDS.values():
                values[field_name] = False
            for option in _split(cells["open_to"]):
                field_name = lookups.open_to.get(_key(option))
                if field_name is None:
                    options = ", ".join(choice.value for choice in OpenTo)
                    error("open_to", f'"{option}" is not an open-to option; use: {options}.')
                else:
                    values[field_name] = True
        return row

    def _check_place(self, row: _Row, record: list[str]) -> None:
        """A profile needs an institution or a country, so that it has a country to show.

        Cells decide; a column the file leaves out keeps what the profile has.
        """
        before = self.lookups.existing.get(row.existing_pk) if row.existing_pk else None

        def cell(name: str) -> str:
            index = self.columns.get(name)
            return record[index].strip() if index is not None and index < len(record) else ""

        if "institution" in self.columns:
            has_institution = bool(cell("institution"))
        else:
            has_institution = bool(before and before.institution_id)
        if "country" in self.columns:
            has_country = bool(cell("country"))
        else:
            has_country = bool(before and before.country)
        if not (has_institution or has_country):
            self.result.error(
                row.line, "country", "empty, and so is institution: a row needs one of them."
            )

    def _fits(self, line: int, column: str, value: str) -> bool:
        limit = _MAX_LENGTHS[column]
        if len(value) <= limit:
            return True
        self.result.error(
            line, column, f"{len(value):,} characters is too long; at most {limit} fit."
        )
        return False

    def _match(self, row: _Row) -> None:
        """Find the profile a row updates, and refuse a second row for the same person."""
        lookups = self.lookups
        orcid = row.values.get("orcid", "")
        email = row.values.get("email", "")

        def error(column: str, message: str) -> None:
            self.result.error(row.line, column, message)

        if orcid and orcid in self.seen_orcid:
            error("orcid", f"line {self.seen_orcid[orcid]} has the same ORCID iD {orcid}.")
            return
        if email and email in self.seen_email:
            error("email", f"line {self.seen_email[email]} has the same e-mail address.")
            return
        if orcid:
            self.seen_orcid[orcid] = row.line
        if email:
            self.seen_email[email] = row.line

        by_orcid = lookups.by_orcid.get(orcid, []) if orcid else []
        by_email = lookups.by_email.get(email, []) if email else []
        if len(by_orcid) > 1:
            profiles = ", ".join(lookups.describe(pk) for pk in by_orcid)
            error("orcid", f"several profiles have ORCID iD {orcid}: {profiles}.")
            return
        if by_orcid:
            pk, column = by_orcid[0], "orcid"
            if by_email and pk not in by_email:
                error(
                    "email",
                    f"{email} belongs to {lookups.describe(by_email[0])}, but ORCID iD"
                    f" {orcid} to {lookups.describe(pk)}.",
                )
                return
        elif by_email:
            if len(by_email) > 1:
                profiles = ", ".join(lookups.describe(pk) for pk in by_email)
                error("email", f"several profiles have the e-mail address {email}: {profiles}.")
                return
            pk, column = by_email[0], "email"
            their_orcid = lookups.existing[pk].orcid
            if orcid and their_orcid and normalise_orcid(their_orcid) != orcid:
                error(
                    "orcid",
                    f"{lookups.describe(pk)} has this e-mail address but ORCID iD"
                    f" {their_orcid}, not {orcid}.",
                )
                return
        else:
            return

        if pk in self.seen_pk:
            error(column, f"line {self.seen_pk[pk]} already updates {lookups.describe(pk)}.")
            return
        self.seen_pk[pk] = row.line
        row.existing_pk = pk


def _split(cell: str) -> list[str]:
    return [value.strip() for value in cell.split(LIST_SEPARATOR) if value.strip()]


def _country_message(value: str) -> str:
    message = f"{value} is not an ISO 3166-1 alpha-2 country code (like GB, CL or BR)."
    if value.upper() == "UK":
        return f"{message[:-1]}; the United Kingdom is GB."
    guess = countries.alpha2(value) or countries.by_name(value)
    if guess:
        return f"{message[:-1]}; did you mean {guess}?"
    return message


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


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Writing ---------------------------------------------------------------------


# The institution of a row that names an institution the import has yet to create.
_NEW_INSTITUTION = -1


@dataclass
class _Update:
    """A matched profile: the field values and relations the file asks for, and what to do."""

    row: _Row
    values: dict[str, Any]  # own fields and the page's titles, as they should be
    topic_ids: list[int]
    language_codes: list[str]
    affiliation_ids: list[int]
    keywords: list[str]
    fields_changed: bool = False
    relations_changed: set[str] = field(default_factory=set)  # of topics, languages, keywords
    link_create: ResearcherLink | None = None
    link_change: ResearcherLink | None = None
    link_delete: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.fields_changed
            or self.relations_changed
            or self.link_create
            or self.link_change
            or self.link_delete
        )


class _Updates:
    """Compares matched rows with their profiles, then writes only what differs.

    Re-importing a file mostly repeats what is already there; skipping unchanged
    profiles keeps such an import fast and spares the search index, and lets a dry
    run say how many profiles would really change.
    """

    def __init__(self, lookups: _Lookups, columns: dict[str, int]) -> None:
        self.lookups = lookups
        self.columns = columns
        self.relation_columns = {"topics", "languages", "keywords"} & columns.keys()
        self.all: list[_Update] = []

    @property
    def changed(self) -> list[_Update]:
        return [update for update in self.all if update.changed]

    def compare(self, rows: list[_Row], progress: ProgressCallback) -> None:
        total = len(rows)
        for done, chunk in enumerate(_chunks(rows, WRITE_CHUNK)):
            self._compare(chunk)
            progress("Comparing", min((done + 1) * WRITE_CHUNK, total), total)

    def _compare(self, rows: Sequence[_Row]) -> None:
        pks = [row.existing_pk for row in rows]
        names = ["title", "draft_title", "country_code", "institution_id", "country"]
        names += [name for name in rows[0].values if name not in names]
        stored = {
            pk: dict(zip(names, values, strict=True))
            for pk, *values in ResearcherPage.objects.filter(pk__in=pks).values_list("pk", *names)
        }
        relations: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        if self.relation_columns:
            for name, through, column, owner in (
                ("topics", ResearcherPage.topics.through, "topic_id", "researcherpage_id"),
                ("languages", ResearcherPage.languages.through, "language_id", "researcherpage_id"),
                (
                    "affiliations",
                    ResearcherPage.affiliations.through,
                    "institution_id",
                    "researcherpage_id",
                ),
                ("keywords", ResearcherKeyword, "tag__name", "content_object_id"),
            ):
                query = through.objects.filter(**{f"{owner}__in": pks}).order_by("pk")
                for pk, value in query.values_list(owner, column):
                    relations[name][pk].append(value)
        links: dict[int, list[ResearcherLink]] = defaultdict(list)
        if "website" in self.columns:
            for link in ResearcherLink.objects.filter(page_id__in=pks).order_by("sort_order"):
                links[link.page_id].append(link)

        for row in rows:
            pk = row.existing_pk
            now = stored[pk]
            values = self._values(row, now)
            update = _Update(
                row=row,
                values=values,
                topic_ids=_given(row.topic_ids, relations["topics"][pk]),
                language_codes=_given(row.language_codes, relations["languages"][pk]),
                affiliation_ids=relations["affiliations"][pk],
                keywords=_given(row.keywords, relations["keywords"][pk]),
                fields_changed=any(now[name] != value for name, value in values.items()),
                relations_changed={
                    name
                    for name, given in (
                        ("topics", row.topic_ids),
                        ("languages", row.language_codes),
                        ("keywords", row.keywords),
                    )
                    if given is not None and set(given) != set(relations[name][pk])
                },
            )
            if "website" in self.columns:
                self._plan_link(update, links[pk])
            self.all.append(update)

    def _values(self, row: _Row, now: dict[str, Any]) -> dict[str, Any]:
        """The stored fields as the row would leave them (titles and country code included)."""
        values = dict(row.values)
        if "institution" in self.columns:
            institution = row.institution
            if isinstance(institution, _NewInstitution):
                values["institution_id"] = _NEW_INSTITUTION
            else:
                values["institution_id"] = institution.pk if institution else None
        institution_id = values.get("institution_id", now["institution_id"])
        # Keep a display name an editor chose; follow the name otherwise.
        old_name = self.lookups.existing[row.existing_pk].full_name
        new_name = f"{values['given_name']} {values['family_name']}".strip()
        values["title"] = new_name if now["title"] in ("", old_name) else now["title"]
        values["draft_title"] = (
            now["draft_title"]
            if self.lookups.existing[row.existing_pk].has_unpublished_changes
            else values["title"]
        )
        country = values.get("country", now["country"])
        if not country and institution_id == _NEW_INSTITUTION:
            country = row.institution.country
        elif not country and institution_id:
            country = self.lookups.institutions[institution_id].country.code
        values["country_code"] = country or ""
        return values

    def _plan_link(self, update: _Update, links: list[ResearcherLink]) -> None:
        """Keep the link labelled "Website" in step with the website column."""
        website = update.row.website
        labelled = [link for link in links if link.label == WEBSITE_LABEL]
        if not website:
            update.link_delete = [link.pk for link in labelled]
        elif any(link.url == website for link in links):
            return
        elif labelled:
            update.link_change = labelled[0]
            update.link_change.url = website
        else:
            order = max((link.sort_order or 0 for link in links), default=-1) + 1
            update.link_create = ResearcherLink(
                page_id=update.row.existing_pk, url=website, label=WEBSITE_LABEL, sort_order=order
            )

    def write(self, updates: Sequence[_Update]) -> None:
        """Write a batch of changed profiles: own fields, titles, relations, links."""
        rows = []
        for update in updates:
            values = dict(update.values)
            if values.get("institution_id") == _NEW_INSTITUTION:
                values["institution_id"] = update.row.institution.instance.pk
            rows.append((update.row.existing_pk, values))
        own = [name for name in updates[0].values if name not in ("title", "draft_title")]
        _update_rows(ResearcherPage, own, rows)
        _update_rows(Page, ["title", "draft_title"], rows)
        self._write_relations(updates)
        ResearcherLink.objects.filter(
            pk__in=[pk for update in updates for pk in update.link_delete]
        ).delete()
        ResearcherLink.objects.bulk_update(
            [update.link_change for update in updates if update.link_change], ["url"]
        )
        ResearcherLink.objects.bulk_create(
            [update.link_create for update in updates if update.link_create]
        )

    def _write_relations(self, updates: Sequence[_Update]) -> None:
        """Rewrite only the relations that differ.

        Profiles whose keywords change go through `set_relations`, which also
        creates missing tags. For the others only the changed topic or language
        rows are replaced: rewriting unchanged keywords would delete and re-add
        tagged items, each deletion sending a signal that listeners act on.
        """
        with_keywords = [update for update in updates if "keywords" in update.relations_changed]
        if with_keywords:
            set_relations(
                [
                    NewResearcher(
                        page=_saved_page(update.row.existing_pk),
                        topic_ids=update.topic_ids,
                        language_codes=update.language_codes,
                        affiliation_ids=update.affiliation_ids,
                        keywords=update.keywords,
                    )
                    for update in with_keywords
                ],
                replace=True,
            )
        for name, column, attr in (
            ("topics", "topic_id", "topic_ids"),
            ("languages", "language_id", "language_codes"),
        ):
            changed = [
                update
                for update in updates
                if name in update.relations_changed and "keywords" not in update.relations_changed
            ]
            if not changed:
                continue
            through = getattr(ResearcherPage, name).through
            through.objects.filter(
                researcherpage_id__in=[update.row.existing_pk for update in changed]
            ).delete()
            through.objects.bulk_create(
                [
                    through(researcherpage_id=update.row.existing_pk, **{column: value})
                    for update in changed
                    for value in dict.fromkeys(getattr(update, attr))
                ],
                batch_size=500,
            )


def _saved_page(pk: int) -> ResearcherPage:
    """An unsaved stand-in for a stored profile, for helpers that only need its pk."""
    return ResearcherPage(id=pk, page_ptr_id=pk)


def _given(from_file: list | None, stored: list) -> list:
    """The file's values for a relation when it has that column, else what is stored."""
    return list(from_file) if from_file is not None else list(stored)


class _Writer:
    """Writes checked rows in batches; runs inside the import's transaction."""

    def __init__(self, progress: ProgressCallback, result: ImportResult) -> None:
        self.progress = progress
        self.result = result

    def write(
        self,
        creates: list[_Row],
        updates: _Updates,
        new_institutions: list[_NewInstitution],
        parent: DirectoryIndexPage,
    ) -> None:
        for new in new_institutions:
            # One save each (there are few): it gives a unique slug and indexes it.
            new.instance = Institution(name=new.name, country=new.country)
            new.instance.save()
        self.result.institutions_created = len(new_institutions)

        changed = updates.changed
        total, done = len(creates) + len(changed), 0
        self.progress("Writing", 0, total)
        for chunk in _chunks(creates, WRITE_CHUNK):
            self._create(chunk, parent)
            done += len(chunk)
            self.progress("Writing", done, total)
        for chunk in _chunks(changed, WRITE_CHUNK):
            updates.write(chunk)
            done += len(chunk)
            self.progress("Writing", done, total)
        self.result.created = len(creates)
        self.result.updated = len(changed)
        if changed:
            pks = [update.row.existing_pk for update in changed]
            transaction.on_commit(lambda: index_researchers(pks))

    def _create(self, rows: Sequence[_Row], parent: DirectoryIndexPage) -> None:
        items = []
        for row in rows:
            institution = row.institution
            if isinstance(institution, _NewInstitution):
                institution = institution.instance
            page = ResearcherPage(**row.values, institution=institution)
            items.append(
                NewResearcher(
                    page=page,
                    topic_ids=row.topic_ids or [],
                    language_codes=row.language_codes or [],
                    keywords=row.keywords or [],
                )
            )
        pages = bulk_create_researchers(items, parent=parent)
        ResearcherLink.objects.bulk_create(
            [
                ResearcherLink(page_id=page.pk, url=row.website, label=WEBSITE_LABEL, sort_order=0)
                for row, page in zip(rows, pages, strict=True)
                if row.website
            ]
        )


def _update_rows(
    model: type[Model], fields: list[str], rows: Sequence[tuple[int, dict[str, Any]]]
) -> None:
    """Write `fields` of each `(pk, values)` row to `model`'s own table, one UPDATE a row.

    `QuerySet.bulk_update` builds a CASE expression over the whole batch for every
    field, which on SQLite (999 parameters a query) means batches of ~50 rows and
    over a minute for 10,000 profiles; a prepared UPDATE run with `executemany`
    takes about a second on SQLite and is pipelined by psycopg on PostgreSQL.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    named = [(name, meta.get_field(name)) for name in fields]  # attnames work too
    assignments = ", ".join(f"{quote(column.column)} = %s" for _, column in named)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = [
        [column.get_db_prep_save(values[name], connection) for name, column in named] + [pk]
        for pk, values in rows
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(params, 500):
            cursor.executemany(sql, chunk)

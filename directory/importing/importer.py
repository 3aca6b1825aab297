"""One import from start to end: read, check every row, then write or (dry run) stop."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from wagtail.models import Locale

from common.signals import bulk_content_changed
from directory.importing.cleaning import Row, check_place, check_translations, clean_row
from directory.importing.lookups import Lookups, NewInstitution
from directory.importing.matching import Matcher
from directory.importing.reading import Header, Record, check_header, decode, read
from directory.importing.result import (
    ImportIssue,
    ImportResult,
    PlannedProfile,
    ProgressCallback,
)
from directory.importing.updates import Update, Updates
from directory.importing.writing import Writer
from directory.models import DirectoryIndexPage

#: Sent inside an import's transaction once its rows are written: `created` and
#: `matched` are profile ids. Apps that keep records about imported people (consent,
#: invitations) listen; the directory needs to know none of them.
researchers_imported = Signal()


class Importer:
    """Reads, checks and (through `Writer`) writes one file; one instance per import."""

    def __init__(self, *, dry_run: bool, progress: ProgressCallback | None) -> None:
        self.dry_run = dry_run
        self.progress: ProgressCallback = progress or (lambda stage, done, total: None)
        self.result = ImportResult(dry_run=dry_run)
        self.new_institutions: dict[str, NewInstitution] = {}

    def run(self, data: bytes | str, parent: DirectoryIndexPage | None) -> ImportResult:
        text = decode(data, self.result)
        if text is None:
            return self.result
        records = read(text, self.result)
        if records is None:
            return self.result
        (header_line, header_cells), rows = records
        header = check_header(header_line, header_cells, self.result)
        if header is None:
            return self.result
        with transaction.atomic():
            parent = self._parent(parent)
            if parent is None:
                return self.result
            self.lookups = Lookups()
            cleaned = self._validate(header, rows)
            creates = [row for row in cleaned if row.existing_pk is None]
            matched = [row for row in cleaned if row.existing_pk is not None]
            self.result.to_create = len(creates)
            self.result.to_update = len(matched)
            self.result.institutions_to_create = [
                inst.name for inst in self.new_institutions.values()
            ]
            if self.result.errors:
                return self.result
            updates = Updates(self.lookups, header.columns)
            updates.compare(matched, self.progress)
            self._warn_about_drafts(updates.changed)
            self.result.to_update = len(updates.changed)
            self.result.unchanged = len(matched) - self.result.to_update
            self._name_profiles(creates, updates.changed)
            if self.dry_run:
                return self.result
            Writer(self.progress, self.result).write(
                creates, updates, list(self.new_institutions.values()), parent
            )
            self.result.matched_pks = [row.existing_pk for row in matched]
            # Inside the transaction: what listeners record (consent) stands or
            # falls with the profiles.
            researchers_imported.send(
                sender=ImportResult,
                created=list(self.result.created_pks),
                matched=list(self.result.matched_pks),
            )
            # Written with bulk queries, which send no page signals: caches are told
            # here, and only when the import changed something.
            if creates or updates.changed or self.new_institutions:
                bulk_content_changed.send(sender=Importer, reason="import")
        return self.result

    def _parent(self, parent: DirectoryIndexPage | None) -> DirectoryIndexPage | None:
        if parent is None:
            parent = DirectoryIndexPage.objects.filter(locale=Locale.get_default()).first()
        if parent is None:
            self.result.error(0, "", _("the site has no researcher directory page to import into."))
            return None
        if not self.dry_run:
            # Serialise concurrent imports (on databases that lock rows), so that two
            # of them cannot both decide to create the same person.
            list(DirectoryIndexPage.objects.select_for_update().filter(pk=parent.pk))
        return parent

    def _validate(self, header: Header, rows: list[Record]) -> list[Row]:
        cleaned: list[Row] = []
        matcher = Matcher(self.lookups, self.result)
        total = len(rows)
        self.progress(_("Validating"), 0, total)
        for done, (line, record) in enumerate(rows, start=1):
            errors_before = len(self.result.errors)
            row = clean_row(line, record, header, self.lookups, self.result, self.new_institutions)
            matcher.match(row)
            check_place(row, record, header, self.lookups, self.result)
            check_translations(row, header, self.lookups, self.result)
            if len(self.result.errors) == errors_before:
                cleaned.append(row)
            if done % 250 == 0 or done == total:
                self.progress(_("Validating"), done, total)
        for inst in self.new_institutions.values():
            if not inst.country:
                for line in inst.lines_without_country:
                    self.result.error(
                        line,
                        "country",
                        _(
                            'empty, but "%(name)s" is a new institution and needs a country; '
                            "give its ISO 3166-1 code here."
                        )
                        % {"name": inst.name},
                    )
        if self.result.errors:
            bad_lines = {issue.line for issue in self.result.errors}
            cleaned = [row for row in cleaned if row.line not in bad_lines]
            # Stable: within a line, issues stay in column order.
            self.result.errors.sort(key=lambda issue: issue.line)
        return cleaned

    def _name_profiles(self, creates: list[Row], updates: list[Update]) -> None:
        """Whom the file creates (by the row's name) and changes (by the profile's title)."""
        self.result.profiles_to_create = [
            PlannedProfile(row.line, f"{row.values['given_name']} {row.values['family_name']}")
            for row in creates
        ]
        self.result.profiles_to_update = [
            PlannedProfile(
                update.row.line,
                self.lookups.existing[update.row.existing_pk].title,
                update.row.existing_pk,
            )
            for update in updates
        ]

    def _warn_about_drafts(self, updates: list[Update]) -> None:
        for update in updates:
            pk = update.row.existing_pk
            if self.lookups.existing[pk].has_unpublished_changes:
                self.result.warnings.append(
                    ImportIssue(
                        update.row.line,
                        "",
                        _(
                            "%(profile)s has an unpublished draft. The import updates the "
                            "live profile; publishing that draft would overwrite the "
                            "imported values."
                        )
                        % {"profile": self.lookups.describe(pk)},
                    )
                )

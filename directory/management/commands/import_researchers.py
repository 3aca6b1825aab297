"""`manage.py import_researchers FILE.csv [--dry-run] [--language es]`: the CSV import
from a shell.

The checking and writing live in `directory.importing`, shared with the admin's
upload form; this command only reads the file, draws progress and reports. Its
output, the problems it lists included, is in `--language` (English by default,
the site's LANGUAGE_CODE), so a Spanish- or Portuguese-speaking editor can read it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from common.progress import ProgressBar
from directory.importing import COLUMNS, ImportResult, PlannedProfile, import_researchers
from directory.languages import INTERFACE_LANGUAGES

MAX_LISTED = 20


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Import researcher profiles from a UTF-8 CSV file with a header row. Columns: "
            "{columns}. A file with any invalid row imports nothing; every problem is "
            "listed with its line and column."
        ).format(columns=", ".join(COLUMNS))

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("The CSV file, or - to read standard input."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check the file and report what would change, without writing anything."),
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help=_("Show a progress bar even when standard error is not a terminal."),
        )
        parser.add_argument(
            "--language",
            choices=INTERFACE_LANGUAGES,
            default=None,
            help=_(
                "The language of the report and of the problems it lists (default: {code})."
            ).format(code=settings.LANGUAGE_CODE),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        data = self._read(options["file"])
        # Off a terminal only with --progress: the errors and the report are what a
        # script reading stderr wants.
        bar = ProgressBar(self.stderr, in_place=options["progress"] or None, lines=False)
        started = time.monotonic()
        try:
            result = import_researchers(data, dry_run=options["dry_run"], progress=bar)
        finally:
            bar.close()
        self._report(result, time.monotonic() - started, options["verbosity"])
        if result.errors:
            raise CommandError(result.summary())

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        try:
            return Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s.") % {"file": name, "reason": exc.strerror}
            ) from exc

    def _report(self, result: ImportResult, seconds: float, verbosity: int) -> None:
        for issue in result.errors:
            self.stderr.write(str(issue))
        if verbosity == 0 or result.errors:
            return
        for issue in result.warnings:
            self.stdout.write(self.style.WARNING(_("Warning: %(issue)s") % {"issue": issue}))
        if result.dry_run:
            self._list(_("Would create these profiles:"), _profiles(result.profiles_to_create))
            self._list(_("Would update these profiles:"), _profiles(result.profiles_to_update))
            title = _("Would create these institutions (kind: university; check them):")
        else:
            title = _("Created these institutions (kind: university; check them):")
        self._list(title, result.institutions_to_create)
        if result.blank_lines:
            self.stdout.write(
                _("Skipped %(count)s blank lines.") % {"count": f"{result.blank_lines:,}"}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(summary)s (%(seconds)s s)")
                % {"summary": result.summary(), "seconds": f"{seconds:.1f}"}
            )
        )

    def _list(self, title: str, items: list[str]) -> None:
        """A titled list of at most `MAX_LISTED` items; nothing when there are none."""
        if not items:
            return
        self.stdout.write(title)
        for item in items[:MAX_LISTED]:
            self.stdout.write(f"  {item}")
        if len(items) > MAX_LISTED:
            more = f"{len(items) - MAX_LISTED:,}"
            self.stdout.write("  " + _("… and %(count)s more") % {"count": more})


def _profiles(plan: list[PlannedProfile]) -> list[str]:
    lines = []
    for profile in plan:
        values = {"line": profile.line, "name": profile.name, "id": profile.page_id}
        if profile.page_id:
            lines.append(_("line %(line)s: %(name)s (page %(id)s)") % values)
        else:
            lines.append(_("line %(line)s: %(name)s") % values)
    return lines

"""`manage.py import_researchers FILE.csv [--dry-run]`: the CSV import from a shell.

The checking and writing live in `directory.importing`, shared with the admin's
upload form; this command only reads the file, draws progress and reports.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.progress import ProgressBar
from directory.importing import COLUMNS, ImportResult, PlannedProfile, import_researchers

MAX_LISTED = 20


class Command(BaseCommand):
    help = (
        "Import researcher profiles from a UTF-8 CSV file with a header row. Columns: "
        f"{', '.join(COLUMNS)}. A file with any invalid row imports nothing; every "
        "problem is listed with its line and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file, or - to read standard input.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without writing anything.",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show a progress bar even when standard error is not a terminal.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
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
            raise CommandError(f"Cannot read {name}: {exc.strerror}.") from exc

    def _report(self, result: ImportResult, seconds: float, verbosity: int) -> None:
        for issue in result.errors:
            self.stderr.write(str(issue))
        if verbosity == 0 or result.errors:
            return
        for issue in result.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {issue}"))
        if result.dry_run:
            self._list("Would create these profiles:", _profiles(result.profiles_to_create))
            self._list("Would update these profiles:", _profiles(result.profiles_to_update))
        verb = "Would create" if result.dry_run else "Created"
        self._list(
            f"{verb} these institutions (kind: university; check them):",
            result.institutions_to_create,
        )
        if result.blank_lines:
            self.stdout.write(f"Skipped {result.blank_lines:,} blank lines.")
        self.stdout.write(self.style.SUCCESS(f"{result.summary()} ({seconds:.1f} s)"))

    def _list(self, title: str, items: list[str]) -> None:
        """A titled list of at most `MAX_LISTED` items; nothing when there are none."""
        if not items:
            return
        self.stdout.write(title)
        for item in items[:MAX_LISTED]:
            self.stdout.write(f"  {item}")
        if len(items) > MAX_LISTED:
            self.stdout.write(f"  … and {len(items) - MAX_LISTED:,} more")


def _profiles(plan: list[PlannedProfile]) -> list[str]:
    return [
        f"line {p.line}: {p.name}" + (f" (page {p.page_id})" if p.page_id else "") for p in plan
    ]

"""`manage.py import_researchers FILE.csv [--dry-run]`: the CSV import from a shell.

The checking and writing live in `directory.importing`, shared with the admin's
upload form; this command only reads the file, draws progress and reports.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.importing import COLUMNS, ImportResult, PlannedProfile, import_researchers

MAX_LISTED = 20


class ProgressBar:
    """`Validating  4,000/10,000 [=====>    ] 40%`, redrawn in place on one line.

    Written by hand (a dozen lines) rather than adding a dependency for it. Redraws
    at most ten times a second, so drawing never slows the import down.
    """

    WIDTH = 30
    INTERVAL = 0.1

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.stage: str | None = None
        self.last_draw = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if stage == self.stage and done < total and now - self.last_draw < self.INTERVAL:
            return
        if self.stage is not None and stage != self.stage:
            self.stream.write("\n")
        self.stage, self.last_draw = stage, now
        fraction = done / total if total else 1.0
        filled = int(self.WIDTH * fraction)
        bar = ("=" * filled + (">" if filled < self.WIDTH else "")).ljust(self.WIDTH)
        width = len(f"{total:,}")
        self.stream.write(
            f"\r{stage:<11} {done:>{width},}/{total:,} [{bar}] {int(fraction * 100):3d}%"
        )
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line, so that whatever is written next starts on its own."""
        if self.enabled and self.stage is not None:
            self.stream.write("\n")
            self.stream.flush()
        self.stage = None


class _Plain:
    """Django's stderr wrapper without its colouring, for the progress bar."""

    def __init__(self, wrapper: Any) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, style_func=str, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


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
        bar = ProgressBar(_Plain(self.stderr), enabled=options["progress"] or self.stderr.isatty())
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

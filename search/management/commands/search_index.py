"""Inspect or rebuild the directory's search index.

    manage.py search_index            how many profiles are indexed, and which engine
    manage.py search_index --rebuild  index every live profile from scratch

The database engine rebuilds its tables in one transaction: searches keep seeing
the old index until the new one is committed. The Elasticsearch engine builds a
new, timestamped index behind the alias and swaps the alias atomically when it is
complete, so searches never see a half-built index either. Progress goes to
stderr, so stdout stays clean for scripts.
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand

from directory.models import ResearcherPage
from search.engines import get_engine


class ProgressBar:
    """A one-line progress bar on a terminal; plain lines on anything else."""

    def __init__(self, stream, width: int = 40):
        self.stream = stream
        self.width = width
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.started = time.monotonic()
        self.last_line = 0.0

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        elapsed = time.monotonic() - self.started
        if self.tty:
            filled = int(self.width * fraction)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {done:,}/{total:,} {elapsed:5.1f} s")
            self.stream.flush()
        elif done == total or time.monotonic() - self.last_line > 5:
            self.stream.write(f"{done:,}/{total:,} indexed ({elapsed:.1f} s)\n")
            self.last_line = time.monotonic()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Show the state of the directory search index, or rebuild it with --rebuild."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Index every listed (live, unrestricted) researcher profile from scratch "
            "(Elasticsearch: build a new index and swap the alias).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not report progress on stderr."
        )

    def handle(self, *args, rebuild: bool = False, no_progress: bool = False, **options):
        engine = get_engine()
        if not rebuild:
            live = ResearcherPage.objects.live().count()
            restricted = ResearcherPage.objects.live().not_public().count()
            indexed = engine.count() if hasattr(engine, "count") else "?"
            self.stdout.write(
                f"Engine: {engine.name}. Live profiles: {live}. Indexed: {indexed}. "
                f"Behind a view restriction, so not indexed: {restricted}. "
                "Run with --rebuild to index every profile again."
            )
            return
        bar = None if no_progress else ProgressBar(getattr(self.stderr, "_out", sys.stderr))
        started = time.monotonic()
        try:
            count = engine.rebuild(bar)
        finally:
            if bar:
                bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} researcher profiles with the {engine.name} engine "
                f"in {time.monotonic() - started:.1f} s."
            )
        )

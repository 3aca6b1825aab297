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

import time

from django.core.management.base import BaseCommand

from common.progress import ProgressBar
from directory.models import ResearcherPage
from search.engines import get_engine


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
        bar = ProgressBar(None if no_progress else self.stderr)
        started = time.monotonic()
        try:
            count = engine.rebuild(bar.stage("Indexing"))
        finally:
            bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} researcher profiles with the {engine.name} engine "
                f"in {time.monotonic() - started:.1f} s."
            )
        )

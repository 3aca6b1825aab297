"""`manage.py load_demo_data`: fictional profiles, news and facilities, loaded once.

`make run` calls this on every start, so a second run must be a no-op; see
`directory.demo` for how demo data is recognised and removed again.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from common.progress import ProgressBar
from directory.demo import (
    DEFAULT_RESEARCHERS,
    DEFAULT_SEED,
    count_by_country,
    flush_demo_data,
    load_demo_data,
)


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Load fictional demo data (researchers across the UK and Latin America, "
            "facilities, news, avatars) and switch on the site's demo notice. Idempotent. "
            "--flush removes the demo data again."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--researchers",
            type=int,
            default=DEFAULT_RESEARCHERS,
            help=_("How many researcher profiles to create (default {count}).").format(
                count=DEFAULT_RESEARCHERS
            ),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=_("Seed of the fictional-data generator; the same seed gives the same people."),
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help=_("Remove the demo data (only the demo data) and switch the demo notice off."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Load even if the directory already holds real profiles."),
        )

    def handle(self, *args, researchers: int, seed: int, flush: bool, force: bool, **options):
        def log(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        if flush:
            removed = flush_demo_data(log=log)
            summary = ", ".join(f"{count} {name}" for name, count in removed.items())
            self.stdout.write(
                self.style.SUCCESS(_("Removed demo data: %(summary)s.") % {"summary": summary})
            )
            return

        if researchers < 1:
            raise CommandError(_("--researchers must be at least 1."))
        # A line per batch (five) off a terminal, as the other steps are logged.
        bar = ProgressBar(self.stdout, line_interval=0)
        try:
            result = load_demo_data(researchers, seed, force=force, log=log, progress=bar)
        finally:
            bar.close()
        if not result.loaded:
            self.stdout.write(self.style.WARNING(result.message))
            return
        countries = ", ".join(f"{code} {n}" for code, n in sorted(count_by_country().items()))
        self.stdout.write(_("Profiles per country: %(countries)s") % {"countries": countries})
        self.stdout.write(self.style.SUCCESS(result.message))

"""`manage.py orcid_refresh`: add new public ORCID works to every claimed profile.

Only profiles with an account (`user`) and an ORCID iD: their researchers asked
for a profile of their own, and each new work is saved as a revision in their name
(published when the profile is, as their own edits are). Requests are throttled to
`--rate` a second (default `ORCID_RATE`, 8: well inside ORCID's public limits). A
record that is missing, deactivated, private or unreadable is reported and skipped.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from common.progress import ProgressBar
from directory.models import ResearcherPage
from directory.self_service.orcid import OrcidClient, OrcidError, Throttle, new_works
from directory.self_service.publishing import add_works, editable_version


class Command(BaseCommand):
    help = "Add new public ORCID works to claimed profiles, within ORCID's rate limits."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rate", type=float, default=None, help="Requests a second at most (ORCID_RATE)."
        )

    def handle(self, *args, rate=None, **options):
        client = OrcidClient(throttle=Throttle(settings.ORCID_RATE if rate is None else rate))
        pages = list(
            ResearcherPage.objects.filter(user__isnull=False).exclude(orcid="").order_by("pk")
        )
        bar = ProgressBar(self.stderr, line_interval=0)
        updated = added = 0
        failures: list[str] = []
        for done, page in enumerate(pages, start=1):
            try:
                works = client.works(page.orcid)
            except OrcidError as exc:
                failures.append(f"{page.title} ({page.orcid}): {exc}")
            else:
                page = editable_version(page)
                fresh = new_works(works, list(page.publications.all()))
                if fresh:
                    add_works(page, fresh, page.user)
                    updated += 1
                    added += len(fresh)
            bar("ORCID", done, len(pages))
        bar.close()
        self.stdout.write(
            f"{len(pages)} profile(s) checked, {updated} updated, {added} work(s) added, "
            f"{len(failures)} failed."
        )
        for failure in failures:
            self.stdout.write(f"  {failure}")

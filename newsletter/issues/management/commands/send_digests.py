"""Send this week's personalised digests: run it from cron once a week.

For example `0 7 * * MON`. Running it again in the same ISO week sends nothing to
anyone who already had their digest (the ledger's unique constraint), so an
overlapping or repeated run is harmless.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsletter.issues.digest_sending import send_digests


class Command(BaseCommand):
    help = gettext_lazy("Send this week's personalised digests to subscribers who opted in.")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options.get("verbosity", 1)

        def progress(done: int, total: int) -> None:
            if verbosity >= 1:
                self.stderr.write(
                    _("Digests: %(done)d of %(total)d") % {"done": done, "total": total}
                )

        report = send_digests(progress=progress)
        self.stdout.write(
            _(
                "Digests (%(backend)s): sent %(sent)d, nothing new %(nothing_new)d, already "
                "sent this week %(already)d, failed %(failed)d, campaigns %(campaigns)d."
            )
            % report.as_dict()
        )
        for error in report.errors:
            self.stderr.write(error)
        if report.failed:
            raise SystemExit(1)

"""Send local issues whose scheduled time has come, and resume stalled sends.

Run it from cron every few minutes (e.g. `*/5 * * * *`). Mailchimp campaigns are
scheduled in Mailchimp itself and are not touched here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from newsletter.issues.campaigns.local import LocalBackend, due_dispatches
from newsletter.issues.models import Dispatch


class Command(BaseCommand):
    help = "Send scheduled newsletter issues that are due, and resume interrupted ones."

    def handle(self, *args: Any, **options: Any) -> None:
        due = due_dispatches()
        if not due:
            self.stdout.write("Nothing due.")
            return
        failed = 0
        for dispatch_id in due:
            dispatch = Dispatch.objects.select_related("issue").get(pk=dispatch_id)
            try:
                counts = LocalBackend().deliver(dispatch)
            except Exception as exc:  # keep going: other issues may still be sendable
                failed += 1
                self.stderr.write(f"{dispatch.issue}: stopped ({exc}); will resume next run.")
                continue
            self.stdout.write(
                f"{dispatch.issue}: sent {counts.sent}, skipped {counts.skipped}, "
                f"failed {counts.failed}, interrupted {counts.unknown}."
            )
        if failed:
            raise SystemExit(1)

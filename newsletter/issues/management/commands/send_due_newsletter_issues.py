"""Send local issues whose scheduled time has come, and resume stalled sends.

Run it from cron every few minutes (e.g. `*/5 * * * *`). Mailchimp campaigns are
scheduled in Mailchimp itself and are not touched here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsletter.issues.campaigns.local import LocalBackend, due_dispatches
from newsletter.issues.models import Dispatch


class Command(BaseCommand):
    help = gettext_lazy(
        "Send scheduled newsletter issues that are due, and resume interrupted ones."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        due = due_dispatches()
        if not due:
            self.stdout.write(_("Nothing due."))
            return
        failed = 0
        for dispatch_id in due:
            dispatch = Dispatch.objects.select_related("issue").get(pk=dispatch_id)
            try:
                counts = LocalBackend().deliver(dispatch)
            except Exception as exc:  # keep going: other issues may still be sendable
                failed += 1
                self.stderr.write(
                    _("%(issue)s: stopped (%(error)s); will resume next run.")
                    % {"issue": dispatch.issue, "error": exc}
                )
                continue
            self.stdout.write(
                _(
                    "%(issue)s: sent %(sent)d, skipped %(skipped)d, failed %(failed)d, "
                    "interrupted %(unknown)d."
                )
                % {"issue": dispatch.issue, **counts.as_dict()}
            )
        if failed:
            raise SystemExit(1)

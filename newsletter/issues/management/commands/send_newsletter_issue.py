"""Run or resume the local send of one issue, in the foreground, with a progress bar.

Why a command as well as the task: after a crash, or with no task worker
running, an operator can finish a send from a shell and watch it. Re-running is
always safe: only rows still pending are sent (see `campaigns.local`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.progress import ProgressBar
from newsletter.issues import services
from newsletter.issues.campaigns import CampaignError
from newsletter.issues.campaigns.local import Counts, LocalBackend
from newsletter.issues.models import (
    Dispatch,
    DispatchBackend,
    DispatchState,
    NewsletterIssuePage,
)


class Command(BaseCommand):
    help = gettext_lazy(
        "Send, or resume sending, a newsletter issue with the site's own e-mail backend."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("issue", type=int, help=_("The issue page's id."))
        parser.add_argument(
            "--start",
            action="store_true",
            help=_("Start sending an issue that was never sent (freezes its latest revision)."),
        )
        parser.add_argument(
            "--now", action="store_true", help=_("Send a scheduled issue now, without waiting.")
        )
        parser.add_argument(
            "--resend-interrupted",
            action="store_true",
            help=_(
                "Also send to recipients whose delivery was interrupted by a crash and may "
                "or may not have arrived (at-least-once for them; check the mail log first)."
            ),
        )
        parser.add_argument(
            "--batch-size", type=int, default=None, help=_("Messages per SMTP connection.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        issue = NewsletterIssuePage.objects.filter(pk=options["issue"]).first()
        if issue is None:
            raise CommandError(_("No newsletter issue with id %(id)s.") % {"id": options["issue"]})
        dispatch = Dispatch.objects.filter(issue=issue).first()
        if dispatch is None or dispatch.state == DispatchState.DRAFT:
            if not options["start"]:
                raise CommandError(_("This issue has not been sent; use --start to send it."))
            try:
                dispatch = services.send_now(issue, enqueue=False)
            except CampaignError as exc:
                raise CommandError(exc.message) from exc
        if dispatch.backend != DispatchBackend.LOCAL:
            raise CommandError(_("This issue is a Mailchimp campaign; Mailchimp sends it."))
        if dispatch.state == DispatchState.SCHEDULED:
            if not options["now"]:
                raise CommandError(
                    _("Scheduled for %(when)s; use --now.")
                    % {"when": f"{dispatch.scheduled_at:%Y-%m-%d %H:%M %Z}"}
                )
            Dispatch.objects.filter(pk=dispatch.pk, state=DispatchState.SCHEDULED).update(
                state=DispatchState.QUEUED
            )
            dispatch.refresh_from_db()
        if dispatch.state == DispatchState.SENT and not options["resend_interrupted"]:
            self.stdout.write(
                _("Already sent: %(summary)s") % {"summary": _summary(services.status(issue))}
            )
            return
        if dispatch.state == DispatchState.SENT:
            Dispatch.objects.filter(pk=dispatch.pk).update(state=DispatchState.SENDING)
            dispatch.refresh_from_db()
        # Off a terminal, a line per batch: an operator reading a log sees every step.
        bar = ProgressBar(self.stdout, line_interval=0)
        try:
            counts = LocalBackend().deliver(
                dispatch,
                progress=lambda counts: bar(
                    _("Sending"), counts.done, counts.total, _detail(counts)
                ),
                resend_interrupted=options["resend_interrupted"],
                size=options["batch_size"],
            )
        finally:
            bar.close()
        dispatch.refresh_from_db()
        self.stdout.write(
            _(
                "%(state)s: sent %(sent)d, skipped %(skipped)d, failed %(failed)d, "
                "interrupted %(unknown)d, pending %(pending)d."
            )
            % {"state": dispatch.get_state_display(), **counts.as_dict()}
        )
        if counts.unknown:
            self.stdout.write(
                _(
                    "Interrupted deliveries were not resent (at-most-once). Check the mail log "
                    "for their X-Newsletter-Delivery ids; --resend-interrupted sends them again."
                )
            )


def _detail(counts: Counts) -> str:
    return (
        _("(sent %(sent)d, skipped %(skipped)d, failed %(failed)d, interrupted %(unknown)d)")
        % counts.as_dict()
    )


def _summary(info: dict[str, Any]) -> str:
    counts = info.get("counts")
    return str(counts.as_dict()) if counts else str(info.get("dispatch"))

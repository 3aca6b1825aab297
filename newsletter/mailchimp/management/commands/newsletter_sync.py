"""Sync with Mailchimp by hand or from cron: --deliver, --pull, --push --all."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.progress import ProgressBar
from newsletter.mailchimp.bulk_push import PushError, push_all
from newsletter.mailchimp.client import MailchimpError, is_configured
from newsletter.mailchimp.pull import pull
from newsletter.mailchimp.worker import deliver_due, prune_finished


class Command(BaseCommand):
    help = gettext_lazy(
        "--deliver: send queued changes that are due (run from cron, so nothing stalls "
        "if the task worker was down). --pull: take changes made in Mailchimp since the "
        "last pull (catches missed webhooks). --push --all: push every subscriber "
        "through batch operations, after a full pull (never changes anyone's status there)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--deliver", action="store_true", help=_("Deliver due changes."))
        parser.add_argument("--pull", action="store_true", help=_("Reconcile from Mailchimp."))
        parser.add_argument(
            "--full", action="store_true", help=_("With --pull: every member, not just changes.")
        )
        parser.add_argument(
            "--push", action="store_true", help=_("Push to Mailchimp (with --all).")
        )
        parser.add_argument("--all", action="store_true", help=_("With --push: every subscriber."))
        parser.add_argument(
            "--no-progress", action="store_true", help=_("No progress bar on stderr.")
        )
        parser.add_argument(
            "--no-pull",
            action="store_true",
            help=_("With --push: skip the full pull that first takes who left in Mailchimp."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (options["deliver"] or options["pull"] or options["push"]):
            raise CommandError(_("Say what to do: --deliver, --pull or --push --all."))
        if options["push"] and not options["all"]:
            raise CommandError(_("--push needs --all (queued changes go with --deliver)."))
        if not is_configured():
            raise CommandError(_("Mailchimp is not configured (MAILCHIMP_API_KEY, _AUDIENCE_ID)."))
        try:
            if options["pull"]:
                self._pull(options["full"])
            if options["push"]:
                self._push(not options["no_progress"], pull_first=not options["no_pull"])
            if options["deliver"]:
                self._deliver()
        except MailchimpError as err:
            raise CommandError(f"Mailchimp: {err}") from err
        except PushError as err:
            raise CommandError(str(err)) from err

    def _pull(self, full: bool) -> None:
        report = pull(full=full)
        self.stdout.write(
            _(
                "Pulled %(seen)d members in %(pages)d pages (%(calls)d API calls): "
                "%(created)d created, %(updated)d updated, %(left)d left, "
                "%(skipped)d unchanged or skipped. Next pull from %(mark)s."
            )
            % {
                "seen": report.seen,
                "pages": report.pages,
                "calls": report.calls,
                "created": report.created,
                "updated": report.updated,
                "left": report.left,
                "skipped": report.skipped,
                "mark": report.mark or _("start"),
            }
        )

    def _push(self, show_progress: bool, pull_first: bool) -> None:
        bar = ProgressBar(self.stderr if show_progress else None)
        report = push_all(progress=bar, pull_first=pull_first)
        self.stdout.write(
            _(
                "Read %(pulled)d members first. Pushed %(subscribers)d subscribers as "
                "%(operations)d operations in %(batches)d batches: %(calls)d API calls, "
                "%(seconds).1fs. %(errors)d errors, %(tagged)d tag updates, "
                "%(remote)d took Mailchimp's status, %(archived)d left out as deleted "
                "in Mailchimp."
            )
            % {
                "pulled": report.pulled,
                "subscribers": report.subscribers,
                "operations": report.operations,
                "batches": report.batches,
                "calls": report.calls,
                "seconds": report.seconds,
                "errors": report.errors,
                "tagged": report.tagged,
                "remote": report.took_remote_status,
                "archived": report.archived,
            }
        )
        for sample in report.error_samples:
            self.stderr.write(f"  {sample}")

    def _deliver(self) -> None:
        report = deliver_due()
        self.stdout.write(
            _(
                "Delivered %(delivered)d, failed %(failed)d, retrying %(retrying)d, "
                "deferred %(deferred)d (%(calls)d API calls)."
            )
            % {
                "delivered": report.delivered,
                "failed": report.failed,
                "retrying": report.retrying,
                "deferred": report.deferred,
                "calls": report.calls,
            }
        )
        for error in report.errors:
            self.stderr.write(f"  {error}")
        pruned = prune_finished()
        if pruned:
            self.stdout.write(
                _("Removed %(n)d finished changes older than 30 days.") % {"n": pruned}
            )

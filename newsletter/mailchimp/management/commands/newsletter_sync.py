"""Sync with Mailchimp by hand or from cron: --deliver, --pull, --push --all."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.progress import ProgressBar
from newsletter.mailchimp.bulk_push import PushError, push_all
from newsletter.mailchimp.client import MailchimpError, is_configured
from newsletter.mailchimp.pull import pull
from newsletter.mailchimp.worker import deliver_due, prune_finished


class Command(BaseCommand):
    help = (
        "--deliver: send queued changes that are due (run from cron, so nothing stalls "
        "if the task worker was down). --pull: take changes made in Mailchimp since the "
        "last pull (catches missed webhooks). --push --all: push every subscriber "
        "through batch operations, after a full pull (never changes anyone's status there)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--deliver", action="store_true", help="Deliver due changes.")
        parser.add_argument("--pull", action="store_true", help="Reconcile from Mailchimp.")
        parser.add_argument(
            "--full", action="store_true", help="With --pull: every member, not just changes."
        )
        parser.add_argument("--push", action="store_true", help="Push to Mailchimp (with --all).")
        parser.add_argument("--all", action="store_true", help="With --push: every subscriber.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")
        parser.add_argument(
            "--no-pull",
            action="store_true",
            help="With --push: skip the full pull that first takes who left in Mailchimp.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (options["deliver"] or options["pull"] or options["push"]):
            raise CommandError("Say what to do: --deliver, --pull or --push --all.")
        if options["push"] and not options["all"]:
            raise CommandError("--push needs --all (queued changes go with --deliver).")
        if not is_configured():
            raise CommandError("Mailchimp is not configured (MAILCHIMP_API_KEY, _AUDIENCE_ID).")
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
            f"Pulled {report.seen} members in {report.pages} pages ({report.calls} API calls): "
            f"{report.created} created, {report.updated} updated, {report.left} left, "
            f"{report.skipped} unchanged or skipped. Next pull from {report.mark or 'start'}."
        )

    def _push(self, show_progress: bool, pull_first: bool) -> None:
        bar = ProgressBar(self.stderr if show_progress else None)
        report = push_all(progress=bar, pull_first=pull_first)
        self.stdout.write(
            f"Read {report.pulled} members first. "
            f"Pushed {report.subscribers} subscribers as {report.operations} operations in "
            f"{report.batches} batches: {report.calls} API calls, {report.seconds:.1f}s. "
            f"{report.errors} errors, {report.tagged} tag updates, "
            f"{report.took_remote_status} took Mailchimp's status, "
            f"{report.archived} left out as deleted in Mailchimp."
        )
        for sample in report.error_samples:
            self.stderr.write(f"  {sample}")

    def _deliver(self) -> None:
        report = deliver_due()
        self.stdout.write(
            f"Delivered {report.delivered}, failed {report.failed}, "
            f"retrying {report.retrying}, deferred {report.deferred} "
            f"({report.calls} API calls)."
        )
        for error in report.errors:
            self.stderr.write(f"  {error}")
        pruned = prune_finished()
        if pruned:
            self.stdout.write(f"Removed {pruned} finished changes older than 30 days.")

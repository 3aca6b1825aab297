"""Create or link the "Topics" interest category, one interest per topic, and the webhook."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsletter.mailchimp.audience_setup import run_setup
from newsletter.mailchimp.client import MailchimpError, is_configured


class Command(BaseCommand):
    help = (
        "Link Mailchimp's 'Topics' interest category and one interest per topic "
        "(creating what is missing) and register the webhook. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-webhook", action="store_true", help="Only the interests, not the webhook."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not is_configured():
            raise CommandError("Set MAILCHIMP_API_KEY and MAILCHIMP_AUDIENCE_ID first.")
        try:
            report = run_setup(webhook=not options["no_webhook"])
        except MailchimpError as err:
            raise CommandError(f"Mailchimp: {err}") from err
        verb = "created" if report.category_created else "linked"
        self.stdout.write(f"Interest category 'Topics' {verb}: {report.category_id}")
        for name in report.interests_created:
            self.stdout.write(f"  interest created: {name}")
        for name in report.interests_linked:
            self.stdout.write(f"  interest linked: {name}")
        if report.webhook_id:
            verb = "registered" if report.webhook_created else "already registered"
            self.stdout.write(f"Webhook {verb}: {report.webhook_url}")
        for note in report.notes:
            self.stderr.write(note)
        self.stdout.write(self.style.SUCCESS(f"Done in {report.calls} API calls."))

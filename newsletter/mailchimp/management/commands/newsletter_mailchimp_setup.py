"""Create or link the "Topics" interest category, one interest per topic, and the webhook."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsletter.mailchimp.audience_setup import run_setup
from newsletter.mailchimp.client import MailchimpError, is_configured


class Command(BaseCommand):
    help = gettext_lazy(
        "Link Mailchimp's 'Topics' interest category and one interest per topic "
        "(creating what is missing) and register the webhook. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-webhook", action="store_true", help=_("Only the interests, not the webhook.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not is_configured():
            raise CommandError(_("Set MAILCHIMP_API_KEY and MAILCHIMP_AUDIENCE_ID first."))
        try:
            report = run_setup(webhook=not options["no_webhook"])
        except MailchimpError as err:
            raise CommandError(f"Mailchimp: {err}") from err
        if report.category_created:
            line = _("Interest category 'Topics' created: %(id)s")
        else:
            line = _("Interest category 'Topics' linked: %(id)s")
        self.stdout.write(line % {"id": report.category_id})
        for name in report.interests_created:
            self.stdout.write("  " + _("interest created: %(name)s") % {"name": name})
        for name in report.interests_linked:
            self.stdout.write("  " + _("interest linked: %(name)s") % {"name": name})
        if report.webhook_id:
            if report.webhook_created:
                line = _("Webhook registered: %(url)s")
            else:
                line = _("Webhook already registered: %(url)s")
            self.stdout.write(line % {"url": report.webhook_url})
        for note in report.notes:
            self.stderr.write(note)
        self.stdout.write(
            self.style.SUCCESS(_("Done in %(calls)d API calls.") % {"calls": report.calls})
        )

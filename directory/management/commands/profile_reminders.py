"""`manage.py profile_reminders` (cron, e.g. daily): the yearly "is your profile still
right?" e-mail to claimed profiles, never twice within a year
(`directory.self_service.reminders`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from common.progress import ProgressBar
from directory.self_service.reminders import due_profiles, send_reminder


class Command(BaseCommand):
    help = 'Send the yearly "is your profile still right?" e-mail to claimed profiles.'

    def handle(self, *args, **options):
        pages = list(due_profiles())
        bar = ProgressBar(self.stderr, line_interval=0)
        sent = failed = 0
        for done, page in enumerate(pages, start=1):
            try:
                sent += send_reminder(page)
            except OSError:
                failed += 1
            bar("Reminders", done, len(pages))
        bar.close()
        self.stdout.write(f"{sent} reminder(s) sent, {failed} failed.")

"""`manage.py import_researchers FILE --invite`: the directory's import, then invitations.

The directory's command (directory/management/commands/import_researchers.py) knows
nothing of accounts; this one, found first because `accounts` comes before
`directory` in INSTALLED_APPS, adds `--invite`: after a successful import, each
profile the file created or matched is invited to claim itself (in its preferred
language, never twice within ACCOUNTS_INVITATION_INTERVAL_DAYS).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.dispatch import receiver
from django.utils.translation import gettext as _

from accounts.invitations import invite_all
from common.progress import ProgressBar
from directory.importing import researchers_imported
from directory.management.commands import import_researchers as directory_command
from directory.models import ResearcherPage


class Command(directory_command.Command):
    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--invite",
            action="store_true",
            help=_(
                "After importing, invite each researcher in the file to claim their "
                "profile by e-mail (not those invited recently or with an account)."
            ),
        )

    def _import(self, options: dict[str, Any]) -> None:
        imported: list[int] = []

        @receiver(researchers_imported, weak=False)
        def remember(sender, created, matched, **kwargs) -> None:
            imported.extend([*created, *matched])

        try:
            super()._import(options)
        finally:
            researchers_imported.disconnect(remember)
        if options["invite"] and not options["dry_run"] and imported:
            self._invite(imported, options)

    def _invite(self, pks: list[int], options: dict[str, Any]) -> None:
        profiles = ResearcherPage.objects.filter(pk__in=pks).order_by("pk")
        bar = ProgressBar(self.stderr, in_place=options["progress"] or None, lines=False)
        try:
            report = invite_all(profiles, progress=bar.stage(_("Inviting")))
        finally:
            bar.close()
        self.stdout.write(
            _(
                "Invitations: %(sent)s sent, %(recent)s already invited recently, "
                "%(skipped)s with an account or without an address."
            )
            % {
                "sent": report.sent,
                "recent": report.recently_invited,
                "skipped": report.not_invitable,
            }
        )

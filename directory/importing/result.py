"""What an import reports: its counts and every problem, with line and column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ProgressCallback = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)`, e.g. `("Validating", 4000, 10000)`."""


@dataclass(frozen=True)
class ImportIssue:
    """One problem with the file: where it is (physical line, column) and why."""

    line: int  # 1 is the header; 0 is the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        values = {"line": self.line, "column": self.column, "message": self.message}
        if self.line and self.column:
            return _("line %(line)s, column %(column)s: %(message)s") % values
        if self.line:
            return _("line %(line)s: %(message)s") % values
        if self.column:
            return _("column %(column)s: %(message)s") % values
        return self.message


@dataclass(frozen=True)
class PlannedProfile:
    """A profile the file creates or changes, named so that a dry run can be checked."""

    line: int
    name: str
    page_id: int | None = None  # the profile a row updates; None for a new one


@dataclass
class ImportResult:
    """What an import did, or in a dry run would do, and every problem it found.

    `to_create`/`to_update` are the plan: profiles the valid rows create, and
    matched profiles that the file changes (`unchanged` counts matched profiles
    it leaves exactly as they are, which are not written at all), and
    `profiles_to_create`/`profiles_to_update` name them (empty when the file has
    errors, since the plan then is not carried out). `created` and
    `updated` are what was written: zero in a dry run and whenever there are errors.
    """

    dry_run: bool = False
    rows: int = 0
    blank_lines: int = 0
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    institutions_to_create: list[str] = field(default_factory=list)
    profiles_to_create: list[PlannedProfile] = field(default_factory=list)
    profiles_to_update: list[PlannedProfile] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    institutions_created: int = 0
    #: Ids of the profiles written (created) and of every profile a row matched,
    #: changed or not: what `researchers_imported` reports (invitations, consent).
    created_pks: list[int] = field(default_factory=list)
    matched_pks: list[int] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def rows_with_errors(self) -> int:
        return len({issue.line for issue in self.errors})

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(ImportIssue(line, column, message))

    def summary(self) -> str:
        """One sentence for the end of the command's output and the admin's result page.

        Built from counted phrases, each with its own plural, so that every language
        can agree its words with each number.
        """
        if self.errors:
            return _("%(errors)s on %(lines)s (%(rows)s read): nothing was imported.") % {
                "errors": _count(
                    len(self.errors),
                    ngettext("%(count)s error", "%(count)s errors", len(self.errors)),
                ),
                "lines": _count(
                    self.rows_with_errors,
                    ngettext("%(count)s line", "%(count)s lines", self.rows_with_errors),
                ),
                "rows": _count(
                    self.rows, ngettext("%(count)s data row", "%(count)s data rows", self.rows)
                ),
            }
        counts = {
            "rows": _count(self.rows, ngettext("%(count)s row", "%(count)s rows", self.rows)),
            "unchanged": f"{self.unchanged:,}",
        }
        if self.dry_run:
            return _(
                "Dry run of %(rows)s, nothing was written: the import would create "
                "%(profiles)s, update %(updated)s (%(unchanged)s unchanged) and create "
                "%(institutions)s."
            ) % {
                **counts,
                "profiles": _profiles(self.to_create),
                "updated": f"{self.to_update:,}",
                "institutions": _institutions(len(self.institutions_to_create)),
            }
        return _(
            "Imported %(rows)s: created %(profiles)s, updated %(updated)s (%(unchanged)s "
            "unchanged) and created %(institutions)s."
        ) % {
            **counts,
            "profiles": _profiles(self.created),
            "updated": f"{self.updated:,}",
            "institutions": _institutions(self.institutions_created),
        }


def _count(n: int, phrase: str) -> str:
    """A counted phrase ("%(count)s rows") with the number grouped like 10,000."""
    return phrase % {"count": f"{n:,}"}


def _profiles(n: int) -> str:
    return _count(n, ngettext("%(count)s profile", "%(count)s profiles", n))


def _institutions(n: int) -> str:
    return _count(n, ngettext("%(count)s institution", "%(count)s institutions", n))

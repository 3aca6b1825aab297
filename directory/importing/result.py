"""What an import reports: its counts and every problem, with line and column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ProgressCallback = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)`, e.g. `("Validating", 4000, 10000)`."""


@dataclass(frozen=True)
class ImportIssue:
    """One problem with the file: where it is (physical line, column) and why."""

    line: int  # 1 is the header; 0 is the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.line:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


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
        """One sentence for the end of the command's output and the admin's result page."""
        if self.errors:
            return (
                f"{_count(len(self.errors), 'error')} on {_count(self.rows_with_errors, 'line')}"
                f" ({_count(self.rows, 'data row')} read): nothing was imported."
            )
        if self.dry_run:
            return (
                f"Dry run of {_count(self.rows, 'row')}, nothing was written: the import would"
                f" create {_count(self.to_create, 'profile')}, update {self.to_update:,}"
                f" ({self.unchanged:,} unchanged) and create"
                f" {_count(len(self.institutions_to_create), 'institution')}."
            )
        return (
            f"Imported {_count(self.rows, 'row')}: created {_count(self.created, 'profile')},"
            f" updated {self.updated:,} ({self.unchanged:,} unchanged) and created"
            f" {_count(self.institutions_created, 'institution')}."
        )


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"

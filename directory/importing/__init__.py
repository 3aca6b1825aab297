"""Import researcher profiles from a CSV file, all or nothing.

The same code serves `manage.py import_researchers` and the admin's upload form,
so that both accept exactly the same files and report exactly the same errors.

The file
    UTF-8 (a byte-order mark is fine), a header row, then one researcher a row.
    Columns are those in `COLUMNS`, in any order; `given_name` and `family_name`
    are required, and so is one of `institution` and `country`, so that every
    profile has a country. List cells (topics, keywords, languages, open_to)
    separate their values with ";". Vocabulary matches ignore case, hyphens and
    spacing. An institution is matched by name or acronym; one not yet in the
    directory is created (as a university, in the row's country) for editors
    to check.

Matching
    A row updates the profile with the same ORCID iD, else the one with the same
    e-mail address (case-insensitive); otherwise it creates a profile. A person
    may appear only once in a file. A row without ORCID iD and e-mail cannot be
    matched, so importing it twice creates two profiles.

Updates
    The file is authoritative for the columns it has: an empty cell clears that
    field on an existing profile, and list cells replace the profile's topics,
    languages, keywords or open-to flags. A column the file does not have leaves
    the field alone, so a file of names, ORCID iDs, countries and topics only
    changes those. Affiliations, facilities, publications, photos and linked
    accounts are never touched. `website` is kept as the link labelled
    "Website"; other links stay. A title an editor customised (anything other
    than the old "given family") is kept; the slug, and hence the URL, never
    changes. Profiles the file leaves exactly as they are are not written or
    re-indexed at all, so re-importing a file is cheap and reports them as
    unchanged.

Drafts
    Like any automated import into Wagtail, this writes the live (published)
    fields. Wagtail's editor opens the live copy of a page that has no
    unpublished changes, so editors see the imported values. A profile with an
    unpublished draft keeps that draft untouched: the editor still opens the
    draft, and publishing it would overwrite the imported values. Each such
    profile is reported as a warning so someone can reconcile it.

All or nothing
    Every row is checked before anything is written, and a file with any error
    writes nothing and reports every error with its line, column and reason.
    The writes then happen in batches inside one transaction. New profiles go
    through `directory.bulk` (Wagtail's `add_child` would take ~34 ms a page),
    and search indexing runs once the transaction commits.

The package
    `reading` decodes the file and maps its header; `cleaning` has one small
    cleaner per column; `lookups` loads what rows are matched against, once;
    `matching` finds the profile a row updates; `updates` compares matched
    profiles with the file; `writing` writes in batches; `importer` runs the
    steps in order. Callers import from this module only.
"""

from __future__ import annotations

from directory.importing.cleaning import bio_to_html
from directory.importing.columns import COLUMNS, LIST_SEPARATOR, REQUIRED_COLUMNS, WEBSITE_LABEL
from directory.importing.importer import Importer, researchers_imported
from directory.importing.result import ImportIssue, ImportResult, PlannedProfile, ProgressCallback
from directory.importing.writing import WRITE_CHUNK
from directory.models import DirectoryIndexPage

__all__ = [
    "COLUMNS",
    "LIST_SEPARATOR",
    "REQUIRED_COLUMNS",
    "WEBSITE_LABEL",
    "WRITE_CHUNK",
    "ImportIssue",
    "ImportResult",
    "PlannedProfile",
    "ProgressCallback",
    "bio_to_html",
    "import_researchers",
    "researchers_imported",
]


def import_researchers(
    data: bytes | str,
    *,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    parent: DirectoryIndexPage | None = None,
) -> ImportResult:
    """Validate the CSV `data` and, unless `dry_run` or any row is invalid, import it.

    Never raises for a bad file: every problem is in the result's `errors`. The
    whole import is one transaction; profiles are created below `parent`, by
    default the site's directory page.
    """
    return Importer(dry_run=dry_run, progress=progress).run(data, parent)

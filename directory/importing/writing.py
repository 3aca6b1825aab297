"""Writing checked rows in batches, inside the import's transaction.

New profiles go through `directory.bulk` (Wagtail's `add_child` would take ~34 ms
a page); changed ones through `Updates.write`. Search indexing runs once the
transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from common.batching import batched
from directory.bulk import NewResearcher, bulk_create_researchers, index_researchers
from directory.importing.columns import WEBSITE_LABEL
from directory.importing.lookups import NewInstitution
from directory.importing.result import ImportResult, ProgressCallback
from directory.models import DirectoryIndexPage, Institution, ResearcherLink, ResearcherPage

if TYPE_CHECKING:
    from directory.importing.cleaning import Row
    from directory.importing.updates import Updates

# Rows written per call to the bulk helpers: large enough to keep the number of
# queries low, small enough to report progress and keep memory flat.
WRITE_CHUNK = 1000


class Writer:
    """Writes checked rows in batches; runs inside the import's transaction."""

    def __init__(self, progress: ProgressCallback, result: ImportResult) -> None:
        self.progress = progress
        self.result = result

    def write(
        self,
        creates: list[Row],
        updates: Updates,
        new_institutions: list[NewInstitution],
        parent: DirectoryIndexPage,
    ) -> None:
        for new in new_institutions:
            # One save each (there are few): it gives a unique slug and indexes it.
            new.instance = Institution(name=new.name, country=new.country)
            new.instance.save()
        self.result.institutions_created = len(new_institutions)

        changed = updates.changed
        total, done = len(creates) + len(changed), 0
        self.progress(_("Writing"), 0, total)
        for chunk in batched(creates, WRITE_CHUNK):
            self._create(chunk, parent)
            done += len(chunk)
            self.progress(_("Writing"), done, total)
        for chunk in batched(changed, WRITE_CHUNK):
            updates.write(chunk)
            done += len(chunk)
            self.progress(_("Writing"), done, total)
        self.result.created = len(creates)
        self.result.updated = len(changed)
        if changed:
            pks = [update.row.existing_pk for update in changed]
            transaction.on_commit(lambda: index_researchers(pks))

    def _create(self, rows: Sequence[Row], parent: DirectoryIndexPage) -> None:
        items = []
        for row in rows:
            institution = row.institution
            if isinstance(institution, NewInstitution):
                institution = institution.instance
            page = ResearcherPage(**row.values, institution=institution)
            items.append(
                NewResearcher(
                    page=page,
                    topic_ids=row.topic_ids or [],
                    language_codes=row.language_codes or [],
                    keywords=row.keywords or [],
                )
            )
        pages = bulk_create_researchers(items, parent=parent)
        self.result.created_pks.extend(page.pk for page in pages)
        ResearcherLink.objects.bulk_create(
            [
                ResearcherLink(page_id=page.pk, url=row.website, label=WEBSITE_LABEL, sort_order=0)
                for row, page in zip(rows, pages, strict=True)
                if row.website
            ]
        )


def update_rows(
    model: type[Model], fields: list[str], rows: Sequence[tuple[int, dict[str, Any]]]
) -> None:
    """Write `fields` of each `(pk, values)` row to `model`'s own table, one UPDATE a row.

    `QuerySet.bulk_update` builds a CASE expression over the whole batch for every
    field, which on SQLite (999 parameters a query) means batches of ~50 rows and
    over a minute for 10,000 profiles; a prepared UPDATE run with `executemany`
    takes about a second on SQLite and is pipelined by psycopg on PostgreSQL.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    named = [(name, meta.get_field(name)) for name in fields]  # attnames work too
    assignments = ", ".join(f"{quote(column.column)} = %s" for _, column in named)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = [
        [column.get_db_prep_save(values[name], connection) for name, column in named] + [pk]
        for pk, values in rows
    ]
    with connection.cursor() as cursor:
        for chunk in batched(params, 500):
            cursor.executemany(sql, chunk)

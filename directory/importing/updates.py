"""Updating matched profiles: compare each row with what is stored, write only what differs.

Re-importing a file mostly repeats what is already there; skipping unchanged
profiles keeps such an import fast and spares the search index, and lets a dry
run say how many profiles (and which) would really change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from wagtail.models import Page

from common.batching import batched
from directory.bulk import NewResearcher, set_relations
from directory.importing.cleaning import Row
from directory.importing.columns import WEBSITE_LABEL
from directory.importing.lookups import Lookups, NewInstitution
from directory.importing.result import ProgressCallback
from directory.importing.writing import WRITE_CHUNK, update_rows
from directory.models import ResearcherKeyword, ResearcherLink, ResearcherPage

# The institution of a row that names an institution the import has yet to create.
NEW_INSTITUTION = -1


@dataclass
class Update:
    """A matched profile: the field values and relations the file asks for, and what to do."""

    row: Row
    values: dict[str, Any]  # own fields and the page's titles, as they should be
    topic_ids: list[int]
    language_codes: list[str]
    affiliation_ids: list[int]
    keywords: list[str]
    fields_changed: bool = False
    relations_changed: set[str] = field(default_factory=set)  # of topics, languages, keywords
    link_create: ResearcherLink | None = None
    link_change: ResearcherLink | None = None
    link_delete: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.fields_changed
            or self.relations_changed
            or self.link_create
            or self.link_change
            or self.link_delete
        )


class Updates:
    """Compares matched rows with their profiles, then writes only what differs."""

    def __init__(self, lookups: Lookups, columns: dict[str, int]) -> None:
        self.lookups = lookups
        self.columns = columns
        self.relation_columns = {"topics", "languages", "keywords"} & columns.keys()
        self.all: list[Update] = []

    @property
    def changed(self) -> list[Update]:
        return [update for update in self.all if update.changed]

    def compare(self, rows: list[Row], progress: ProgressCallback) -> None:
        total = len(rows)
        for done, chunk in enumerate(batched(rows, WRITE_CHUNK)):
            self._compare(chunk)
            progress(_("Comparing"), min((done + 1) * WRITE_CHUNK, total), total)

    def _compare(self, rows: Sequence[Row]) -> None:
        pks = [row.existing_pk for row in rows]
        names = ["title", "draft_title", "country_code", "institution_id", "country"]
        names += [name for name in rows[0].values if name not in names]
        stored = {
            pk: dict(zip(names, values, strict=True))
            for pk, *values in ResearcherPage.objects.filter(pk__in=pks).values_list("pk", *names)
        }
        relations: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        if self.relation_columns:
            for name, through, column, owner in (
                ("topics", ResearcherPage.topics.through, "topic_id", "researcherpage_id"),
                ("languages", ResearcherPage.languages.through, "language_id", "researcherpage_id"),
                (
                    "affiliations",
                    ResearcherPage.affiliations.through,
                    "institution_id",
                    "researcherpage_id",
                ),
                ("keywords", ResearcherKeyword, "tag__name", "content_object_id"),
            ):
                query = through.objects.filter(**{f"{owner}__in": pks}).order_by("pk")
                for pk, value in query.values_list(owner, column):
                    relations[name][pk].append(value)
        links: dict[int, list[ResearcherLink]] = defaultdict(list)
        if "website" in self.columns:
            for link in ResearcherLink.objects.filter(page_id__in=pks).order_by("sort_order"):
                links[link.page_id].append(link)

        for row in rows:
            pk = row.existing_pk
            now = stored[pk]
            values = self._values(row, now)
            update = Update(
                row=row,
                values=values,
                topic_ids=_given(row.topic_ids, relations["topics"][pk]),
                language_codes=_given(row.language_codes, relations["languages"][pk]),
                affiliation_ids=relations["affiliations"][pk],
                keywords=_given(row.keywords, relations["keywords"][pk]),
                fields_changed=any(now[name] != value for name, value in values.items()),
                relations_changed={
                    name
                    for name, given in (
                        ("topics", row.topic_ids),
                        ("languages", row.language_codes),
                        ("keywords", row.keywords),
                    )
                    if given is not None and set(given) != set(relations[name][pk])
                },
            )
            if "website" in self.columns:
                self._plan_link(update, links[pk])
            self.all.append(update)

    def _values(self, row: Row, now: dict[str, Any]) -> dict[str, Any]:
        """The stored fields as the row would leave them (titles and country code included)."""
        values = dict(row.values)
        if "institution" in self.columns:
            institution = row.institution
            if isinstance(institution, NewInstitution):
                values["institution_id"] = NEW_INSTITUTION
            else:
                values["institution_id"] = institution.pk if institution else None
        institution_id = values.get("institution_id", now["institution_id"])
        # Keep a display name an editor chose; follow the name otherwise.
        old_name = self.lookups.existing[row.existing_pk].full_name
        new_name = f"{values['given_name']} {values['family_name']}".strip()
        values["title"] = new_name if now["title"] in ("", old_name) else now["title"]
        values["draft_title"] = (
            now["draft_title"]
            if self.lookups.existing[row.existing_pk].has_unpublished_changes
            else values["title"]
        )
        country = values.get("country", now["country"])
        if not country and institution_id == NEW_INSTITUTION:
            country = row.institution.country
        elif not country and institution_id:
            country = self.lookups.institutions[institution_id].country.code
        values["country_code"] = country or ""
        return values

    def _plan_link(self, update: Update, links: list[ResearcherLink]) -> None:
        """Keep the link labelled "Website" in step with the website column."""
        website = update.row.website
        labelled = [link for link in links if link.label == WEBSITE_LABEL]
        if not website:
            update.link_delete = [link.pk for link in labelled]
        elif any(link.url == website for link in links):
            return
        elif labelled:
            update.link_change = labelled[0]
            update.link_change.url = website
        else:
            order = max((link.sort_order or 0 for link in links), default=-1) + 1
            update.link_create = ResearcherLink(
                page_id=update.row.existing_pk, url=website, label=WEBSITE_LABEL, sort_order=order
            )

    def write(self, updates: Sequence[Update]) -> None:
        """Write a batch of changed profiles: own fields, titles, relations, links."""
        rows = []
        for update in updates:
            values = dict(update.values)
            if values.get("institution_id") == NEW_INSTITUTION:
                values["institution_id"] = update.row.institution.instance.pk
            rows.append((update.row.existing_pk, values))
        own = [name for name in updates[0].values if name not in ("title", "draft_title")]
        update_rows(ResearcherPage, own, rows)
        update_rows(Page, ["title", "draft_title"], rows)
        self._write_relations(updates)
        ResearcherLink.objects.filter(
            pk__in=[pk for update in updates for pk in update.link_delete]
        ).delete()
        ResearcherLink.objects.bulk_update(
            [update.link_change for update in updates if update.link_change], ["url"]
        )
        ResearcherLink.objects.bulk_create(
            [update.link_create for update in updates if update.link_create]
        )

    def _write_relations(self, updates: Sequence[Update]) -> None:
        """Rewrite only the relations that differ.

        Profiles whose keywords change go through `set_relations`, which also
        creates missing tags. For the others only the changed topic or language
        rows are replaced: rewriting unchanged keywords would delete and re-add
        tagged items, each deletion sending a signal that listeners act on.
        """
        with_keywords = [update for update in updates if "keywords" in update.relations_changed]
        if with_keywords:
            set_relations(
                [
                    NewResearcher(
                        page=_saved_page(update.row.existing_pk),
                        topic_ids=update.topic_ids,
                        language_codes=update.language_codes,
                        affiliation_ids=update.affiliation_ids,
                        keywords=update.keywords,
                    )
                    for update in with_keywords
                ],
                replace=True,
            )
        for name, column, attr in (
            ("topics", "topic_id", "topic_ids"),
            ("languages", "language_id", "language_codes"),
        ):
            changed = [
                update
                for update in updates
                if name in update.relations_changed and "keywords" not in update.relations_changed
            ]
            if not changed:
                continue
            through = getattr(ResearcherPage, name).through
            through.objects.filter(
                researcherpage_id__in=[update.row.existing_pk for update in changed]
            ).delete()
            through.objects.bulk_create(
                [
                    through(researcherpage_id=update.row.existing_pk, **{column: value})
                    for update in changed
                    for value in dict.fromkeys(getattr(update, attr))
                ],
                batch_size=500,
            )


def _saved_page(pk: int) -> ResearcherPage:
    """An unsaved stand-in for a stored profile, for helpers that only need its pk."""
    return ResearcherPage(id=pk, page_ptr_id=pk)


def _given(from_file: list | None, stored: list) -> list:
    """The file's values for a relation when it has that column, else what is stored."""
    return list(from_file) if from_file is not None else list(stored)

"""Create many researcher profiles at once.

Wagtail's `add_child` costs about 30 ms a page (tree locking, logging, one search
index write per save), which puts a 10,000-row import at five minutes. Imports,
demo data and benchmarks instead compute the tree paths themselves and insert
the page rows, profile rows and many-to-many rows in batches, then index the
new pages in bulk. The pages are published and valid Wagtail pages in every
respect; they simply have no revision until someone first edits them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale, Page

from common.batching import batched
from directory.models import DirectoryIndexPage, ResearcherPage

BATCH_SIZE = 500

logger = logging.getLogger(__name__)

# Sent after profiles were written without `save()`, so that search indexes
# (which normally follow post_save) can index them in one go. `pks` lists them.
researchers_bulk_saved = Signal()


@dataclass
class NewResearcher:
    """A profile to create: the page (unsaved) and the ids of its relations."""

    page: ResearcherPage
    topic_ids: Sequence[int] = field(default_factory=list)
    language_codes: Sequence[str] = field(default_factory=list)
    affiliation_ids: Sequence[int] = field(default_factory=list)
    keywords: Sequence[str] = field(default_factory=list)


def unique_slugs(base_slugs: Iterable[str], parent: Page) -> list[str]:
    """Slugs for new children of `parent`, unique among its existing children and each other."""
    taken = set(Page.objects.child_of(parent).values_list("slug", flat=True))
    result = []
    for base in base_slugs:
        base = base or "researcher"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        result.append(slug)
    return result


@transaction.atomic
def bulk_create_researchers(
    items: Sequence[NewResearcher], parent: DirectoryIndexPage | None = None
) -> list[ResearcherPage]:
    """Insert published profiles below `parent` (the directory) in batches."""
    if not items:
        return []
    parent = Page.objects.select_for_update().get(
        pk=(parent or DirectoryIndexPage.objects.get(locale=Locale.get_default())).pk
    )
    last_child = Page.objects.child_of(parent).order_by("-path").values_list("path", flat=True)
    last_step = Page._str2int(last_child[0][-Page.steplen :]) if last_child else 0
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(ResearcherPage)
    locale_id = parent.locale_id or Locale.get_default().pk
    pages = [item.page for item in items]
    base_slugs = [page.slug or slugify(f"{page.given_name} {page.family_name}") for page in pages]
    for offset, (page, slug) in enumerate(
        zip(pages, unique_slugs(base_slugs, parent), strict=True)
    ):
        page.slug = slug
        page.title = page.title or page.full_name
        page.draft_title = page.title
        page.depth = parent.depth + 1
        page.path = Page._get_path(parent.path, page.depth, last_step + offset + 1)
        page.numchild = 0
        page.url_path = f"{parent.url_path}{slug}/"
        page.content_type = content_type
        page.locale_id = locale_id
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = page.last_published_at = now
        page.latest_revision_created_at = None
        page.email = page.email.strip().lower()
        page.country_code = page.resolve_country_code()

    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    base_rows = [
        Page(**{f.attname: getattr(page, f.attname) for f in page_fields}) for page in pages
    ]
    Page.objects.bulk_create(base_rows, batch_size=BATCH_SIZE)
    for page, row in zip(pages, base_rows, strict=True):
        page.id = page.page_ptr_id = row.pk
        page.translation_key = row.translation_key
        page._state.adding = False

    own_fields = ResearcherPage._meta.local_concrete_fields
    ResearcherPage.objects.all()._batched_insert(pages, own_fields, batch_size=BATCH_SIZE)

    set_relations(items)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(pages))
    transaction.on_commit(lambda: index_researchers([page.pk for page in pages]))
    return pages


def set_relations(items: Sequence[NewResearcher], replace: bool = False) -> None:
    """Write topics, languages, affiliations and keywords for saved profiles in batches."""
    from taggit.models import Tag

    from directory.models import ResearcherKeyword

    pks = [item.page.pk for item in items]
    relations = [
        ("topics", "topic_id", "topic_ids"),
        ("languages", "language_id", "language_codes"),
        ("affiliations", "institution_id", "affiliation_ids"),
    ]
    for name, column, attr in relations:
        through = getattr(ResearcherPage, name).through
        if replace:
            through.objects.filter(researcherpage_id__in=pks).delete()
        rows = [
            through(researcherpage_id=item.page.pk, **{column: value})
            for item in items
            for value in dict.fromkeys(getattr(item, attr))
        ]
        through.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    if replace:
        ResearcherKeyword.objects.filter(content_object_id__in=pks).delete()
    names = {name for item in items for name in item.keywords}
    if not names:
        return
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    for name in sorted(names - tags.keys()):
        # Saved one by one: "litio" and "lítio" share a slug, and the second must see the first.
        tag = Tag(name=name, slug=_unique_tag_slug(name))
        tag.save()
        tags[name] = tag
    ResearcherKeyword.objects.bulk_create(
        [
            ResearcherKeyword(content_object_id=item.page.pk, tag=tags[name])
            for item in items
            for name in dict.fromkeys(item.keywords)
        ],
        batch_size=BATCH_SIZE,
    )


def _unique_tag_slug(name: str) -> str:
    from taggit.models import Tag

    base = slugify(name) or "keyword"
    slug, n = base, 2
    while Tag.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def index_researchers(pks: Sequence[int]) -> None:
    """Bring Wagtail's search index, and any listener, up to date with bulk-written profiles.

    Wagtail's index is updated by `directory.tasks.update_wagtail_index_task`, in
    chunks: inline with the immediate task backend, by the worker otherwise.
    """
    from directory.tasks import update_wagtail_index_task

    pks = list(pks)
    for chunk in batched(pks, BATCH_SIZE * 2):
        try:
            update_wagtail_index_task.enqueue(chunk)
        except Exception:  # a broken queue must not undo an import; `update_index` repairs
            logger.exception("Could not enqueue Wagtail indexing of %d researchers", len(chunk))
    researchers_bulk_saved.send(sender=ResearcherPage, pks=pks)

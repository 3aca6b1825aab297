"""Writing fictional researchers to the database in batches, through `directory.bulk`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from common.batching import batched
from directory.choices import OPEN_TO_FIELDS

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from wagtail.images.models import AbstractImage

    from directory.models import DirectoryIndexPage, Institution

from directory.fictional.generator import generate_researchers
from directory.fictional.vocabulary import ProgressCallback, Record

# --------------------------------------------------------------------------------------
# Writing to the database
# --------------------------------------------------------------------------------------


def ensure_institutions(
    specs: Iterable[Record], cache: dict[str, Institution] | None = None
) -> dict[str, Institution]:
    """Institutions for `specs` by name, creating the missing ones with one bulk insert.

    `Institution.save()` looks up a unique slug with a query per row; here the slugs are
    computed against one read of the existing ones. The new rows are indexed for search
    in one call, as `save()` would have done one by one.
    """
    from django.utils.text import slugify
    from wagtail.search.backends import get_search_backends

    from directory.models import Institution

    cache = {} if cache is None else cache
    wanted = {spec["name"]: spec for spec in specs if spec["name"] not in cache}
    if not wanted:
        return cache
    for institution in Institution.objects.filter(name__in=wanted):
        cache[institution.name] = institution
    missing = [spec for name, spec in wanted.items() if name not in cache]
    if missing:
        taken = set(Institution.objects.values_list("slug", flat=True))
        new = []
        for spec in missing:
            base = slugify(spec["name"])[:100] or "institution"
            slug, k = base, 2
            while slug in taken:
                slug, k = f"{base}-{k}", k + 1
            taken.add(slug)
            fields = {key: spec[key] for key in ("name", "acronym", "kind", "country", "city")}
            new.append(Institution(slug=slug, website=spec["website"], **fields))
        Institution.objects.bulk_create(new)
        if any(obj.pk is None for obj in new):  # backends without RETURNING
            new = list(Institution.objects.filter(name__in=[spec["name"] for spec in missing]))
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(Institution, new)
        cache.update((obj.name, obj) for obj in new)
    return cache


def ensure_tags(names: Iterable[str]) -> None:
    """Create the keyword tags among `names` that do not exist yet, in one insert.

    Slugs are made unique against the database and against each other: "litio" and
    "lítio" both slugify to "litio", which `directory.bulk.set_relations` (it checks
    the database only) would otherwise turn into an IntegrityError.
    """
    from django.utils.text import slugify
    from taggit.models import Tag

    wanted = set(names) - set(
        Tag.objects.filter(name__in=set(names)).values_list("name", flat=True)
    )
    if not wanted:
        return
    bases = {name: slugify(name) or "keyword" for name in sorted(wanted)}
    taken = set(Tag.objects.values_list("slug", flat=True))  # a few hundred rows
    new = []
    for name, base in bases.items():
        slug, k = base, 2
        while slug in taken:
            slug, k = f"{base}-{k}", k + 1
        taken.add(slug)
        new.append(Tag(name=name, slug=slug))
    Tag.objects.bulk_create(new)


def write_researchers(
    records: Iterable[Record],
    *,
    total: int = 0,
    batch_size: int = 1000,
    progress: ProgressCallback | None = None,
    parent: DirectoryIndexPage | None = None,
    owner: AbstractBaseUser | None = None,
    photo_for: Callable[[Record], AbstractImage | None] | None = None,
) -> int:
    """Write generated records as published profiles, one transaction per batch.

    Institutions come first (bulk), then pages, profiles and relations through
    `directory.bulk.bulk_create_researchers`, then publications and links with one
    bulk insert each. `owner` becomes the pages' owner (the demo data uses it as its
    marker); `photo_for` picks a profile photo per record. Returns the number written.
    """
    from django.db import transaction
    from wagtail.models import Locale

    from directory.bulk import BATCH_SIZE, NewResearcher, bulk_create_researchers
    from directory.models import (
        DirectoryIndexPage,
        Language,
        ResearcherLink,
        ResearcherPage,
        ResearcherPublication,
        Topic,
    )

    parent = parent or DirectoryIndexPage.objects.get(locale=Locale.get_default())
    topic_ids = dict(Topic.objects.values_list("slug", "pk"))
    language_codes = set(Language.objects.values_list("code", flat=True))
    institutions: dict[str, Institution] = {}
    written = 0
    for batch in batched(records, batch_size):
        with transaction.atomic():
            ensure_institutions(
                (spec for r in batch for spec in (r["institution"], *r["affiliations"])),
                institutions,
            )
            ensure_tags({keyword for r in batch for keyword in r["keywords"]})
            items = []
            for r in batch:
                open_to = set(r["open_to"])
                page = ResearcherPage(
                    given_name=r["given_name"],
                    family_name=r["family_name"],
                    title=f"{r['given_name']} {r['family_name']}",
                    email=r["email"],
                    job_title=r["job_title"],
                    institution=institutions[r["institution"]["name"]],
                    career_stage=r["career_stage"],
                    biography=r["biography"],
                    bio_language=r["bio_language"],
                    bio_es=r["bio_es"],
                    bio_pt=r["bio_pt"],
                    preferred_language=r["preferred_language"],
                    orcid=r["orcid"],
                    owner=owner,
                    photo=photo_for(r) if photo_for else None,
                    **{field: value in open_to for value, field in OPEN_TO_FIELDS.items()},
                )
                items.append(
                    NewResearcher(
                        page=page,
                        topic_ids=[topic_ids[s] for s in r["topics"] if s in topic_ids],
                        language_codes=[c for c in r["languages"] if c in language_codes],
                        affiliation_ids=[institutions[a["name"]].pk for a in r["affiliations"]],
                        keywords=r["keywords"],
                    )
                )
            pages = bulk_create_researchers(items, parent)
            ResearcherPublication.objects.bulk_create(
                [
                    ResearcherPublication(page_id=page.pk, sort_order=position, **publication)
                    for page, r in zip(pages, batch, strict=True)
                    for position, publication in enumerate(r["publications"])
                ],
                batch_size=BATCH_SIZE,
            )
            ResearcherLink.objects.bulk_create(
                [
                    ResearcherLink(page_id=page.pk, sort_order=position, **link)
                    for page, r in zip(pages, batch, strict=True)
                    for position, link in enumerate(r["links"])
                ],
                batch_size=BATCH_SIZE,
            )
        written += len(pages)
        if progress:
            progress(written, total)
    return written


def create_researchers(
    n: int,
    seed: int = 0,
    batch_size: int = 1000,
    progress: ProgressCallback | None = None,
    *,
    wagtail_index: bool = False,
) -> int:
    """Generate `n` researchers for `seed` and write them below the directory page.

    `progress(done, total)` is called after each committed batch. Returns the number of
    profiles created. Benchmarks call this with 10,000 and 100,000.

    The directory search indexes every batch as usual (through
    `researchers_bulk_saved`). Wagtail's own search index, which only the admin's page
    search reads, is skipped unless `wagtail_index`: on PostgreSQL Wagtail's database
    backend spends ~6 ms a profile building `tsvector` SQL in Python, which is most of
    the time of a 100,000-profile run. `manage.py update_index` builds it later.
    """
    with contextlib.ExitStack() as stack:
        if not wagtail_index:
            stack.enter_context(_wagtail_search_auto_update_off())
        return write_researchers(
            generate_researchers(n, seed), total=n, batch_size=batch_size, progress=progress
        )


def _wagtail_search_auto_update_off() -> contextlib.AbstractContextManager:
    """Settings under which Wagtail's search backends ignore saves (AUTO_UPDATE False)."""
    from django.conf import settings
    from django.test.utils import override_settings

    backends = getattr(settings, "WAGTAILSEARCH_BACKENDS", None) or {
        "default": {"BACKEND": "wagtail.search.backends.database"}
    }
    return override_settings(
        WAGTAILSEARCH_BACKENDS={
            name: {**config, "AUTO_UPDATE": False} for name, config in backends.items()
        }
    )

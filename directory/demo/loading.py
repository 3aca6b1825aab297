"""Fictional demo data for development, review and screenshots.

`make run` loads it on every start, so loading is idempotent: the demo pages are
owned by a dedicated, inactive "demo-data" user, which is the marker that tells
demo data from real data. If pages owned by that user exist, loading does nothing;
`flush_demo_data` removes exactly what loading created (and anything else still
owned by that user), and leaves institutions and keywords alone while real
profiles use them.

Profiles come from `directory.fictional`, the same generator the search benchmarks use,
and are written through `directory.bulk`, so 300 profiles take a couple of seconds
instead of the ~10 s that 300 `add_child` calls would. News items go through the
normal Wagtail route (`add_child`, then a published revision) because there are
only a handful and they should look exactly like editor-made pages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Collection, Page

from common.demo import demo_data_loaded
from directory.demo.content import FACILITIES, NEWS
from directory.demo.images import avatar_png, banner_png, initials, save_images
from directory.demo.translations import translate_taxonomy
from directory.models import (
    Facility,
    Institution,
    ResearcherKeyword,
    ResearcherPage,
    ResearcherPublication,
    Topic,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from wagtail.query import PageQuerySet

DEMO_USERNAME = "demo-data"
DEMO_COLLECTION = "Demo data"
DEFAULT_RESEARCHERS = 300
DEFAULT_SEED = 0

Log = Callable[[str], None]
#: `progress(stage, done, total)`, as `common.progress.ProgressBar` takes it.
Progress = Callable[[str, int, int], None]


@dataclass
class DemoResult:
    """What a load did, for the command's summary and for tests."""

    loaded: bool
    message: str
    researchers: int = 0
    institutions: int = 0
    facilities: int = 0
    news: int = 0
    images: int = 0
    translated: int = 0  # topics and languages given Spanish and Portuguese names
    seconds: float = 0.0


def _quiet(message: str) -> None:
    pass


def demo_user() -> AbstractBaseUser | None:
    """The inactive user that owns every demo page (the demo-data marker), or None."""
    return get_user_model().objects.filter(username=DEMO_USERNAME).first()


def demo_pages() -> PageQuerySet:
    """Every page owned by the demo user: researcher profiles and news items."""
    user = demo_user()
    return Page.objects.filter(owner=user) if user else Page.objects.none()


def demo_data_present() -> bool:
    """Whether demo pages exist, whatever the site setting says."""
    return demo_pages().exists()


def _get_or_create_demo_user() -> AbstractBaseUser:
    user_model = get_user_model()
    user = demo_user()
    if user is None:
        user = user_model(username=DEMO_USERNAME, is_active=False)
        if hasattr(user, "first_name"):
            user.first_name, user.last_name = "Demo", "data"
        user.set_unusable_password()
        user.save()
    return user


def _demo_collection(create: bool = False) -> Collection | None:
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=DEMO_COLLECTION).first()
    if collection is None and create:
        collection = root.add_child(name=DEMO_COLLECTION)
    return collection


# --------------------------------------------------------------------------------------
# Loading and removing
# --------------------------------------------------------------------------------------


def load_demo_data(
    researchers: int = DEFAULT_RESEARCHERS,
    seed: int = DEFAULT_SEED,
    *,
    force: bool = False,
    log: Log = _quiet,
    progress: Progress | None = None,
) -> DemoResult:
    """Load demo profiles, institutions, facilities, news and avatars, once.

    `progress(stage, done, total)` follows the profiles as they are written (the
    command passes its `common.progress.ProgressBar`).

    Does nothing if demo data is already there, and refuses (unless `force`) when the
    directory holds real profiles, so fictional people never mix into a real site
    by accident. Sets the site-wide demo notice.
    """
    from directory.fictional import INSTITUTIONS, ensure_institutions, generate_researchers
    from directory.fictional import write_researchers as write
    from editorial.models import NewsIndexPage
    from website.models import SiteSettings

    started = time.perf_counter()
    if demo_data_present():
        return DemoResult(
            loaded=False,
            message=_("Demo data already loaded (run `load_demo_data --flush` to remove it)."),
        )
    real = ResearcherPage.objects.exclude(owner__username=DEMO_USERNAME).count()
    if real and not force:
        return DemoResult(
            loaded=False,
            message=_(
                "Not loading demo data: the directory already has %(count)s real "
                "profile(s). Use --force to add fictional profiles anyway."
            )
            % {"count": real},
        )

    with transaction.atomic():
        user = _get_or_create_demo_user()
        collection = _demo_collection(create=True)

        # Before the profiles, so that they are indexed with the translated names.
        log(_("Naming topics and languages in Spanish and Portuguese…"))
        translated = translate_taxonomy()

        log(
            _("Generating %(count)s fictional researchers (seed %(seed)s)…")
            % {"count": researchers, "seed": seed}
        )
        records = list(generate_researchers(researchers, seed))

        letters = sorted({initials(r["given_name"], r["family_name"]) for r in records})
        log(_("Drawing %(count)s avatars and 4 news banners…") % {"count": len(letters)})
        avatars = save_images(
            collection, {key: (f"Demo avatar {key}", avatar_png(key)) for key in letters}
        )
        banners = save_images(
            collection, {i: (f"Demo news banner {i + 1}", banner_png(i)) for i in range(4)}
        )

        log(_("Writing institutions and profiles…"))
        specs = {spec["name"]: spec for spec in INSTITUTIONS}
        institutions = ensure_institutions(
            [specs[host] for host, *_ in FACILITIES]
            + [spec for r in records for spec in (r["institution"], *r["affiliations"])]
        )
        step = max(1, researchers // 5)

        written = write(
            records,
            total=researchers,
            batch_size=step,
            progress=(lambda done, total: progress("Profiles", done, total)) if progress else None,
            owner=user,
            photo_for=lambda r: avatars[initials(r["given_name"], r["family_name"])],
        )

        log(_("Adding %(count)s facilities…") % {"count": len(FACILITIES)})
        facilities = _create_facilities(institutions, user)

        log(_("Publishing %(count)s news items…") % {"count": len(NEWS)})
        news = _publish_news(NewsIndexPage.objects.get(), user, banners)
        # Other apps add theirs (editorial: opportunities, events, translated news).
        demo_data_loaded.send(sender=load_demo_data, user=user, log=log)

        settings = SiteSettings.load()
        settings.demo_data_loaded = True
        settings.save()

    seconds = time.perf_counter() - started
    return DemoResult(
        loaded=True,
        message=_(
            "Loaded demo data: %(researchers)s researchers at %(institutions)s institutions, "
            "%(facilities)s facilities, %(news)s news items and %(images)s images in "
            "%(seconds)s s."
        )
        % {
            "researchers": written,
            "institutions": len(institutions),
            "facilities": facilities,
            "news": news,
            "images": len(avatars) + len(banners),
            "seconds": f"{seconds:.1f}",
        },
        researchers=written,
        institutions=len(institutions),
        facilities=facilities,
        news=news,
        images=len(avatars) + len(banners),
        translated=translated,
        seconds=seconds,
    )


def _create_facilities(institutions: dict[str, Institution], user) -> int:
    """The demo facilities, each with a few demo researchers who use it."""
    through = ResearcherPage.facilities.through
    rows = []
    for host, name, techniques, access, description in FACILITIES:
        institution = institutions[host]
        facility = Facility.objects.filter(institution=institution, name=name).first()
        if facility is None:
            facility = Facility(
                institution=institution,
                name=name,
                techniques=techniques,
                access=access,
                description=description,
                website=f"{institution.website.rstrip('/')}/facilities/{slugify(name)}/",
            )
            facility.save()
        users = ResearcherPage.objects.filter(owner=user, institution=institution)
        rows += [
            through(researcherpage_id=pk, facility_id=facility.pk)
            for pk in users.order_by("pk").values_list("pk", flat=True)[:4]
        ]
    through.objects.bulk_create(rows, ignore_conflicts=True)
    return len(FACILITIES)


def _publish_news(news_index: Page, user, banners: dict) -> int:
    """News items through the ordinary Wagtail route: add_child, then publish a revision."""
    from editorial.models import NewsPage

    topics = {topic.slug: topic for topic in Topic.objects.all()}
    today = timezone.localdate()
    taken = set(Page.objects.child_of(news_index).values_list("slug", flat=True))
    for days_ago, title, summary, paragraphs, topic_slugs, banner in NEWS:
        slug, n = slugify(title)[:80], 2
        while slug in taken:
            slug, n = f"{slugify(title)[:80]}-{n}", n + 1
        taken.add(slug)
        page = NewsPage(
            title=title,
            slug=slug,
            date=today - timedelta(days=days_ago),
            summary=summary,
            body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
            image=banners[banner],
            owner=user,
        )
        page.topics = [topics[t] for t in topic_slugs if t in topics]
        news_index.add_child(instance=page)
        revision = page.save_revision(user=user, log_action=False)
        revision.publish(user=user, log_action=False, skip_permission_checks=True)
    return len(NEWS)


def flush_demo_data(*, log: Log = _quiet) -> dict[str, int]:
    """Remove the demo data and switch the notice off; real data is left untouched.

    Pages owned by the demo user go (with their revisions, publications, links and
    keyword links); then demo images, demo facilities, and the fictional institutions
    and vocabulary keywords that nothing else uses any more.
    """
    from taggit.models import Tag
    from wagtail.images import get_image_model

    from directory.fictional import INSTITUTION_NAMES, KEYWORDS
    from website.models import SiteSettings

    removed: dict[str, int] = {}
    with transaction.atomic():
        user = demo_user()
        pages = demo_pages()
        removed["pages"] = pages.count()
        log(_("Removing %(count)s demo pages…") % {"count": removed["pages"]})
        # Publications and keyword links go in one statement each, without per-row
        # signals: the search index follows them one by one and would re-index every
        # profile once per row just before removing it (~2,000 times for 300 profiles).
        for model, column in (
            (ResearcherPublication, "page"),
            (ResearcherKeyword, "content_object"),
        ):
            rows = model._base_manager.filter(**{f"{column}__in": pages.values("pk")})
            rows._raw_delete(rows.db)
        # Likewise Wagtail unpublishes each live page before deleting it, and the search
        # index re-indexes on every unpublish; these pages go in this transaction anyway.
        pages.update(live=False)
        pages.delete()  # treebeard's delete keeps the parents' numchild right

        collection = _demo_collection()
        removed["images"] = 0
        if collection is not None:
            images = get_image_model().objects.filter(collection=collection)
            removed["images"] = images.count()
            images.delete()
            collection.delete()

        facilities = Facility.objects.filter(
            institution__name__in=INSTITUTION_NAMES, name__in=[f[1] for f in FACILITIES]
        )
        removed["facilities"] = facilities.delete()[1].get(Facility._meta.label, 0)

        used = (
            set(ResearcherPage.objects.values_list("institution_id", flat=True))
            | set(
                ResearcherPage.affiliations.through.objects.values_list("institution_id", flat=True)
            )
            | set(Facility.objects.values_list("institution_id", flat=True))
        )
        institutions = Institution.objects.filter(name__in=INSTITUTION_NAMES).exclude(pk__in=used)
        removed["institutions"] = institutions.delete()[1].get(Institution._meta.label, 0)

        removed["keywords"] = _delete_unused_tags(Tag.objects.filter(name__in=KEYWORDS))

        if user is not None:
            user.delete()
        settings = SiteSettings.load()
        if settings.demo_data_loaded:
            settings.demo_data_loaded = False
            settings.save()
    return removed


def _delete_unused_tags(tags) -> int:
    """Delete the tags in `tags` that no tagged item of any model refers to."""
    used: set[int] = set()
    for relation in tags.model._meta.related_objects:
        if relation.one_to_many:  # the tagged-item tables; TaggableManagers go through them
            column = relation.field.name
            used |= set(
                relation.related_model._base_manager.filter(**{f"{column}__in": tags})
                .values_list(f"{column}_id", flat=True)
                .distinct()
            )
    return tags.exclude(pk__in=used).delete()[0]


def count_by_country() -> dict[str, int]:
    """Demo profiles per country code: what the command prints and the tests check."""
    from django.db.models import Count

    qs = ResearcherPage.objects.filter(owner__username=DEMO_USERNAME)
    return dict(
        qs.values("country_code")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("country_code", "n")
    )

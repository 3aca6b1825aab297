"""What makes cached public pages stale, wired to the page cache and the CDN purge.

The apps know nothing of caching; website/ wires their signals here (connected in
WebsiteConfig.ready). Every receiver forgets all cached pages at once
(`common.page_cache.content_changed`); the CDN is purged page by page when one page
changes and wholesale when something shown on many pages does. docs/caching.md.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import translation
from django_tasks import task
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from common import frontend_cache
from common.demo import demo_data_loaded
from common.page_cache import content_changed
from common.signals import bulk_content_changed

logger = logging.getLogger(__name__)


def _listing_urls() -> list[str]:
    """Public pages that are not Wagtail pages: the topic, institution and facility views."""
    from directory.models import Facility, Institution, Topic

    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        paths = [reverse("directory:topics"), reverse("directory:facilities")]
        paths += [reverse("directory:topic", args=[slug]) for slug in _slugs(Topic)]
        paths += [reverse("directory:institution", args=[slug]) for slug in _slugs(Institution)]
        paths += [reverse("directory:facility", args=[slug]) for slug in _slugs(Facility)]
    return [base + path for path in paths]


def _slugs(model: Any) -> list[str]:
    return [slug for slug in model.objects.values_list("slug", flat=True) if slug]


@task()
def purge_everything_task() -> None:
    frontend_cache.purge_everything()
    frontend_cache.purge_urls(_listing_urls())


def everything_changed() -> None:
    """Something shown on many pages changed: every cached page, every CDN copy."""
    content_changed()
    if frontend_cache.is_configured():
        try:
            purge_everything_task.enqueue()
        except Exception:
            logger.exception("Could not enqueue the front-end cache purge")


def page_changed(sender: Any, instance: Page, **kwargs: Any) -> None:
    """A page was published, unpublished or moved (a profile edit is a publish too).

    Its own URL and its parent's are purged from the CDN in every language; the
    listings elsewhere that show it (topics, institutions, search) expire with the
    CDN's own lifetime (docs/caching.md).
    """
    content_changed()
    frontend_cache.purge_pages([instance])


def page_moved(sender: Any, instance: Page, url_path_before: str = "", **kwargs: Any) -> None:
    content_changed()
    if frontend_cache.is_configured():
        frontend_cache.purge_pages([instance])
        site_root = instance.get_site()
        if site_root and url_path_before:
            old = url_path_before[len(site_root.root_page.url_path) - 1 :]
            frontend_cache.purge_urls([site_root.root_url.rstrip("/") + old])


def model_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Page):
        # A deleted page: its row goes for each class of its inheritance chain, so
        # this runs more than once; forgetting the cache twice costs nothing.
        content_changed()
        if kwargs.get("signal") is post_delete and frontend_cache.is_configured():
            frontend_cache.purge_urls([url for url in [instance.full_url] if url])
        return
    everything_changed()


def dispatch_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A newsletter issue becomes public when its dispatch has been sent."""
    from newsletter.issues.models import DispatchState

    if instance.state == DispatchState.SENT:
        everything_changed()


def bulk_changed(sender: Any, **kwargs: Any) -> None:
    """An import (or other bulk write) changed profiles without page signals."""
    everything_changed()


def demo_loaded(sender: Any, **kwargs: Any) -> None:
    everything_changed()


def connect() -> None:
    from directory.models import Facility, Institution, Language, Topic
    from directory.models.taxonomy import VocabularyLabel
    from newsletter.issues.models import Dispatch

    page_published.connect(page_changed, dispatch_uid="page-cache-published")
    page_unpublished.connect(page_changed, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(page_moved, dispatch_uid="page-cache-moved")
    post_delete.connect(_page_deleted, dispatch_uid="page-cache-page-deleted")
    for model in (Topic, Institution, Language, VocabularyLabel, Facility):
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                model_changed, sender=model, dispatch_uid=f"page-cache-{name}-{model.__name__}"
            )
    post_save.connect(_setting_saved, dispatch_uid="page-cache-settings")
    post_save.connect(dispatch_saved, sender=Dispatch, dispatch_uid="page-cache-dispatch")
    bulk_content_changed.connect(bulk_changed, dispatch_uid="page-cache-bulk")
    # After the apps' own receivers have added their demo content.
    demo_data_loaded.connect(demo_loaded, dispatch_uid="page-cache-demo")


def _page_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Page):
        model_changed(sender, instance, **kwargs)


def _setting_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """Site settings (the demo notice) show on every page.

    Not when one is created: Wagtail creates a setting with its defaults the first time
    a page reads it, and the page already showed those defaults.
    """
    if isinstance(instance, BaseSiteSetting | BaseGenericSetting) and not created:
        everything_changed()

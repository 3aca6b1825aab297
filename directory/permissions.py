"""A researcher edits their own profile, and no other.

Each linked account gets a personal group holding Wagtail's "change" permission on
exactly one page, their profile (the pattern the RCA site uses). Without publish
permission their edits go through moderation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from wagtail.models import GroupPagePermission, Page
from wagtail.query import PageQuerySet

PROFILE_GROUP_PREFIX = "Profile editor: "


def profile_group_name(user) -> str:
    return f"{PROFILE_GROUP_PREFIX}{user.get_username()}"


def grant_profile_access(page) -> None:
    """Give `page.user` edit rights on `page` only, replacing any earlier grant."""
    user = page.user
    if user is None:
        return
    group, _ = Group.objects.get_or_create(name=profile_group_name(user))
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    change_page = Permission.objects.get(
        content_type__app_label="wagtailcore", codename="change_page"
    )
    GroupPagePermission.objects.filter(group=group).exclude(page=page).delete()
    GroupPagePermission.objects.get_or_create(group=group, page=page, permission=change_page)
    user.groups.add(group)


def revoke_profile_access(user) -> None:
    Group.objects.filter(name=profile_group_name(user)).delete()


# --- What a researcher's account sees of other pages in the admin ---------------------------
#
# Wagtail shows every admin user the titles of all pages, drafts included, in the page
# chooser (used by rich-text links) and in the page-types report ("last edited page").
# An account whose only page rights are on its own profile sees, there, only what the
# public site shows, plus its own profile.

#: Admin views (URL names) that list page titles whatever their state, with no hook to
#: filter them: refused to such accounts.
VIEWS_REFUSED_TO_PROFILE_EDITORS = frozenset(
    {"wagtailadmin_reports:page_types_usage", "wagtailadmin_reports:page_types_usage_results"}
)
PAGE_CHOOSER_CHILD_VIEW = "wagtailadmin_choose_page_child"


def sees_only_public_pages(user) -> bool:
    """True for an account with no page permission beyond its own profile (a researcher).

    Superusers and anyone granted rights on other pages (editors, moderators) see all.
    Cached on the user object for the request.
    """
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return False
    cached = getattr(user, "_sees_only_public_pages", None)
    if cached is None:
        cached = not (
            GroupPagePermission.objects.filter(group__user=user)
            .exclude(group__name=profile_group_name(user))
            .exists()
        )
        user._sees_only_public_pages = cached
    return cached


def public_or_own_pages(pages: PageQuerySet, user) -> PageQuerySet:
    """`pages` narrowed to what the public site shows (live, not private, no pending
    new title) and the user's own profile."""
    from directory.models import ResearcherPage

    public = Page.objects.live().public().filter(draft_title=F("title")).values("pk")
    own = ResearcherPage.objects.filter(user=user).values("pk")
    return pages.filter(Q(pk__in=public) | Q(pk__in=own) | Q(depth=1))


def guard_admin_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wraps every Wagtail admin view (`website/urls.py`); acts only on the views above."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in VIEWS_REFUSED_TO_PROFILE_EDITORS and sees_only_public_pages(request.user):
            raise PermissionDenied
        if name == PAGE_CHOOSER_CHILD_VIEW and sees_only_public_pages(request.user):
            parent = Page.objects.filter(pk=kwargs.get("parent_page_id"))
            if not public_or_own_pages(parent, request.user).exists():
                raise Http404
        return view(request, *args, **kwargs)

    return guarded

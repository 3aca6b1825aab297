"""A researcher edits their own profile, and no other.

Each linked account gets a personal group holding Wagtail's "change" permission on
exactly one page, their profile (the pattern the RCA site uses). Without publish
permission their edits go through moderation.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

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

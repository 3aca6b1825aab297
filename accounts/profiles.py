"""A researcher's own new profile: a draft under the directory, sent for approval."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Locale

from accounts import consent
from accounts.models import ConsentSource
from accounts.workflow import profile_workflow
from directory.bulk import unique_slugs
from directory.models import DirectoryIndexPage, ResearcherPage


def directory_index() -> DirectoryIndexPage | None:
    """The directory page of the default locale, where every profile lives."""
    index = DirectoryIndexPage.objects.filter(locale=Locale.get_default()).first()
    return index or DirectoryIndexPage.objects.first()


@transaction.atomic
def create_profile(user, data: dict) -> ResearcherPage:
    """Create the user's profile as a draft and submit it to "Profile approval"."""
    index = directory_index()
    if index is None:
        raise RuntimeError("The site has no directory page.")
    given, family = data["given_name"].strip(), data["family_name"].strip()
    title = f"{given} {family}"
    page = ResearcherPage(
        title=title,
        slug=unique_slugs([slugify(title)], index)[0],
        given_name=given,
        family_name=family,
        institution=data.get("institution"),
        career_stage=data.get("career_stage") or "",
        email=user.email,
        user=user,
        owner=user,
        live=False,
    )
    index.add_child(instance=page)
    page.topics.set(data.get("topics") or [])
    page.save_revision(user=user, log_action=True)
    workflow = profile_workflow(index)
    page.refresh_from_db()
    workflow.start(page, user)
    consent.record(page, ConsentSource.SELF_CREATED, user=user)
    return page


def profile_state(page: ResearcherPage | None) -> str:
    """none, live, in_moderation or draft: what the account page tells the researcher."""
    if page is None:
        return "none"
    if page.live:
        return "live"
    if page.workflow_in_progress:
        return "in_moderation"
    return "draft"

"""How a researcher's own edit reaches the site: a Wagtail revision by them.

A published profile is republished at once (researchers own their profiles; editors
see each version in the page's history and can roll back). A profile in a
moderation workflow, or never published, only gets a new revision: the moderators
decide, as for any contributor's draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wagtail.models import Revision

from directory.models import ResearcherPage, ResearcherPublication

if TYPE_CHECKING:
    from directory.self_service.orcid import Work


def editable_version(page: ResearcherPage) -> ResearcherPage:
    """The newest version of the profile: the latest draft when there is one."""
    if page.has_unpublished_changes:
        return page.get_latest_revision_as_object()
    return page


def save_own_edit(page: ResearcherPage, user: Any) -> tuple[Revision, bool]:
    """Save `page` (changed in memory) as a revision by `user`; publish when it may.

    Returns the revision and whether it was published.
    """
    revision = page.save_revision(user=user, log_action=True)
    if page.live and not page.workflow_in_progress:
        # The view has checked that this is their own profile; they need no admin rights.
        revision.publish(user=user, skip_permission_checks=True)
        return revision, True
    return revision, False


def add_works(page: ResearcherPage, works: list[Work], user: Any) -> tuple[Revision, bool]:
    """Add ORCID `works` to the profile's publications, as an edit by `user`."""
    page.publications = list(page.publications.all()) + [
        ResearcherPublication(title=w.title, year=w.year, venue=w.venue, doi=w.doi, kind=w.kind)
        for w in works
    ]
    return save_own_edit(page, user)

"""Inviting the researchers of existing profiles to claim them.

Never twice to the same profile within ACCOUNTS_INVITATION_INTERVAL_DAYS (every
invitation is recorded), never to a profile that has an account or no address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts import claims, emails
from accounts.models import Invitation
from directory.models import ResearcherPage


@dataclass
class InvitationReport:
    sent: int = 0
    recently_invited: int = 0
    not_invitable: int = 0  # has an account, or no address


def recently_invited(profile: ResearcherPage) -> bool:
    since = timezone.now() - timedelta(days=settings.ACCOUNTS_INVITATION_INTERVAL_DAYS)
    return Invitation.objects.filter(profile=profile, sent_at__gte=since).exists()


def invite(profile: ResearcherPage, *, sent_by=None) -> Invitation | None:
    """Send `profile` an invitation, unless it cannot or may not have one now."""
    if profile.user_id is not None or not profile.email or recently_invited(profile):
        return None
    language = profile.contact_language()
    link, token = claims.new_link(profile)
    emails.send(profile, "invitation", token, language)
    return Invitation.objects.create(profile=profile, link=link, language=language, sent_by=sent_by)


def invite_all(
    profiles: Iterable[ResearcherPage],
    *,
    sent_by=None,
    progress: Callable[[int, int], None] | None = None,
) -> InvitationReport:
    """Invite each of `profiles`; `progress(done, total)` after each."""
    profiles = list(profiles)
    report = InvitationReport()
    for done, profile in enumerate(profiles, start=1):
        if profile.user_id is not None or not profile.email:
            report.not_invitable += 1
        elif invite(profile, sent_by=sent_by) is None:
            report.recently_invited += 1
        else:
            report.sent += 1
        if progress:
            progress(done, len(profiles))
    return report

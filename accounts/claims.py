"""Linking an account to a profile: by matching e-mail or ORCID iD, or by a link.

A profile has at most one account and an account at most one profile (the page's
`user` is one-to-one); `claim()` checks both under a row lock, so two people (or two
tabs) cannot claim the same profile.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from wagtail.models import Revision

from accounts import consent
from accounts.models import ClaimLink, ConsentSource
from directory.models import ResearcherPage
from directory.validators import normalise_orcid

SALT = "accounts.claim-link"


class ClaimRefused(Exception):
    """The profile already has an account, or the account already has a profile."""


def profile_of(user) -> ResearcherPage | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ResearcherPage.objects.filter(user=user).first()


def orcid_ids(user) -> list[str]:
    """The ORCID iDs the user proved by signing in with ORCID, normalised."""
    uids = SocialAccount.objects.filter(user=user, provider="orcid").values_list("uid", flat=True)
    return [normalise_orcid(uid) for uid in uids if uid]


def matching_profile(user) -> tuple[ResearcherPage | None, str]:
    """The one unclaimed profile that is the user's by ORCID iD, else by verified e-mail.

    Returns (profile, "orcid" | "email") or (None, ""). More than one candidate
    matches nothing: the person then asks for a link, which names one profile.
    """
    if profile_of(user) is not None:
        return None, ""
    unclaimed = ResearcherPage.objects.filter(user__isnull=True)
    ids = orcid_ids(user)
    if ids:
        by_orcid = list(unclaimed.filter(orcid__in=ids)[:2])
        if len(by_orcid) == 1:
            return by_orcid[0], "orcid"
    emails = list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )
    if emails:
        by_email = []
        for email in emails:
            by_email.extend(unclaimed.filter(email__iexact=email).exclude(email=""))
        distinct = {page.pk: page for page in by_email}
        if len(distinct) == 1:
            return next(iter(distinct.values())), "email"
    return None, ""


@transaction.atomic
def claim(profile: ResearcherPage, user, *, text=None) -> ResearcherPage:
    """Make `user` the account of `profile`, recording their consent; or ClaimRefused."""
    locked = ResearcherPage.objects.select_for_update().get(pk=profile.pk)
    if locked.user_id is not None or ResearcherPage.objects.filter(user=user).exists():
        raise ClaimRefused
    locked.user = user
    # Only the row's `user`: a draft's content stays as the editors left it.
    locked.save(update_fields=["user"])
    _link_in_revisions(locked, user)
    consent.record(locked, ConsentSource.CLAIMED, user=user, text=text)
    return locked


def _link_in_revisions(profile: ResearcherPage, user) -> None:
    """Write the account into every revision of the profile, too.

    Publishing a revision copies its content onto the page, `user` included: an
    editor's draft (or a workflow submission, a scheduled publication, a revert)
    saved before the claim would otherwise unlink the account again. Editors who may
    link accounts can still unlink one with a new revision.
    """
    for pk, content in profile.revisions.values_list("pk", "content"):
        if content.get("user") != user.pk:
            content["user"] = user.pk
            Revision.objects.filter(pk=pk).update(content=content)


# --- Claim links ------------------------------------------------------------------------


def new_link(profile: ResearcherPage) -> tuple[ClaimLink, str]:
    """A fresh link for `profile` and its signed token."""
    link = ClaimLink.objects.create(profile=profile)
    return link, signing.dumps({"l": link.pk, "n": link.nonce}, salt=SALT, compress=True)


def max_age() -> timedelta:
    return timedelta(days=settings.ACCOUNTS_CLAIM_LINK_DAYS)


def link_from_token(token: str) -> ClaimLink | None:
    """The unused, unexpired link the token names, for a still unclaimed profile; or None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.BadSignature:
        return None
    link = (
        ClaimLink.objects.select_related("profile")
        .filter(pk=data.get("l"), nonce=data.get("n"), used_at__isnull=True)
        .first()
    )
    if link is None or link.profile.user_id is not None:
        return None
    return link


@transaction.atomic
def claim_by_link(link: ClaimLink, user, *, text=None) -> ResearcherPage:
    """Claim the link's profile and spend the link (and every other link to it)."""
    locked = ClaimLink.objects.select_for_update().get(pk=link.pk)
    if locked.used_at is not None:
        raise ClaimRefused
    profile = claim(link.profile, user, text=text)
    locked.used_at = timezone.now()
    locked.used_by = user
    locked.save(update_fields=["used_at", "used_by"])
    ClaimLink.objects.filter(profile=profile, used_at__isnull=True).update(used_at=timezone.now())
    return profile

"""What accounts hold about a person, for "download my data" and "delete my account".

The account itself (address, dates, ORCID iDs linked), the consents recorded for
their profile or given by them, and the invitations sent to their profile. Erasing
removes the consents, invitations and claim links, and allauth's records of the
account: its e-mail addresses and linked ORCID (social) accounts with their tokens.
The account row itself is deleted by whoever deletes the account
(`directory.self_service.erasure`). A retry runs after that row is gone, with a
stand-in that has only `pk` and `email`, so accounts are matched by id, never by
instance.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db.models import Q

from accounts.models import ClaimLink, Consent, Invitation
from directory.models import ResearcherPage


def _profiles(user, email: str):
    query = Q(pk__in=[])
    if getattr(user, "pk", None):
        query |= Q(user_id=user.pk)
    if email:
        query |= Q(email__iexact=email)
    return ResearcherPage.objects.filter(query)


def _consents(user, email: str):
    query = Q(profile__in=_profiles(user, email))
    if getattr(user, "pk", None):
        query |= Q(user_id=user.pk)
    return Consent.objects.filter(query)


def export(user, email: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if getattr(user, "pk", None):
        data["account"] = {
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user)
            ],
            "orcid_ids": list(
                SocialAccount.objects.filter(user=user, provider="orcid").values_list(
                    "uid", flat=True
                )
            ),
        }
    data["consents"] = [
        {
            "profile": consent.profile_name,
            "how": consent.how,
            "text": consent.text,
            "language": consent.language,
            "given_at": consent.given_at.isoformat(),
        }
        for consent in _consents(user, email)
    ]
    data["invitations"] = [
        {"profile": invitation.profile.title, "sent_at": invitation.sent_at.isoformat()}
        for invitation in Invitation.objects.filter(
            profile__in=_profiles(user, email)
        ).select_related("profile")
    ]
    return data


def erase(user, email: str) -> None:
    profiles = _profiles(user, email)
    _consents(user, email).delete()
    Invitation.objects.filter(profile__in=profiles).delete()
    ClaimLink.objects.filter(profile__in=profiles).delete()
    if getattr(user, "pk", None):
        # Social tokens go with their social account (CASCADE).
        SocialAccount.objects.filter(user_id=user.pk).delete()
        EmailAddress.objects.filter(user_id=user.pk).delete()

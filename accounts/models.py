"""What joining the directory leaves behind: claim links, invitations, consent."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


class ClaimLink(models.Model):
    """One signed, expiring, single-use link that lets its holder claim a profile.

    Sent only to the address stored on the profile (on request, or in an
    invitation), so following it proves control of that address. The signed token
    carries `pk` and `nonce`; `used_at` makes it single-use; the signature's age
    (ACCOUNTS_CLAIM_LINK_DAYS) makes it expire.
    """

    profile = models.ForeignKey(
        "directory.ResearcherPage", on_delete=models.CASCADE, related_name="claim_links"
    )
    nonce = models.CharField(max_length=40, default=new_nonce, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("claim link")
        verbose_name_plural = _("claim links")

    def __str__(self) -> str:
        return f"Claim link {self.pk} for profile {self.profile_id}"


class Invitation(models.Model):
    """An invitation e-mail sent to a profile's address; one per profile per period."""

    profile = models.ForeignKey(
        "directory.ResearcherPage", on_delete=models.CASCADE, related_name="invitations"
    )
    link = models.ForeignKey(ClaimLink, on_delete=models.CASCADE, related_name="invitations")
    language = models.CharField(max_length=5)
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Invitation to profile {self.profile_id} ({self.sent_at:%Y-%m-%d})"


class ConsentSource(models.TextChoices):
    IMPORT = "import", _("imported by the network")
    SELF_CREATED = "self_created", _("created by the researcher")
    CLAIMED = "claimed", _("claimed by the researcher")


class Consent(models.Model):
    """Consent to publication of a profile: the text agreed to, when, and how.

    Kept apart from the page so that it survives edits; the profile's name is kept
    too, so that a record still reads when the profile is gone.
    """

    profile = models.ForeignKey(
        "directory.ResearcherPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents",
    )
    profile_name = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publication_consents",
    )
    how = models.CharField(max_length=20, choices=ConsentSource.choices)
    text = models.TextField()
    language = models.CharField(max_length=5, blank=True)
    given_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent to publication")
        verbose_name_plural = _("consents to publication")
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"{self.profile_name} ({self.get_how_display()}, {self.given_at:%Y-%m-%d})"

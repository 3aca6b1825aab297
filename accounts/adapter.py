"""allauth's adapters: where a sign-in lands, and ORCID sign-ups."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.urls import reverse

from accounts import claims


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        """Straight to joining for someone with no profile yet (unless `next` says)."""
        if claims.profile_of(request.user) is None:
            return reverse("accounts:join")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request) -> str:
        """After signing up (and confirming the address), the same: on to joining."""
        return self.get_login_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """ORCID gives an iD (what matters for claiming) and rarely a public address;
    allauth then asks for an address, which must be verified like any other."""

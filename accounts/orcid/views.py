"""The OAuth 2 adapter: allauth's ORCID adapter with run-time addresses."""

from __future__ import annotations

from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.orcid.views import OrcidOAuth2Adapter
from django.conf import settings


class SiteOrcidOAuth2Adapter(OrcidOAuth2Adapter):
    """Public API only (`/authenticate` scope): the record is read from ORCID_API_URL."""

    member_api = False

    @property
    def authorize_url(self) -> str:  # type: ignore[override]
        return f"{settings.ORCID_BASE_URL}/oauth/authorize"

    @property
    def access_token_url(self) -> str:  # type: ignore[override]
        return f"{settings.ORCID_BASE_URL}/oauth/token"

    @property
    def profile_url(self) -> str:  # type: ignore[override]
        return f"{settings.ORCID_API_URL}/v3.0/%s/record"


oauth2_login = OAuth2LoginView.adapter_view(SiteOrcidOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(SiteOrcidOAuth2Adapter)

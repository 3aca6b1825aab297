"""The OAuth 2 adapter: allauth's ORCID adapter with run-time addresses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.orcid.views import OrcidOAuth2Adapter
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse


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


def only_when_configured(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Without ORCID_CLIENT_ID there is no ORCID sign-in: its URLs answer 404, not the
    500 allauth raises when it finds no client."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not settings.SOCIALACCOUNT_PROVIDERS.get("orcid", {}).get("APPS"):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


oauth2_login = only_when_configured(OAuth2LoginView.adapter_view(SiteOrcidOAuth2Adapter))
oauth2_callback = only_when_configured(OAuth2CallbackView.adapter_view(SiteOrcidOAuth2Adapter))

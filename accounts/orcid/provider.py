"""Registered with allauth under the id `orcid` (allauth's own ORCID app is not installed)."""

from allauth.socialaccount.providers.orcid.provider import OrcidProvider

from accounts.orcid.views import SiteOrcidOAuth2Adapter


class SiteOrcidProvider(OrcidProvider):
    name = "ORCID"
    oauth2_adapter_class = SiteOrcidOAuth2Adapter


provider_classes = [SiteOrcidProvider]

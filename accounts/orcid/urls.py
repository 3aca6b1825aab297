from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from accounts.orcid.provider import SiteOrcidProvider

urlpatterns = default_urlpatterns(SiteOrcidProvider)

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from directory.permissions import guard_admin_view
from website.api import api_router
from website.health import healthz
from website.language_switch import switch_language
from website.sitemap import TranslatedSitemap
from website.views import robots_txt

# Researchers' accounts must not see other people's drafts in admin views that have
# no hook to filter them (directory/permissions.py).
decorate_urlpatterns(wagtailadmin_urls.urlpatterns, guard_admin_view)

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("sitemap.xml", sitemap, {"sitemaps": {"wagtail": TranslatedSitemap}}),
    # The language switch belongs to no language: /language/?to=es&next=/directory/
    path("language/", switch_language, name="switch_language"),
    path("robots.txt", robots_txt),
    # Probes speak no language and get no redirect (website/health.py).
    path("healthz", healthz, name="healthz"),
    path("", include("search.urls")),
    # Mailchimp's webhook speaks no language: outside the prefixes.
    path("newsletter/mailchimp/", include("newsletter.mailchimp.urls")),
]

# Public pages in three languages: English at the bare paths it always had (no
# prefix: existing links and search results keep working), Spanish and Portuguese
# under /es/ and /pt-br/ (docs/i18n.md).
public_patterns = [
    path("", include("search.urls_public")),
    path("", include("newsletter.urls")),
    path("", include("newsletter.issues.urls")),
    path("", include("directory.urls")),
    path("", include("editorial.urls_events")),
    # Accounts (docs/accounts.md): our pages first, then allauth's.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    *public_patterns,
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from common.base_url import absolute_url


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        # Tokened mailing-list pages, in every language; the language switch only redirects.
        *(f"Disallow: {prefix}/newsletter/" for prefix in language_prefixes()),
        "Disallow: /language/",
        f"Sitemap: {absolute_url('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def language_prefixes() -> list[str]:
    """Each language's URL prefix: none for English, then "/es" and "/pt-br"."""
    return [
        "" if code == settings.LANGUAGE_CODE else f"/{code}" for code, _name in settings.LANGUAGES
    ]

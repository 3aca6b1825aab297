"""The ceiling for `bench/http.py`: one bare Django view, no middleware, no database.

Served by the same Gunicorn configuration as the site (`gunicorn -c gunicorn.conf.py
bench.ceiling:application`), it measures what Gunicorn, WSGI and Django's request
handling cost on this machine alone, so the site's figures can be read as a share of
the most this machine could give.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

#: About the size of nothing: the ceiling is the framework, not the bytes.
BODY = b"<!doctype html><title>ceiling</title><p>ok</p>"


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY)


urlpatterns = [path("", ok)]

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-ceiling-not-secret",  # noqa: S106 - serves one static string
        ALLOWED_HOSTS=["127.0.0.1"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        USE_I18N=False,
    )

application = get_wsgi_application()

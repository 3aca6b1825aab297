"""The webhook endpoint Mailchimp calls: `/newsletter/mailchimp/webhook/<secret>/`.

Mailchimp's audience webhooks are unsigned; its advice is a secret in the URL,
so the secret is compared in constant time and a wrong or missing one gets the
same 404 as any unknown URL, before anything else is looked at.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from newsletter.mailchimp.client import is_configured
from newsletter.mailchimp.webhooks import handle


def _secret_ok(secret: str) -> bool:
    expected = settings.MAILCHIMP_WEBHOOK_SECRET or ""
    return bool(expected) and hmac.compare_digest(secret.encode(), expected.encode())


@csrf_exempt
def webhook(request: HttpRequest, secret: str) -> HttpResponse:
    """GET/HEAD: Mailchimp's URL validation (200). POST: one event (see webhooks.py)."""
    if not is_configured() or not _secret_ok(secret):
        raise Http404
    if request.method in ("GET", "HEAD"):
        return HttpResponse("ok", content_type="text/plain")
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    status, text = handle(request.POST)
    return HttpResponse(text, status=status, content_type="text/plain")

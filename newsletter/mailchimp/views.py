"""The webhook endpoint Mailchimp calls: `/newsletter/mailchimp/webhook/<secret>/`.

Mailchimp's audience webhooks are unsigned; its advice is a secret in the URL,
so the secret is compared in constant time and a wrong or missing one gets the
same 404 as any unknown URL, before anything else is looked at. Even with the
right secret, only a form body Mailchimp could have sent is taken (400 otherwise,
see webhook_events.py): a JSON body, another content type, or over MAX_BODY.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.views.decorators.csrf import csrf_exempt

from newsletter.mailchimp.client import is_configured
from newsletter.mailchimp.webhook_events import handle

FORM = "application/x-www-form-urlencoded"
#: Mailchimp's events are a few hundred bytes; a member with many groups, a few KiB.
MAX_BODY = 64 * 1024


def _secret_ok(secret: str) -> bool:
    expected = settings.MAILCHIMP_WEBHOOK_SECRET or ""
    return bool(expected) and hmac.compare_digest(secret.encode(), expected.encode())


@csrf_exempt
def webhook(request: HttpRequest, secret: str) -> HttpResponse:
    """GET/HEAD: Mailchimp's URL validation (200). POST: one event (see webhook_events.py)."""
    if not is_configured() or not _secret_ok(secret):
        raise Http404
    if request.method in ("GET", "HEAD"):
        return HttpResponse("ok", content_type="text/plain")
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if request.content_type != FORM:
        return HttpResponseBadRequest("malformed: not a form", content_type="text/plain")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY + 1
    if length > MAX_BODY:
        return HttpResponseBadRequest("malformed: too large", content_type="text/plain")
    try:
        form = request.POST
    except (RequestDataTooBig, TooManyFieldsSent, UnicodeDecodeError):
        return HttpResponseBadRequest("malformed", content_type="text/plain")
    status, text = handle(form)
    return HttpResponse(text, status=status, content_type="text/plain")

"""Public views of newsletter issues that are not pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods


@csrf_exempt  # a mail client's one-click unsubscribe POSTs here, without a token
@require_http_methods(["GET", "HEAD", "POST"])
def test_link(request: HttpRequest) -> HttpResponse:
    """Where the preferences and unsubscribe links of a test e-mail lead.

    Nothing changes here, whatever the method: the page only explains that the
    e-mail was a test, and what the link does in the issue subscribers receive.
    """
    link = request.GET.get("link", "")
    response = render(
        request,
        "newsletter_issues/test_link.html",
        {"link": link if link in ("preferences", "unsubscribe") else ""},
    )
    response["X-Robots-Tag"] = "noindex"
    return response

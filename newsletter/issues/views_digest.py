"""The admin's preview of one subscriber's weekly digest, as it would go out now.

Reached from the subscriber listing ("Preview weekly digest"). It shows a
person's topics and what the site would send them, so it needs the same
permission as the subscriber screens (any permission on `Subscriber`).
Nothing is sent and nothing is recorded.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from wagtail.admin.auth import require_admin_access

from newsletter.models import Subscriber

from . import digest

SUBSCRIBER_PERMISSIONS = ("view", "add", "change", "delete")


def may_see_subscribers(user) -> bool:
    return any(
        user.has_perm(f"newsletter.{action}_subscriber") for action in SUBSCRIBER_PERMISSIONS
    )


@require_admin_access
@xframe_options_sameorigin  # the page frames its own e-mail (X_FRAME_OPTIONS is DENY)
def digest_preview(request: HttpRequest, subscriber_id: int) -> HttpResponse:
    if not may_see_subscribers(request.user):
        raise PermissionDenied
    subscriber = get_object_or_404(Subscriber, pk=subscriber_id)
    content = digest.for_subscriber(subscriber)
    if request.GET.get("format") == "email":
        if not content:
            return HttpResponse(_("Nothing new for this subscriber: no digest would be sent."))
        rendered = digest.render(content)
        return HttpResponse(rendered.html)
    return TemplateResponse(
        request,
        "newsletter_issues/admin/digest_preview.html",
        {
            "subscriber": subscriber,
            "content": content,
            "rendered": digest.render(content) if content else None,
            "page_title": _("Weekly digest preview"),
        },
    )

"""The answer to an admin sign-in refused by the throttle (django-axes).

django-axes counts failed sign-ins per account and per address and refuses further
attempts for AXES_COOLOFF_TIME; this module only shapes how that refusal looks: a page
in the site's own style with a 429 status and Retry-After, and one log line.
"""

from __future__ import annotations

import logging
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger("website.security")


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the polite "sign-in paused" page."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    logger.warning(
        "Admin sign-in refused: too many failures for this account or address (%s, %s)",
        request.path,
        getattr(request, "axes_ip_address", None),
    )
    response = render(
        request,
        "website/locked_out.html",
        {"minutes": math.ceil(seconds / 60)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response

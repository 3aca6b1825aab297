"""Security headers on every response: Content-Security-Policy and Permissions-Policy.

The policies themselves live in settings (website/settings/base.py); docs/security.md
says what they promise.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with a second, looser policy for the admin paths.

    The public pages can do without inline code, but Wagtail's editor cannot (inline
    styles, `blob:` previews, framed previews). A prefix check keeps the strict policy
    everywhere else instead of loosening it for the whole site, and a view's own
    `@csp_update`/`@csp_replace` still applies on top. Previews keep the public policy,
    so an editor sees what visitors will see.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if parts.config is None and is_admin_path(request.path_info):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        elif getattr(request, "is_preview", False):
            # Wagtail renders a preview through the middleware with the page's own path,
            # for the editor's preview panel: the public policy, framed by the admin.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts


def is_admin_path(path: str) -> bool:
    return path.startswith(tuple(settings.CONTENT_SECURITY_POLICY_ADMIN_PATHS))


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` -> `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    """Sends the fixed Permissions-Policy of settings.PERMISSIONS_POLICY.

    A header that never varies needs no library: django-permissions-policy would add
    a dependency for what is one string built once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response

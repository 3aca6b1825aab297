"""Ways of sending an issue: Mailchimp when it is configured, the site's own e-mail otherwise.

`get_backend()` decides by `newsletter.mailchimp.client.is_configured()`, the
same switch the subscriber flows use, so the list that receives an issue is
always the list people signed up to. A dispatch remembers the backend it was
started with (`Dispatch.backend`), so changing settings never moves a send that
is already under way.
"""

from __future__ import annotations

from newsletter.issues.models import DispatchBackend
from newsletter.mailchimp.client import is_configured

from .base import CampaignBackend, CampaignError

__all__ = ["CampaignBackend", "CampaignError", "backend_for", "get_backend"]


def get_backend() -> CampaignBackend:
    """The backend for a new dispatch."""
    return backend_for(DispatchBackend.MAILCHIMP if is_configured() else DispatchBackend.LOCAL)


def backend_for(name: str) -> CampaignBackend:
    """The backend a dispatch was started with."""
    if name == DispatchBackend.MAILCHIMP:
        from .mailchimp import MailchimpBackend

        return MailchimpBackend()
    from .local import LocalBackend

    return LocalBackend()

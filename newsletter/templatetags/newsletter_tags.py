"""Template helpers for the sign-up form that every page's footer carries."""

from django import template

from newsletter.forms import CONSENT_TEXT

register = template.Library()


@register.simple_tag
def newsletter_consent_text() -> str:
    """The consent text, from the one constant the sign-up view also records."""
    return CONSENT_TEXT


@register.filter
def masked_email(address: str) -> str:
    """`ana.souza@example.org` → `a•••@example.org`: enough to recognise, not to harvest.

    The preferences and unsubscribe pages open from links in e-mail, which get
    forwarded and screenshotted; the full address never needs to be on a page.
    """
    local, _, domain = str(address).rpartition("@")
    if not local:
        return "•••"
    return f"{local[0]}•••@{domain}"

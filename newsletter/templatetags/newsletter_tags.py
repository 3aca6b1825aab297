"""Template helpers for the sign-up form that every page's footer carries."""

from django import template

from newsletter.forms import CONSENT_TEXT

register = template.Library()


@register.simple_tag
def newsletter_consent_text() -> str:
    """The consent text, from the one constant the sign-up view also records."""
    return CONSENT_TEXT

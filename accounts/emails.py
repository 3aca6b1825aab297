"""The e-mails joining sends: a claim link on request, and invitations.

Both go to the address stored on the profile, in the profile's language, and never
to anyone else; the page that asked for them says nothing about that address.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from common.base_url import absolute_url


def claim_url(token: str, language: str) -> str:
    with translation.override(language):
        return absolute_url(reverse("accounts:claim", args=[token]))


def send(profile, template: str, token: str, language: str, **context) -> None:
    """Render `accounts/email/<template>.{txt,subject.txt}` in `language` and send it."""
    with translation.override(language):
        context = {
            "profile": profile,
            "url": claim_url(token, language),
            "days": settings.ACCOUNTS_CLAIM_LINK_DAYS,
            "site_name": settings.WAGTAIL_SITE_NAME,
            **context,
        }
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
        body = render_to_string(f"accounts/email/{template}.txt", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), body, to=[profile.email])
    message.send()

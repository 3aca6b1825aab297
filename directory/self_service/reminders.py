"""The yearly "is your profile still right?" e-mail, and its one-click answer.

Sent by `manage.py profile_reminders` (cron) to claimed profiles only (an account
is linked: someone asked to look after it), in the profile's language, at most once
a year each (`reminded_at`). The "still correct" link carries a signed token (the
profile's id, valid for 60 days); opening it records `confirmed_at`. It changes
nothing else, so a mail scanner that follows it does no harm.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.base_url import absolute_url
from directory.models import ResearcherPage

SALT = "directory.profile.still-correct"
TOKEN_MAX_AGE = 60 * 24 * 3600
INTERVAL = timedelta(days=365)


def due_profiles():
    """Claimed, published profiles not reminded within the last year."""
    cutoff = timezone.now() - INTERVAL
    return (
        ResearcherPage.objects.live()
        .filter(user__isnull=False)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=cutoff))
        .select_related("user")
        .order_by("pk")
    )


def confirm_url(page: ResearcherPage, language: str) -> str:
    token = signing.dumps(page.pk, salt=SALT)
    with translation.override(language):
        return absolute_url(reverse("directory:my_profile_still_correct", args=[token]))


def send_reminder(page: ResearcherPage) -> bool:
    address = page.email or getattr(page.user, "email", "")
    if not address:
        return False
    language = page.contact_language()
    with translation.override(language):
        edit_url = absolute_url(reverse("directory:my_profile_edit", args=[page.pk]))
        context = {
            "page": page,
            "confirm_url": confirm_url(page, language),
            "edit_url": edit_url,
        }
        message = EmailMessage(
            subject=_("Is your profile still right?"),
            body=render_to_string("directory/email/profile_reminder.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Content-Language": language},
        )
    message.send()
    ResearcherPage.objects.filter(pk=page.pk).update(reminded_at=timezone.now())
    return True


def still_correct(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pk = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404 from exc
    updated = ResearcherPage.objects.filter(pk=pk).update(confirmed_at=timezone.now())
    if not updated:
        raise Http404
    return render(request, "directory/my_profile_still_correct.html")

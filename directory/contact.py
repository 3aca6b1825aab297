"""Contacting a researcher through the directory, without ever seeing their address.

The form posts to `contact_researcher`, which e-mails the researcher once, with the
sender's address in Reply-To: the researcher decides whether to answer, and only
then does the sender learn their address. Neither the page, nor its redirects, nor
its error messages ever contain the researcher's address, and the sender's address
and message are not stored (nor logged): they pass straight into the e-mail.

Abuse is limited the way the newsletter sign-up limits it (`common.ratelimit`):
a fixed window per client IP, by default 5 messages an hour
(DIRECTORY_CONTACT_RATE = (5, 3600)), and one per recipient, by default 10 messages
a day to one researcher from all senders together
(DIRECTORY_CONTACT_RECIPIENT_RATE = (10, 86400)), so a few addresses cannot flood one
inbox. Only submissions that would send count, so a person correcting a too-short
message doesn't use up their allowance. A bot that fills the honeypot is answered
exactly as a person who sent a message, and counted the same per IP, so it cannot
tell that nothing was sent (it does not count against the researcher's allowance,
which would let bots silence a researcher).

Each message carries a signed link (`report_url`, valid REPORT_MAX_AGE) to a page
where the researcher confirms, with a POST, that it was abuse. That records a
`ContactReport` for editors (Directory admin) and blocks the sender's address from
contacting that researcher again: a blocked sender is answered as if the message had
gone, and nothing is sent.

Languages: every page here is in the visitor's language; the e-mail, its subject and
the report link inside it are in the researcher's (`ResearcherPage.contact_language`:
their preferred language, else the one the languages they speak suggest), since it
is the researcher who reads them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from common import ratelimit
from common.base_url import absolute_url
from common.forms import FocusFirstErrorMixin
from directory.localized_urls import in_language
from directory.models import ContactReport, ResearcherPage
from directory.models.contact_reports import REPORT_SALT, sender_digest

logger = logging.getLogger(__name__)

DEFAULT_CONTACT_RATE = (5, 3600)
DEFAULT_RECIPIENT_RATE = (10, 86400)
#: How long the "report abuse" link in a message works.
REPORT_MAX_AGE = timedelta(days=90)
SUBJECT_PREFIX = gettext_lazy("[UK–LatAm Battery Network]")
MESSAGE_MIN_LENGTH = 20
MESSAGE_MAX_LENGTH = 5000

#: The honeypot's field name: plausible enough that form-filling bots complete it.
HONEYPOT_FIELD = "website"


def contact_rate() -> tuple[int, int]:
    """(messages, seconds) allowed per client IP; DIRECTORY_CONTACT_RATE overrides."""
    return tuple(getattr(settings, "DIRECTORY_CONTACT_RATE", DEFAULT_CONTACT_RATE))  # type: ignore[return-value]


def recipient_rate() -> tuple[int, int]:
    """(messages, seconds) allowed to one researcher; DIRECTORY_CONTACT_RECIPIENT_RATE overrides."""
    return tuple(getattr(settings, "DIRECTORY_CONTACT_RECIPIENT_RATE", DEFAULT_RECIPIENT_RATE))  # type: ignore[return-value]


def sender_verdict(request: HttpRequest) -> ratelimit.Verdict:
    """Count a message from this client; every contact form shares the allowance."""
    limit, window = contact_rate()
    return ratelimit.hit(f"contact:ip:{ratelimit.client_ip(request) or 'unknown'}", limit, window)


def recipient_verdict(recipient: str) -> ratelimit.Verdict:
    """Count a message to `recipient` (a key naming who receives it, e.g. "to:12")."""
    limit, window = recipient_rate()
    return ratelimit.hit(f"contact:{recipient}", limit, window)


def too_many(render: Callable[..., HttpResponse], verdict: ratelimit.Verdict) -> HttpResponse:
    """The form again as typed, with a 429 and when to retry: a person loses nothing by
    waiting. `render(status=..., retry_minutes=...)` draws the relay's own page."""
    response = render(status=429, retry_minutes=max(1, -(-verdict.retry_after // 60)))
    response["Retry-After"] = str(verdict.retry_after)
    return response


def is_blocked(researcher: ResearcherPage, email: str) -> bool:
    return ContactReport.objects.filter(
        researcher=researcher, sender_digest=sender_digest(email)
    ).exists()


def report_token(researcher: ResearcherPage, data: dict[str, Any], sent_at: datetime) -> str:
    """Signed (not encrypted) details of one message: only its recipient gets the link,
    and they already see the sender's name and address in the message."""
    payload = {
        "r": researcher.pk,
        "n": data["name"],
        "e": data["email"],
        "s": data.get("subject", ""),
        "t": sent_at.isoformat(),
    }
    return signing.dumps(payload, salt=REPORT_SALT, compress=True)


def report_url(researcher: ResearcherPage, data: dict[str, Any], sent_at: datetime) -> str:
    token = report_token(researcher, data, sent_at)
    return absolute_url(reverse("directory:contact_report", args=[token]))


def single_line(value: str) -> str:
    """Collapse all whitespace, line breaks included, to single spaces.

    The name and subject end up in the e-mail's Subject header, where a line break
    would be a header injection (and Django refuses to send it at all).
    """
    return " ".join(value.split())


class MessageField(forms.CharField):
    """Counts a line break as one character, as the browser's `maxlength` does.

    Browsers submit a textarea's line breaks as CRLF, so without this a message the
    browser accepted at 5000 characters could be refused here as too long.
    """

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n")


class ContactForm(FocusFirstErrorMixin, forms.Form):
    """What a visitor sends a researcher. Nothing from it is saved."""

    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": gettext_lazy("Enter your name.")},
    )
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"),
        max_length=254,
        help_text=gettext_lazy("The researcher replies to this address. We do not keep it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": gettext_lazy("Enter your e-mail address, so that they can reply."),
            "invalid": gettext_lazy("Enter an e-mail address in the form name@example.org."),
        },
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject (optional)"), max_length=150, required=False
    )
    message = MessageField(
        label=gettext_lazy("Message"),
        min_length=MESSAGE_MIN_LENGTH,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=format_lazy(
            gettext_lazy(
                "Between {minimum} and {maximum} characters. "
                "Say who you are and why you are writing."
            ),
            minimum=MESSAGE_MIN_LENGTH,
            maximum=MESSAGE_MAX_LENGTH,
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={
            "required": gettext_lazy("Write your message."),
            "min_length": gettext_lazy(
                "Write at least %(limit_value)d characters (you wrote %(show_value)d), "
                "so the researcher knows why you are writing."
            ),
            "max_length": gettext_lazy(
                "Keep your message to %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    # Hidden from people by the template (off-screen, aria-hidden) and from the keyboard.
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_bot(self) -> bool:
        """True when the honeypot was filled: no person can see or reach that field."""
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def clean_name(self) -> str:
        return single_line(self.cleaned_data["name"])

    def clean_subject(self) -> str:
        return single_line(self.cleaned_data["subject"])

    def clean_website(self) -> str:
        # The view answers bots before validating; this keeps the form honest on its own.
        if self.cleaned_data["website"].strip():
            raise ValidationError(_("Leave this field empty."))
        return ""


def build_contact_email(
    researcher: ResearcherPage,
    data: dict[str, Any],
    *,
    profile_url: str = "",
    report_link: str = "",
    language: str | None = None,
) -> EmailMessage:
    """The one e-mail a contact sends: to the researcher, replies going to the sender.

    Written in `language`, by default the researcher's `contact_language()`. From is
    the site's own address (DEFAULT_FROM_EMAIL), not the sender's: mail claiming to
    come from someone else's domain fails SPF/DMARC and lands in spam.
    """
    language = language or researcher.contact_language()
    with translation.override(language):
        subject = data.get("subject") or _("Message from %(name)s") % {"name": data["name"]}
        if profile_url:
            origin = _(
                "%(name)s sent you this message through the contact form on your profile "
                "in the UK–LatAm Battery Network directory (%(url)s). Your e-mail address "
                "was not shown to them."
            ) % {"name": data["name"], "url": profile_url}
        else:
            origin = _(
                "%(name)s sent you this message through the contact form on your profile "
                "in the UK–LatAm Battery Network directory. Your e-mail address was not "
                "shown to them."
            ) % {"name": data["name"]}
        paragraphs = [
            origin,
            _(
                "To answer, reply to this e-mail: the sender's address (%(email)s) is in its "
                "Reply-To. The directory does not keep this message or the sender's address."
            )
            % {"email": data["email"]}
            + "\n"
            + _(
                "To stop receiving messages through the directory, ask its editors to remove "
                "your e-mail address from your profile."
            ),
        ]
        if report_link:
            paragraphs.append(
                _(
                    "Is this message abuse or spam? Report it, and stop this sender from "
                    "writing to you through the directory: %(url)s"
                )
                % {"url": report_link}
            )
        footer = "\n\n".join(paragraphs)
        return EmailMessage(
            subject=f"{SUBJECT_PREFIX} {subject}",
            body=f"{data['message']}\n\n-- \n{footer}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[researcher.email],
            reply_to=[data["email"]],
            headers={"Content-Language": language},
        )


def contact_email_for(
    request: HttpRequest, researcher: ResearcherPage, data: dict[str, Any]
) -> EmailMessage:
    """The e-mail for one message, with links to the profile and the report page in
    the researcher's language (their language's URL prefix)."""
    language = researcher.contact_language()
    with translation.override(language):
        return build_contact_email(
            researcher,
            data,
            profile_url=in_language(researcher.get_full_url(request) or "", language),
            report_link=report_url(researcher, data, timezone.now()),
            language=language,
        )


def contactable_researcher(request: HttpRequest, pk: int) -> ResearcherPage:
    """The published profile `pk`, if its researcher can be contacted; else 404.

    Private pages (Wagtail view restrictions) are 404 to anyone who may not see them,
    so the form doesn't reveal a restricted profile's name.
    """
    researcher = get_object_or_404(ResearcherPage.objects.live(), pk=pk)
    if not researcher.can_be_contacted:
        raise Http404(_("This researcher cannot be contacted through the directory."))
    for restriction in researcher.get_view_restrictions():
        if not restriction.accept_request(request):
            raise Http404(_("This researcher cannot be contacted through the directory."))
    return researcher


def _render(
    request: HttpRequest,
    researcher: ResearcherPage,
    *,
    form: ContactForm | None = None,
    state: str = "form",
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {
        "researcher": researcher,
        "profile_url": in_language(researcher.get_url(request) or "/directory/"),
        "form": form,
        "state": state,
        **extra,
    }
    return render(request, "directory/contact.html", context, status=status)


@require_http_methods(["GET", "POST"])
def contact_researcher(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form (or, with ?sent=1, the thank-you note). POST: send, then redirect.

    Post/Redirect/Get, so reloading the thank-you page doesn't send the message again.
    """
    researcher = contactable_researcher(request, pk)
    if request.method == "GET":
        if request.GET.get("sent") == "1":
            return _render(request, researcher, state="sent")
        return _render(request, researcher, form=ContactForm())

    form = ContactForm(request.POST)
    is_bot = form.is_bot
    if not is_bot and not form.is_valid():
        return _render(request, researcher, form=form)

    verdict, state = sender_verdict(request), "rate_limited"
    if verdict.allowed and not is_bot:
        if is_blocked(researcher, form.cleaned_data["email"]):
            # Answered like a message that went, so the sender learns nothing.
            logger.info("Contact form: blocked sender for researcher %s", researcher.pk)
            return redirect(f"{reverse('directory:contact', args=[researcher.pk])}?sent=1")
        verdict, state = recipient_verdict(f"to:{researcher.pk}"), "recipient_limited"
    if not verdict.allowed:
        return too_many(partial(_render, request, researcher, form=form, state=state), verdict)

    if is_bot:
        logger.info("Contact form honeypot filled for researcher %s: nothing sent", researcher.pk)
    else:
        message = contact_email_for(request, researcher, form.cleaned_data)
        try:
            message.send()
        except OSError:  # SMTPException and connection errors alike
            # Logged without the exception text, which can quote the recipient's address.
            logger.error("Contact form: could not send a message to researcher %s", researcher.pk)
            form.add_error(
                None,
                _(
                    "Sorry, we could not send your message just now. Please try again in a "
                    "few minutes; what you wrote is still below."
                ),
            )
            return _render(request, researcher, form=form, status=503)
        # Only the number is kept, for the researcher's "Download my data".
        ResearcherPage.objects.filter(pk=researcher.pk).update(
            contact_messages_relayed=F("contact_messages_relayed") + 1
        )
    return redirect(f"{reverse('directory:contact', args=[researcher.pk])}?sent=1")


@require_http_methods(["GET", "POST"])
def report_contact(request: HttpRequest, token: str) -> HttpResponse:
    """The researcher's "report abuse" link. GET: confirm; POST: record and block.

    A GET changes nothing (mail scanners and link previews follow links). The signed
    token is the researcher's proof: only the message's recipient has it.
    """
    try:
        payload = signing.loads(token, salt=REPORT_SALT, max_age=REPORT_MAX_AGE)
        researcher = ResearcherPage.objects.get(pk=payload["r"])
        sent_at = datetime.fromisoformat(payload["t"])
    except (signing.BadSignature, ResearcherPage.DoesNotExist, KeyError, TypeError, ValueError):
        return render(request, "directory/contact_report.html", {"state": "invalid"}, status=404)
    context = {
        "researcher": researcher,
        "sender_name": payload["n"],
        "subject": payload["s"],
        "sent_at": sent_at,
        "state": "confirm",
    }
    if request.method == "POST":
        ContactReport.objects.get_or_create(
            researcher=researcher,
            sender_digest=sender_digest(payload["e"]),
            defaults={
                "sender_name": payload["n"][:120],
                "sender_email": payload["e"],
                "subject": payload["s"][:255],
                "message_sent_at": sent_at,
            },
        )
        logger.info("Contact form: researcher %s reported a sender", researcher.pk)
        context["state"] = "reported"
    return render(request, "directory/contact_report.html", context)

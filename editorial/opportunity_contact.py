"""Asking about an opportunity through the site, without seeing anyone's address.

The directory's relay (directory/contact.py) applied to an opportunity: the form at
`<opportunity>/contact/` mails the opportunity's private contact address once, with
the sender's address in Reply-To; the page, its redirects and its errors never contain
the contact address, and neither the message nor the sender's address is stored.

The same limits as the directory's form: the per-IP allowance is *shared* with it
(one key, `contact:ip:…`), so a sender cannot double it by switching forms, and each
opportunity has a per-recipient allowance of its own. A filled honeypot is answered
as a sent message. Closed opportunities offer no form (404).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from directory.contact import SUBJECT_PREFIX, recipient_verdict, sender_verdict, too_many
from editorial.models.opportunities import OpportunityPage
from editorial.opportunity_forms import OpportunityContactForm

logger = logging.getLogger(__name__)


def build_email(page: OpportunityPage, data: dict[str, Any], page_url: str) -> EmailMessage:
    """The one message a question sends: to the contact, replies going to the sender.

    Written in the page's language (the contact wrote the page in it)."""
    with translation.override(page.locale.language_code):
        subject = data.get("subject") or _("Question about “%(title)s”") % {"title": page.title}
        footer = _(
            "%(name)s sent this question through the contact form of “%(title)s” "
            "(%(url)s). Your e-mail address was not shown to them.\n\n"
            "To answer, reply to this e-mail: the sender's address (%(email)s) is in its "
            "Reply-To. The site does not keep this message or the sender's address."
        ) % {"name": data["name"], "title": page.title, "url": page_url, "email": data["email"]}
    return EmailMessage(
        subject=f"{SUBJECT_PREFIX} {subject}",
        body=f"{data['message']}\n\n-- \n{footer}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[page.contact_email],
        reply_to=[data["email"]],
    )


def _render(request: HttpRequest, page: OpportunityPage, status: int = 200, **context: Any):
    context = {"page": page, "page_url": page.get_url(request), "state": "form", **context}
    return render(request, "editorial/opportunity_contact.html", context, status=status)


def contact_view(page: OpportunityPage, request: HttpRequest) -> HttpResponse:
    """GET: the form (with ?sent=1, the thank-you note). POST: send, then redirect."""
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    if not page.can_be_contacted or not page.is_open():
        raise Http404("This opportunity takes no questions through the site.")
    here = page.get_url(request) + page.reverse_subpage("contact")
    if request.method == "GET":
        if request.GET.get("sent") == "1":
            return _render(request, page, state="sent")
        return _render(request, page, form=OpportunityContactForm())

    form = OpportunityContactForm(request.POST)
    is_bot = form.is_bot
    if not is_bot and not form.is_valid():
        return _render(request, page, form=form)
    verdict, state = sender_verdict(request), "rate_limited"
    if verdict.allowed and not is_bot:
        verdict, state = recipient_verdict(f"opportunity:{page.pk}"), "recipient_limited"
    if not verdict.allowed:
        return too_many(partial(_render, request, page, form=form, state=state), verdict)
    if is_bot:
        logger.info("Opportunity contact honeypot filled for page %s: nothing sent", page.pk)
    else:
        message = build_email(page, form.cleaned_data, page.get_full_url(request) or "")
        try:
            message.send()
        except OSError:
            # Logged without the exception text, which can quote the recipient's address.
            logger.error("Opportunity contact: could not send a message for page %s", page.pk)
            form.add_error(
                None,
                _(
                    "Sorry, we could not send your message just now. Please try again in a "
                    "few minutes; what you wrote is still below."
                ),
            )
            return _render(request, page, form=form, status=503)
    return redirect(f"{here}?sent=1")

"""Every e-mail of the mailing list is built here, so every one carries the same promises.

Each message is an `EmailMultiAlternatives` with a text body and an HTML
alternative, and

* a footer with a signed link to the preferences page (change interests or
  language, unsubscribe), added to both bodies;
* `List-Unsubscribe: <https://…/newsletter/unsubscribe/<token>/>` (plus `<mailto:…>`
  when NEWSLETTER_UNSUBSCRIBE_MAILTO is set) and
  `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 2369 and RFC 8058), so
  mail clients offer one-click unsubscribe. (Providers honour RFC 8058 only when
  the DKIM signature covers both headers: a deployment matter.)

Links are absolute, built from `settings.WAGTAILADMIN_BASE_URL`, because e-mail
is rendered outside any request (batch sends run in a worker).

Other modules call `send_list_email()` for one message, or `build_list_email()`
to build messages and send them in batches over one connection.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from common.base_url import absolute_url
from newsletter.languages import speaking
from newsletter.models import Subscriber, SubscriberStatus
from newsletter.tokens import (
    CONFIRMATION_MAX_AGE,
    make_address_change_token,
    make_confirmation_token,
    make_manage_token,
)

logger = logging.getLogger(__name__)

ONE_CLICK_HEADER_VALUE = "List-Unsubscribe=One-Click"
SITE_NAME = gettext_lazy("UK–Latin America Battery Research Network")


class NotMailable(ValueError):
    """The subscriber must not receive this e-mail (they left, bounced, or never confirmed)."""


# --- links -------------------------------------------------------------------


def confirmation_url(subscriber: Subscriber) -> str:
    token = make_confirmation_token(subscriber)
    return absolute_url(reverse("newsletter:confirm", args=[token]))


def preferences_url(subscriber: Subscriber, token: str | None = None) -> str:
    token = token or make_manage_token(subscriber)
    return absolute_url(reverse("newsletter:preferences", args=[token]))


def unsubscribe_url(subscriber: Subscriber, token: str | None = None) -> str:
    """The page (GET) that is also the RFC 8058 one-click endpoint (POST)."""
    token = token or make_manage_token(subscriber)
    return absolute_url(reverse("newsletter:unsubscribe", args=[token]))


def unsubscribe_mailto(subscriber: Subscriber, token: str | None = None) -> str | None:
    """RFC 2369's mailto fallback, only when NEWSLETTER_UNSUBSCRIBE_MAILTO names a mailbox.

    Offering an address nobody reads would promise an unsubscribe that never
    happens, so without the setting there is no mailto at all (the https link and
    RFC 8058's one-click POST are enough). The token in the subject identifies
    the member to whoever acts on that mailbox.
    """
    address = getattr(settings, "NEWSLETTER_UNSUBSCRIBE_MAILTO", "")
    if not address:
        return None
    token = token or make_manage_token(subscriber)
    return f"mailto:{address}?subject={quote(f'unsubscribe {token}')}"


def from_email() -> str:
    return getattr(settings, "NEWSLETTER_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


def list_headers(subscriber: Subscriber, token: str | None = None) -> dict[str, str]:
    """`List-Unsubscribe` (https; mailto if configured) and `List-Unsubscribe-Post` (RFC 8058)."""
    token = token or make_manage_token(subscriber)
    links = [unsubscribe_url(subscriber, token), unsubscribe_mailto(subscriber, token)]
    return {
        "List-Unsubscribe": ", ".join(f"<{link}>" for link in links if link),
        "List-Unsubscribe-Post": ONE_CLICK_HEADER_VALUE,
    }


# --- building and sending ----------------------------------------------------


def _footer_context(subscriber: Subscriber, token: str, lang: str) -> dict[str, Any]:
    return {
        "subscriber": subscriber,
        "preferences_url": preferences_url(subscriber, token),
        "unsubscribe_url": unsubscribe_url(subscriber, token),
        "site_name": SITE_NAME,
        "lang": lang,
    }


_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def _with_html_footer(html: str, footer: str) -> str:
    """Put the footer just before the last </body>, or at the end of a fragment."""
    matches = list(_BODY_END.finditer(html))
    if not matches:
        return html + footer
    at = matches[-1].start()
    return html[:at] + footer + html[at:]


def build_list_email(
    subscriber: Subscriber,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    connection: Any = None,
    headers: dict[str, str] | None = None,
    transactional: bool = False,
    language: str | None = None,
) -> EmailMultiAlternatives:
    """Build (not send) one list e-mail to `subscriber`, footer and headers included.

    `text` and `html` are the bodies without footer; `html` may be a fragment or a
    whole document. Only subscribed people get list e-mail; `transactional=True`
    (confirmation and "already subscribed" notices) also allows pending ones.
    Raises NotMailable for anyone else, so a stale batch can never reach a person
    who left.

    The footer, and the pages its links open, are in `language`: the language of
    the body (an issue sent in English to someone whose language has no
    translation keeps one language throughout), by default the subscriber's.
    """
    allowed = {SubscriberStatus.SUBSCRIBED}
    if transactional:
        allowed.add(SubscriberStatus.PENDING)
    if subscriber.status not in allowed:
        raise NotMailable(f"{subscriber.email} is {subscriber.status}")

    with speaking(language or subscriber.language) as lang:
        token = make_manage_token(subscriber)  # one token, so every link in a message agrees
        context = _footer_context(subscriber, token, lang)
        text_footer = render_to_string("newsletter/email/footer.txt", context)
        html_footer = render_to_string("newsletter/email/footer.html", context)
        if html is None:
            html = render_to_string(
                "newsletter/email/plain_as_html.html",
                {"text": text, "subject": subject, "lang": lang, "site_name": SITE_NAME},
            )
        unsubscribe_headers = list_headers(subscriber, token)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text.rstrip() + "\n\n" + text_footer,
        from_email=from_email(),
        to=[subscriber.email],
        connection=connection,
        headers={**(headers or {}), **unsubscribe_headers},
    )
    message.attach_alternative(_with_html_footer(html, html_footer), "text/html")
    return message


def send_list_email(
    subscriber: Subscriber,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    connection: Any = None,
    transactional: bool = False,
    language: str | None = None,
) -> int:
    """Send one list e-mail; returns 1 if sent, 0 if the subscriber may not receive it."""
    try:
        message = build_list_email(
            subscriber,
            subject,
            text,
            html,
            connection=connection,
            transactional=transactional,
            language=language,
        )
    except NotMailable:
        logger.info("Not sending %r to %s: not mailable", subject, subscriber.pk)
        return 0
    return message.send()


# --- the list's own messages -------------------------------------------------


def render_email(name: str, context: dict[str, Any]) -> tuple[str, str]:
    """Text and HTML bodies from `newsletter/email/<name>.txt|html`, in the active language.

    Call it inside `speaking(...)`: the templates' texts are in the catalogues
    (newsletter/locale), so one template serves every language.
    """
    return (
        render_to_string(f"newsletter/email/{name}.txt", context),
        render_to_string(f"newsletter/email/{name}.html", context),
    )


def send_confirmation_email(subscriber: Subscriber, *, consent_text: str) -> int:
    """The double opt-in message: a signed link that expires (see newsletter.tokens).

    It goes to an address anyone may have typed, so it carries nothing a visitor
    typed (no name, no greeting): the form cannot be used to put a stranger's
    words in a mail sent from the site. Like every message to a subscriber, it is
    in their language, its link opening the page in that language too.
    """
    with speaking(subscriber.language) as lang:
        subject = gettext(
            "Please confirm your subscription to the UK–LatAm Battery Network newsletter"
        )
        context = {
            "email": subscriber.email,
            "confirmation_url": confirmation_url(subscriber),
            "valid_days": CONFIRMATION_MAX_AGE.days,
            "consent_text": consent_text,
            "lang": lang,
            "subject": subject,
            "site_name": SITE_NAME,
        }
        text, html = render_email("confirmation", context)
    return send_list_email(subscriber, subject, text, html, transactional=True)


def send_already_subscribed_email(subscriber: Subscriber) -> int:
    """Sent instead of a confirmation when the address is already subscribed.

    The web page gives the same answer either way, so only the inbox's owner
    learns that the address was already on the list. It carries the person's
    preferences link: the list's "here are your preferences" message.
    """
    with speaking(subscriber.language) as lang:
        subject = gettext("You're already subscribed to the UK–LatAm Battery Network newsletter")
        context = {
            "subscriber": subscriber,
            "preferences_url": preferences_url(subscriber),
            "lang": lang,
            "subject": subject,
            "site_name": SITE_NAME,
        }
        text, html = render_email("already_subscribed", context)
    return send_list_email(subscriber, subject, text, html, transactional=True)


def address_change_url(subscriber: Subscriber) -> str:
    token = make_address_change_token(subscriber)
    return absolute_url(reverse("newsletter:confirm_address", args=[token]))


def send_address_change_email(subscriber: Subscriber) -> int:
    """Ask the owner of `pending_email` (entered by an administrator) to confirm it.

    Not a list e-mail: until its owner confirms, the new address is not the
    subscriber's, so the message has no preferences or unsubscribe links (they
    would show the current address and subscription to whoever owns the new
    one) and names neither the person nor their current address. It is in the
    subscriber's language, the best guess for the new address's owner.
    """
    if not subscriber.pending_email:
        return 0
    with speaking(subscriber.language) as lang:
        subject = gettext("Please confirm your address for the UK–LatAm Battery Network newsletter")
        context = {
            "email": subscriber.pending_email,
            "confirmation_url": address_change_url(subscriber),
            "valid_days": CONFIRMATION_MAX_AGE.days,
            "lang": lang,
            "subject": subject,
            "site_name": SITE_NAME,
        }
        text, html = render_email("address_change", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email(),
        to=[subscriber.pending_email],
    )
    message.attach_alternative(html, "text/html")
    return message.send()

"""Turn an issue into e-mail: subject, preview text, simple HTML and plain text.

Why hand-rolled rather than the site's page templates: mail clients ignore
stylesheets and most of CSS, so the HTML is a single 600px table with inline
styles; and every link must be absolute, since the message is read far from the
site. Links are made absolute against `WAGTAILADMIN_BASE_URL`, the same base
`newsletter.emails` uses for the preferences and unsubscribe links, so a message
never mixes hosts.

The body is rendered once per send. The per-recipient part (the footer with the
signed preferences link, and the List-Unsubscribe headers) is added by
`newsletter.emails.build_list_email`; for Mailchimp, which adds its own headers,
the footer is Mailchimp's merge tags (`*|UNSUB|*`, `*|UPDATE_PROFILE|*`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.rich_text import expand_db_html

from common.base_url import base_url

if TYPE_CHECKING:
    from editorial.models import NewsPage

    from .models import NewsletterIssuePage

logger = logging.getLogger(__name__)

FOOTER_NONE = "none"
FOOTER_MAILCHIMP = "mailchimp"
IMAGE_SPEC = "fill-560x280|format-jpeg|jpegquality-80"
LINK_STYLE = "color:#0b6e4f;text-decoration:underline;"

_RELATIVE_URL = re.compile(r'(\s(?:href|src))="(/[^"]*)"')
_ANCHOR = re.compile(r"<a(\s|>)")


@dataclass(frozen=True)
class RenderedIssue:
    subject: str
    preview_text: str
    html: str
    text: str


def absolute(url: str | None) -> str:
    """`/news/x/` → `https://site/news/x/`; absolute URLs are left alone."""
    if not url:
        return ""
    if url.startswith("//"):
        return "https:" + url
    if url.startswith("/"):
        return base_url() + url
    return url


def email_richtext(source: str) -> str:
    """Rich text from the database as e-mail HTML: internal links expanded, made
    absolute, and styled inline (mail clients drop `<style>` blocks)."""
    html = expand_db_html(source or "")
    html = _RELATIVE_URL.sub(lambda m: f'{m.group(1)}="{absolute(m.group(2))}"', html)
    return _ANCHOR.sub(lambda m: f'<a style="{LINK_STYLE}"{m.group(1)}', html)


class _TextExtractor(HTMLParser):
    """Just enough HTML → text for rich text: paragraphs, lists, headings, links."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: list[str | None] = []
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "a":
            self._href.append(dict(attrs).get("href"))
            self._link_text.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self._href:
            href, label = self._href.pop(), self._link_text.pop()
            if href and href.strip() != label.strip():
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        data = re.sub(r"\s+", " ", data)
        if self._link_text:
            self._link_text[-1] += data
        self.parts.append(data)

    def text(self) -> str:
        joined = "".join(self.parts)
        lines = [line.strip() for line in joined.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    return parser.text()


def _image_url(page: NewsPage) -> str:
    if page.image is None:
        return ""
    try:
        return absolute(page.image.get_rendition(IMAGE_SPEC).url)
    except Exception:  # a missing or broken original must not stop a newsletter
        logger.warning("No e-mail rendition for image %s of page %s", page.image_id, page.pk)
        return ""


def item_context(page: NewsPage) -> dict[str, Any]:
    from newsletter.languages import lang_attribute

    summary = page.summary or html_to_text(expand_db_html(page.body or ""))[:300]
    return {
        # A story without a translation in the issue's language is in its own.
        "lang": lang_attribute(page.locale.language_code),
        "title": page.title,
        "url": absolute(page.url),
        "date": page.date,
        "summary": summary,
        "image_url": _image_url(page),
        # The editor's description of the image; the image is a link to the item,
        # so without one the link is named by the item's title.
        "image_alt": (page.image.description if page.image else "") or page.title,
    }


def issue_language(issue: NewsletterIssuePage) -> str:
    """The newsletter language (en, es, pt) an issue page is written in: its locale's."""
    from newsletter.languages import newsletter_language

    locale = getattr(issue, "locale", None) if issue.locale_id else None
    return newsletter_language(locale.language_code if locale else None)


def issue_context(issue: NewsletterIssuePage, *, footer: str) -> dict[str, Any]:
    """Call it inside `speaking(...)`: its URLs (the web version, the news) and texts
    follow the active language."""
    from newsletter.emails import SITE_NAME

    from .listings import event_context, opportunity_context

    intro_html = email_richtext(issue.introduction)
    web_url = absolute(issue.url) if issue.pk and issue.live else ""
    return {
        "issue": issue,
        "subject": issue.email_subject,
        "preview_text": issue.preview_text,
        "intro_html": intro_html,
        "intro_text": html_to_text(intro_html),
        "items": [item_context(page) for page in issue.news_items()],
        "opportunities": [opportunity_context(page, absolute) for page in issue.opportunities()],
        "events": [event_context(page, absolute) for page in issue.events()],
        "web_url": web_url,
        "site_name": SITE_NAME,
        "site_url": absolute(reverse("wagtail_serve", args=[""])),
        "link_style": LINK_STYLE,
        "mailchimp_footer": footer == FOOTER_MAILCHIMP,
    }


def render_issue(issue: NewsletterIssuePage, *, footer: str = FOOTER_NONE) -> RenderedIssue:
    """Render the issue's e-mail bodies (without the per-recipient local footer), in the
    issue page's own language: a translation's e-mail is Spanish or Portuguese
    throughout, its links lead to that language's pages, and `lang` says so."""
    from newsletter.languages import speaking

    with speaking(issue_language(issue)) as lang:
        context = {**issue_context(issue, footer=footer), "lang": lang}
        return RenderedIssue(
            subject=issue.email_subject,
            preview_text=issue.preview_text,
            html=render_to_string("newsletter_issues/email.html", context),
            text=render_to_string("newsletter_issues/email.txt", context).strip() + "\n",
        )


def sample_subscriber(email: str = "", first_name: str = "") -> Any:
    """An unsaved, subscribed stand-in to build the per-recipient parts of a preview
    or a test message (its preferences link will not work: it names nobody)."""
    from newsletter.models import Subscriber, SubscriberStatus

    return Subscriber(
        email=email or "subscriber@example.org",
        first_name=first_name,
        status=SubscriberStatus.SUBSCRIBED,
    )


def message_bodies(message: Any) -> tuple[str, str]:
    """The (html, text) of a built `EmailMultiAlternatives`."""
    html = next((body for body, mime in message.alternatives if mime == "text/html"), "")
    return html, message.body


def preview_email(issue: NewsletterIssuePage, request: HttpRequest) -> tuple[str, str]:
    """What a recipient will see, footer included, for Wagtail's preview panel."""
    from newsletter.emails import build_list_email
    from newsletter.mailchimp.client import is_configured

    if is_configured():
        rendered = render_issue(issue, footer=FOOTER_MAILCHIMP)
        return rendered.html, rendered.text
    rendered = render_issue(issue)
    user = getattr(request, "user", None)
    subscriber = sample_subscriber(
        getattr(user, "email", "") or "", getattr(user, "first_name", "") or ""
    )
    message = build_list_email(
        subscriber,
        rendered.subject,
        rendered.text,
        rendered.html,
        language=issue_language(issue),
    )
    return message_bodies(message)

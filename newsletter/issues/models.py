"""Newsletter issues: composed as Wagtail pages, sent once, recorded per recipient.

Why a page rather than a snippet: an issue is editorial content with a draft,
revisions, moderation, scheduled publishing of its web version, and Wagtail's
live preview, which is exactly what pages give. Its web version doubles as the
"view in the browser" archive under a `NewsletterIndexPage`.

Why the sending state lives in `Dispatch` and not on the page: page fields are
versioned. Publishing or reverting an old revision rewrites every page field
from that revision's JSON, which would silently reset a campaign id or a
"sent" flag (wagtail-newsletter works around this with
`newsletter_persistent_fields`). A separate row is not versioned at all.

`Delivery` is the exactly-once ledger of the site's own e-mail backend: one row
per (issue, subscriber), guaranteed by a unique constraint, created before any
message goes out and moved pending → sending → sent one row at a time (see
`newsletter.issues.campaigns.local` for the crash-window reasoning).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms import CheckboxSelectMultiple, RadioSelect
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from .panels import IssueStatusPanel

if TYPE_CHECKING:
    from editorial.models import NewsPage

    from .rendering import RenderedIssue

#: Rich-text features of the introduction: what survives in every mail client.
EMAIL_RICH_TEXT_FEATURES = ["bold", "italic", "link", "h3", "ol", "ul"]

SEND_PERMISSION_CODENAME = "send_newsletter"
#: The permission checked for "Send test", "Send now", "Schedule" and "Cancel schedule".
SEND_PERMISSION = f"newsletter_issues.{SEND_PERMISSION_CODENAME}"


class NewsletterIndexPage(Page):
    """The archive of past issues; the only place issues can be created."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["newsletter_issues.NewsletterIssuePage"]
    max_count = 1

    class Meta:
        verbose_name = "newsletter archive"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Only issues that were actually sent belong in a public archive."""
        context = super().get_context(request, *args, **kwargs)
        context["issues"] = (
            NewsletterIssuePage.objects.child_of(self)
            .live()
            .public()
            .filter(dispatch__state=DispatchState.SENT)
            .select_related("dispatch")
            .order_by("-dispatch__finished_at", "-pk")
        )
        return context


class IssueMode(models.TextChoices):
    CHOSEN = "chosen", "Chosen news items"
    DIGEST = "digest", "Digest of the latest news"


class NewsletterIssuePage(Page):
    """One issue: an introduction plus chosen news items, or a digest of recent news."""

    subject = models.CharField(
        max_length=150,
        blank=True,
        help_text="The e-mail's subject line. Leave empty to use the page title.",
    )
    preview_text = models.CharField(
        max_length=150,
        blank=True,
        help_text="Shown after the subject in most inboxes; not visible in the message itself.",
    )
    introduction = RichTextField(blank=True, features=EMAIL_RICH_TEXT_FEATURES)
    mode = models.CharField(
        "content", max_length=10, choices=IssueMode.choices, default=IssueMode.CHOSEN
    )
    digest_count = models.PositiveSmallIntegerField(
        "number of news items",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Digest: at most this many of the latest news items.",
    )
    digest_days = models.PositiveSmallIntegerField(
        "published in the last (days)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    digest_topics = ParentalManyToManyField(
        "directory.Topic",
        blank=True,
        related_name="newsletter_issue_digests",
        verbose_name="digest topics",
        help_text="Digest: only news about any of these topics. None = all news.",
    )
    target_topics = ParentalManyToManyField(
        "directory.Topic",
        blank=True,
        related_name="newsletter_issue_targets",
        verbose_name="send to subscribers of",
        help_text=(
            "Only subscribers interested in any of these topics receive the issue. "
            "None = the whole list."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("subject"),
        FieldPanel("preview_text"),
        FieldPanel("introduction"),
        FieldPanel("mode", widget=RadioSelect),
        InlinePanel(
            "items",
            heading="Chosen news items",
            label="News item",
            help_text="Used when the content is “Chosen news items”.",
        ),
        MultiFieldPanel(
            [
                FieldPanel("digest_count"),
                FieldPanel("digest_days"),
                FieldPanel("digest_topics", widget=CheckboxSelectMultiple),
            ],
            heading="Digest",
            help_text="Used when the content is “Digest of the latest news”.",
        ),
        FieldPanel("target_topics", widget=CheckboxSelectMultiple, heading="Recipients"),
        IssueStatusPanel(heading="Sending"),
    ]

    parent_page_types = ["newsletter_issues.NewsletterIndexPage"]
    subpage_types: list[str] = []

    #: The e-mail comes first, so Wagtail's preview panel opens on it.
    preview_modes = [
        ("email", "E-mail"),
        ("text", "E-mail (plain text)"),
        ("", "Web page"),
    ]

    class Meta:
        verbose_name = "newsletter issue"
        permissions = [
            (SEND_PERMISSION_CODENAME, "Can send newsletter issues (test, send, schedule)"),
        ]

    def get_admin_display_title(self) -> str:
        return self.draft_title or self.title

    @property
    def is_sent(self) -> bool:
        """Whether the issue went out: only then is its web version public."""
        dispatch = getattr(self, "dispatch", None)
        return dispatch is not None and dispatch.state == DispatchState.SENT

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """404 until sent: a published page is the ready web version, not an announcement.

        Subscribers must not read an issue on the site, nor search engines index it,
        before it reaches their inbox. Editors see it through Wagtail's preview.
        """
        if not self.is_sent:
            raise Http404("This newsletter issue has not been sent yet.")
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request: HttpRequest | None = None) -> list[dict[str, Any]]:
        return super().get_sitemap_urls(request) if self.is_sent else []

    @property
    def email_subject(self) -> str:
        return self.subject or self.title

    def news_items(self) -> list[NewsPage]:
        """The news this issue carries, in order; only live, public pages (links must work).

        Works on unsaved instances too (Wagtail's preview builds one from the form),
        because `items` and `digest_topics` are cluster relations.
        """
        from editorial.models import NewsPage

        if self.mode == IssueMode.DIGEST:
            since = timezone.localdate() - timedelta(days=self.digest_days)
            news = NewsPage.objects.live().public().filter(date__gte=since)
            topic_ids = [topic.pk for topic in self.digest_topics.all()]
            if topic_ids:
                news = news.filter(topics__in=topic_ids).distinct()
            return list(news.select_related("image").order_by("-date", "-pk")[: self.digest_count])
        chosen = [item.news_page_id for item in self.items.all() if item.news_page_id]
        pages = NewsPage.objects.live().public().select_related("image").in_bulk(chosen)
        seen: set[int] = set()
        result = []
        for page_id in chosen:
            if page_id in pages and page_id not in seen:
                seen.add(page_id)
                result.append(pages[page_id])
        return result

    def render_email(self, *, footer: str = "none") -> RenderedIssue:
        from .rendering import render_issue

        return render_issue(self, footer=footer)

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        """Show the e-mail exactly as the local backend builds it (footer included)."""
        from .rendering import preview_email

        if mode_name in ("email", "text"):
            html, text = preview_email(self, request)
            if mode_name == "text":
                return HttpResponse(text, content_type="text/plain; charset=utf-8")
            return HttpResponse(html)
        return super().serve_preview(request, mode_name)


def unsent_issues() -> models.QuerySet[NewsletterIssuePage]:
    """Issues not (yet) sent, published or not: hidden from every public listing."""
    return NewsletterIssuePage.objects.exclude(dispatch__state=DispatchState.SENT)


class NewsletterIssueItem(Orderable):
    """A news item chosen for an issue (an inline panel row)."""

    issue = ParentalKey(NewsletterIssuePage, on_delete=models.CASCADE, related_name="items")
    news_page = models.ForeignKey(
        "editorial.NewsPage", on_delete=models.CASCADE, related_name="+", verbose_name="news item"
    )

    panels = [FieldPanel("news_page")]

    def __str__(self) -> str:
        return f"{self.issue_id}: {self.news_page_id}"


class DispatchBackend(models.TextChoices):
    LOCAL = "local", "E-mail from this site"
    MAILCHIMP = "mailchimp", "Mailchimp campaign"


class DispatchState(models.TextChoices):
    DRAFT = "draft", "Not sent"
    SCHEDULED = "scheduled", "Scheduled"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"


class Dispatch(models.Model):
    """How and when an issue is (being) sent: one per issue, not versioned.

    `subject`, `preview_text`, `html` and `text` are a snapshot taken when the
    editor pressed Send or Schedule, so a send that runs for an hour, or resumes
    after a crash, sends the same content to everybody even if the page is edited
    meanwhile. `topics` is the recipients' snapshot for the same reason.
    """

    issue = models.OneToOneField(
        NewsletterIssuePage, on_delete=models.CASCADE, related_name="dispatch"
    )
    backend = models.CharField(max_length=10, choices=DispatchBackend.choices)
    state = models.CharField(
        max_length=10, choices=DispatchState.choices, default=DispatchState.DRAFT, db_index=True
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=150, blank=True)
    preview_text = models.CharField(max_length=150, blank=True)
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)
    topics = models.ManyToManyField("directory.Topic", blank=True, related_name="+")
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    prepared_at = models.DateTimeField(
        null=True, blank=True, help_text="When the local backend created the delivery rows."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of a local sending run."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    campaign_id = models.CharField(max_length=50, blank=True)
    campaign_web_id = models.CharField(max_length=50, blank=True)
    campaign_recipients = models.JSONField(
        default=dict,
        blank=True,
        help_text="The recipients object the Mailchimp campaign was created with.",
    )
    campaign_status = models.CharField(max_length=20, blank=True)
    emails_sent = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "newsletter dispatch"
        verbose_name_plural = "newsletter dispatches"

    def __str__(self) -> str:
        return f"{self.issue_id}: {self.get_state_display()} ({self.backend})"

    @property
    def is_locked(self) -> bool:
        """Sent, or on its way: the content and recipients can no longer change."""
        return self.state in (DispatchState.QUEUED, DispatchState.SENDING, DispatchState.SENT)


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Waiting"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (no longer subscribed)"
    FAILED = "failed", "Refused by the mail server"
    UNKNOWN = "unknown", "Interrupted (may or may not have been sent)"


class Delivery(models.Model):
    """One recipient of one issue sent by the local backend; at most one row per pair."""

    issue = models.ForeignKey(
        NewsletterIssuePage, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        "newsletter.Subscriber", on_delete=models.CASCADE, related_name="issue_deliveries"
    )
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="newsletter_issues_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["issue", "state"], name="nl_issues_delivery_state")]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id}: {self.state}"

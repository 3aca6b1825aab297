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

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.forms import CheckboxSelectMultiple, RadioSelect
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Locale, Orderable, Page

from common.i18n_pages import LocaleFallbackMixin

from .digest_records import DigestCampaign, DigestSend  # noqa: F401 (registered here)
from .editions import Edition, EditionContent  # noqa: F401 (Edition: registered here)
from .panels import IssueStatusPanel, NewListingsPanel

if TYPE_CHECKING:
    from editorial.models import NewsPage

    from .rendering import RenderedIssue

#: Rich-text features of the introduction: what survives in every mail client.
EMAIL_RICH_TEXT_FEATURES = ["bold", "italic", "link", "h3", "ol", "ul"]

SEND_PERMISSION_CODENAME = "send_newsletter"
#: The permission checked for "Send test", "Send now", "Schedule" and "Cancel schedule".
SEND_PERMISSION = f"newsletter_issues.{SEND_PERMISSION_CODENAME}"


class NewsletterIndexPage(LocaleFallbackMixin, Page):
    """The archive of past issues; the only place issues can be created.

    One per home page (not one in all): each language's home has its own
    translation of the archive, holding that language's issues.
    """

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["newsletter_issues.NewsletterIssuePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("newsletter archive")
        verbose_name_plural = _("newsletter archives")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Only issues that were actually sent belong in a public archive; a
        translation is sent with its English original, and dated by it."""
        context = super().get_context(request, *args, **kwargs)
        sent = Dispatch.objects.filter(
            state=DispatchState.SENT, issue__translation_key=OuterRef("translation_key")
        )
        context["issues"] = (
            NewsletterIssuePage.objects.child_of(self)
            .live()
            .public()
            .annotate(sent_at=Subquery(sent.values("finished_at")[:1]))
            .filter(translation_key__in=sent_keys())
            .order_by("-sent_at", "-pk")
        )
        return context


class IssueMode(models.TextChoices):
    CHOSEN = "chosen", _("Chosen news items")
    DIGEST = "digest", _("Digest of the latest news")


class NewsletterIssuePage(LocaleFallbackMixin, Page):
    """One issue: an introduction plus chosen news items, or a digest of recent news."""

    subject = models.CharField(
        _("subject"),
        max_length=150,
        blank=True,
        help_text=_("The e-mail's subject line. Leave empty to use the page title."),
    )
    preview_text = models.CharField(
        _("preview text"),
        max_length=150,
        blank=True,
        help_text=_("Shown after the subject in most inboxes; not visible in the message itself."),
    )
    introduction = RichTextField(_("introduction"), blank=True, features=EMAIL_RICH_TEXT_FEATURES)
    mode = models.CharField(
        _("content"), max_length=10, choices=IssueMode.choices, default=IssueMode.CHOSEN
    )
    digest_count = models.PositiveSmallIntegerField(
        _("number of news items"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Digest: at most this many of the latest news items."),
    )
    digest_days = models.PositiveSmallIntegerField(
        _("published in the last (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    digest_topics = ParentalManyToManyField(
        "directory.Topic",
        blank=True,
        related_name="newsletter_issue_digests",
        verbose_name=_("digest topics"),
        help_text=_("Digest: only news about any of these topics. None = all news."),
    )
    target_topics = ParentalManyToManyField(
        "directory.Topic",
        blank=True,
        related_name="newsletter_issue_targets",
        verbose_name=_("send to subscribers of"),
        help_text=_(
            "Only subscribers interested in any of these topics receive the issue. "
            "None = the whole list."
        ),
    )
    add_new_listings = models.BooleanField(
        _("add new opportunities and events"),
        default=True,
        help_text=_(
            "Also carry every opportunity and event published since the last issue was "
            "sent (listed below the pickers), after the ones chosen here."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("subject"),
        FieldPanel("preview_text"),
        FieldPanel("introduction"),
        FieldPanel("mode", widget=RadioSelect),
        InlinePanel(
            "items",
            heading=_("Chosen news items"),
            label=_("News item"),
            help_text=_("Used when the content is “Chosen news items”."),
        ),
        MultiFieldPanel(
            [
                FieldPanel("digest_count"),
                FieldPanel("digest_days"),
                FieldPanel("digest_topics", widget=CheckboxSelectMultiple),
            ],
            heading=_("Digest"),
            help_text=_("Used when the content is “Digest of the latest news”."),
        ),
        MultiFieldPanel(
            [
                FieldPanel("add_new_listings"),
                NewListingsPanel(heading=_("Published since the last issue")),
            ],
            heading=_("Opportunities and events"),
        ),
        InlinePanel(
            "opportunity_items",
            heading=_("Chosen opportunities"),
            label=_("Opportunity"),
        ),
        InlinePanel("event_items", heading=_("Chosen events"), label=_("Event")),
        FieldPanel("target_topics", widget=CheckboxSelectMultiple, heading=_("Recipients")),
        IssueStatusPanel(heading=_("Sending")),
    ]

    parent_page_types = ["newsletter_issues.NewsletterIndexPage"]
    subpage_types: list[str] = []

    #: The e-mail comes first, so Wagtail's preview panel opens on it.
    preview_modes = [
        ("email", _("E-mail")),
        ("text", _("E-mail (plain text)")),
        ("", _("Web page")),
    ]

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        permissions = [
            (SEND_PERMISSION_CODENAME, _("Can send newsletter issues (test, send, schedule)")),
        ]

    def get_admin_display_title(self) -> str:
        return self.draft_title or self.title

    # --- languages: one English issue, translated like any page ---------------

    @property
    def is_translation(self) -> bool:
        """A page in another locale than the default: content only, sent with its source.

        Only the issue in the default language (English) is sent, and it sends its
        translations with it; a translation has no send button of its own.
        """
        return self.locale_id != Locale.get_default().pk

    @cached_property
    def source_issue(self) -> NewsletterIssuePage | None:
        """The English issue this page translates (itself, for an English issue)."""
        if not self.is_translation:
            return self
        return (
            NewsletterIssuePage.objects.filter(
                translation_key=self.translation_key, locale=Locale.get_default()
            )
            .select_related("dispatch")
            .first()
        )

    @cached_property
    def sending(self) -> Dispatch | None:
        """How the issue (this page's English original, for a translation) is sent."""
        source = self.source_issue
        return getattr(source, "dispatch", None) if source is not None and source.pk else None

    @property
    def is_sent(self) -> bool:
        """Whether the issue went out: only then is its web version (in every language)
        public."""
        dispatch = self.sending
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
        """The news this issue carries, in order, in its language where translated
        (see `newsletter.issues.news`).

        A translation carries its English original's news (choosing news is not
        translating), each story in the translation's language where it can.
        """
        from .news import chosen_news, digest_news, in_language

        source = self.source_issue if self.is_translation else None
        if source is not None:
            return in_language(source.news_items(), self.locale_id)
        if self.mode == IssueMode.DIGEST:
            return digest_news(self)
        return chosen_news(self)

    def _listings(self, relation: str, field: str, queryset: Any) -> list[Any]:
        """Chosen pages of `relation` (in order), then, if asked, the new ones since the
        last issue; one per story, each in this issue's language where translated."""
        from .listings import in_language, one_per_story, published_since, since_last_issue

        source = self.source_issue if self.is_translation else self
        if source is None:
            return []
        ids = [getattr(row, f"{field}_id") for row in getattr(source, relation).all()]
        found = queryset.in_bulk([pk for pk in ids if pk])
        pages = [found[pk] for pk in ids if pk in found]
        if source.add_new_listings:
            new = published_since(queryset, since_last_issue(source))
            pages += list(new.order_by("first_published_at", "pk"))
        return in_language(one_per_story(pages), self.locale_id, queryset)

    def opportunities(self) -> list[Any]:
        """The opportunities this issue carries (chosen first, then new ones)."""
        from .listings import live_opportunities

        return self._listings("opportunity_items", "opportunity", live_opportunities())

    def events(self) -> list[Any]:
        """The events this issue carries (chosen first, then new ones)."""
        from .listings import live_events

        return self._listings("event_items", "event", live_events())

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


def sent_keys() -> models.QuerySet:
    """The translation keys of sent issues: the English page and all its translations."""
    return Dispatch.objects.filter(state=DispatchState.SENT).values("issue__translation_key")


def unsent_issues() -> models.QuerySet[NewsletterIssuePage]:
    """Issues not (yet) sent, in any language, published or not: hidden from every
    public listing."""
    return NewsletterIssuePage.objects.exclude(translation_key__in=sent_keys())


class NewsletterIssueItem(Orderable):
    """A news item chosen for an issue (an inline panel row)."""

    issue = ParentalKey(NewsletterIssuePage, on_delete=models.CASCADE, related_name="items")
    news_page = models.ForeignKey(
        "editorial.NewsPage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("news item"),
    )

    panels = [FieldPanel("news_page")]

    def __str__(self) -> str:
        return f"{self.issue_id}: {self.news_page_id}"


class NewsletterIssueOpportunity(Orderable):
    """An opportunity chosen for an issue (an inline panel row)."""

    issue = ParentalKey(
        NewsletterIssuePage, on_delete=models.CASCADE, related_name="opportunity_items"
    )
    opportunity = models.ForeignKey(
        "editorial.OpportunityPage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("opportunity"),
    )

    panels = [FieldPanel("opportunity")]

    def __str__(self) -> str:
        return f"{self.issue_id}: {self.opportunity_id}"


class NewsletterIssueEvent(Orderable):
    """An event chosen for an issue (an inline panel row)."""

    issue = ParentalKey(NewsletterIssuePage, on_delete=models.CASCADE, related_name="event_items")
    event = models.ForeignKey(
        "editorial.EventPage", on_delete=models.CASCADE, related_name="+", verbose_name=_("event")
    )

    panels = [FieldPanel("event")]

    def __str__(self) -> str:
        return f"{self.issue_id}: {self.event_id}"


class DispatchBackend(models.TextChoices):
    LOCAL = "local", _("E-mail from this site")
    MAILCHIMP = "mailchimp", _("Mailchimp campaign")


class DispatchState(models.TextChoices):
    DRAFT = "draft", _("Not sent")
    SCHEDULED = "scheduled", _("Scheduled")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", pgettext_lazy("state of a newsletter dispatch", "Sending")
    SENT = "sent", _("Sent")


class Dispatch(EditionContent):
    """How and when an issue is (being) sent: one per English issue, not versioned.

    Its `EditionContent` fields are the English edition: `subject`,
    `preview_text`, `html` and `text` are a snapshot taken when the editor pressed
    Send or Schedule, so a send that runs for an hour, or resumes after a crash,
    sends the same content to everybody even if the page is edited meanwhile.
    Published translations are frozen at the same moment into `editions`
    (`Edition` rows). `topics` is the recipients' snapshot for the same reason.
    """

    issue = models.OneToOneField(
        NewsletterIssuePage,
        on_delete=models.CASCADE,
        related_name="dispatch",
        verbose_name=_("issue"),
    )
    backend = models.CharField(_("backend"), max_length=10, choices=DispatchBackend.choices)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=DispatchState.choices,
        default=DispatchState.DRAFT,
        db_index=True,
    )
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    topics = models.ManyToManyField(
        "directory.Topic", blank=True, related_name="+", verbose_name=_("topics")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    prepared_at = models.DateTimeField(
        _("prepared"),
        null=True,
        blank=True,
        help_text=_("When the local backend created the delivery rows."),
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("heartbeat"),
        null=True,
        blank=True,
        help_text=_("Last sign of life of a local sending run."),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("newsletter dispatch")
        verbose_name_plural = _("newsletter dispatches")

    def __str__(self) -> str:
        return f"{self.issue_id}: {self.get_state_display()} ({self.backend})"

    @property
    def is_locked(self) -> bool:
        """Sent, or on its way: the content and recipients can no longer change."""
        return self.state in (DispatchState.QUEUED, DispatchState.SENDING, DispatchState.SENT)

    # --- the editions: English here, translations in `editions` ---------------

    @property
    def is_source(self) -> bool:
        return True

    @property
    def language(self) -> str:
        """The language of the content frozen on the dispatch itself: the source's."""
        from newsletter.languages import SOURCE_LANGUAGE

        return SOURCE_LANGUAGE

    def all_editions(self) -> list[EditionContent]:
        """English first, then each frozen translation (by language)."""
        return [self, *self.editions.order_by("language")]

    def edition_for(self, language: str | None) -> EditionContent:
        """The edition a subscriber with this language receives: theirs, else English."""
        if language and language != self.language:
            for edition in self.editions.all():
                if edition.language == language:
                    return edition
        return self


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped (no longer subscribed)")
    FAILED = "failed", _("Refused by the mail server")
    UNKNOWN = "unknown", _("Interrupted (may or may not have been sent)")


class Delivery(models.Model):
    """One recipient of one issue sent by the local backend; at most one row per pair.

    Always the English (source) issue: a subscriber gets exactly one message
    whatever the number of translations, in the edition of their language.
    """

    issue = models.ForeignKey(
        NewsletterIssuePage,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("issue"),
    )
    subscriber = models.ForeignKey(
        "newsletter.Subscriber",
        on_delete=models.CASCADE,
        related_name="issue_deliveries",
        verbose_name=_("subscriber"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="newsletter_issues_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["issue", "state"], name="nl_issues_delivery_state")]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id}: {self.state}"

"""One issue, one edition per language: what was frozen for each, and its Mailchimp campaign.

An issue is written in English (the source page) and may be translated like any
page (wagtail-localize; one page per locale, sharing a `translation_key`). When
Send or Schedule is pressed, every language is frozen at once:

* the source's content stays on `Dispatch` itself (its fields have always held
  the frozen English e-mail and its campaign, and still do);
* each published translation gets an `Edition` row with the same fields.

Both share `EditionContent`, so the backends handle "an edition" without
asking which kind it is: the local backend picks, per recipient, the edition in
their language (English when there is none); the Mailchimp backend makes one
campaign per edition, each aimed at its language's members.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from newsletter.models import NewsletterLanguage

#: `campaign_status` of an edition whose campaign had nobody to go to (no member in its
#: language among the recipients): done, without a send.
EMPTY = "empty"


class EditionContent(models.Model):
    """The frozen e-mail of one language, and the Mailchimp campaign that carries it."""

    subject = models.CharField(_("subject"), max_length=150, blank=True)
    preview_text = models.CharField(_("preview text"), max_length=150, blank=True)
    html = models.TextField(_("HTML"), blank=True)
    text = models.TextField(_("plain text"), blank=True)
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revision"),
    )
    campaign_id = models.CharField(_("campaign id"), max_length=50, blank=True)
    campaign_web_id = models.CharField(_("campaign web id"), max_length=50, blank=True)
    campaign_recipients = models.JSONField(
        _("campaign recipients"),
        default=dict,
        blank=True,
        help_text=_("The recipients object the Mailchimp campaign was created with."),
    )
    campaign_status = models.CharField(_("campaign status"), max_length=20, blank=True)
    campaign_sent_at = models.DateTimeField(
        _("campaign sent"),
        null=True,
        blank=True,
        help_text=_("When Mailchimp accepted the send (or was found sending): never sent twice."),
    )
    emails_sent = models.PositiveIntegerField(_("e-mails sent"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def went_out(self) -> bool:
        """Mailchimp sent this edition's campaign (not one skipped for want of readers)."""
        return bool(self.campaign_sent_at) and self.campaign_status != EMPTY

    @property
    def language_label(self) -> str:
        """The edition's language, named in itself ("Español")."""
        return str(NewsletterLanguage(self.language).label)


class Edition(EditionContent):
    """A translation of an issue, frozen for sending; the English one is the Dispatch."""

    dispatch = models.ForeignKey(
        "newsletter_issues.Dispatch",
        on_delete=models.CASCADE,
        related_name="editions",
        verbose_name=_("dispatch"),
    )
    language = models.CharField(_("language"), max_length=2, choices=NewsletterLanguage.choices)
    page = models.ForeignKey(
        "newsletter_issues.NewsletterIssuePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("translation"),
    )

    class Meta:
        verbose_name = _("newsletter edition")
        verbose_name_plural = _("newsletter editions")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "language"], name="newsletter_issues_edition_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispatch_id}: {self.language}"

    @property
    def is_source(self) -> bool:
        return False

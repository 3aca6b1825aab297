"""The weekly digest's ledger: who received which week's digest, and its campaigns.

`DigestSend` has one row per (subscriber, ISO week), guaranteed by a unique
constraint: a row is claimed (inserted) *before* a message goes out, so a second
run of `send_digests` in the same week, even a concurrent one, cannot insert the
row again and sends nothing. Rows are kept after sending: "since their last
digest" is read from them.

`DigestCampaign` is the Mailchimp path's: one row per (ISO week, language,
segment), claimed the same way before the campaign is created, holding the
campaign id as soon as Mailchimp hands it out and `sent_at` as soon as Mailchimp
accepts the send, so a retry never creates or sends a second campaign.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestState(models.TextChoices):
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class DigestCampaign(models.Model):
    iso_year = models.PositiveSmallIntegerField(_("ISO year"))
    iso_week = models.PositiveSmallIntegerField(_("ISO week"))
    language = models.CharField(_("language"), max_length=2)
    segment_key = models.CharField(
        _("segment"),
        max_length=64,
        help_text=_("The sorted topic ids the segment matches exactly (empty: no topics)."),
    )
    topics = models.ManyToManyField(
        "directory.Topic", blank=True, related_name="+", verbose_name=_("topics")
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    campaign_id = models.CharField(_("Mailchimp campaign id"), max_length=50, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    items = models.PositiveSmallIntegerField(_("items"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest campaign")
        verbose_name_plural = _("digest campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["iso_year", "iso_week", "language", "segment_key"],
                name="newsletter_issues_digest_campaign_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d} {self.language} [{self.segment_key}]"


class DigestSend(models.Model):
    subscriber = models.ForeignKey(
        "newsletter.Subscriber",
        on_delete=models.CASCADE,
        related_name="digest_sends",
        verbose_name=_("subscriber"),
    )
    iso_year = models.PositiveSmallIntegerField(_("ISO year"))
    iso_week = models.PositiveSmallIntegerField(_("ISO week"))
    state = models.CharField(
        _("state"), max_length=10, choices=DigestState.choices, default=DigestState.SENDING
    )
    items = models.PositiveSmallIntegerField(_("items"), default=0)
    campaign = models.ForeignKey(
        DigestCampaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sends",
        verbose_name=_("Mailchimp campaign"),
    )
    created_at = models.DateTimeField(_("claimed"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "iso_year", "iso_week"],
                name="newsletter_issues_digest_once_a_week",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id} {self.iso_year}-W{self.iso_week:02d}: {self.state}"

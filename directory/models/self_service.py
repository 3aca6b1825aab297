"""What researchers' own edits leave for editors: institution requests and pending erasures."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from wagtail.admin.panels import FieldPanel

from directory.models.institutions import Institution


class InstitutionRequest(models.Model):
    """A researcher's request for an institution the directory does not list yet.

    Researchers cannot create institutions (a typo would become a public page); an
    editor approves the request in the admin, which creates the institution and makes
    it the requester's primary institution.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=255)
    country = CountryField(_("country"))
    website = models.URLField(_("website"), blank=True)
    researcher = models.ForeignKey(
        "directory.ResearcherPage",
        on_delete=models.CASCADE,
        related_name="institution_requests",
        verbose_name=pgettext_lazy("institution request", "requested by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("institution created"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("country"),
        FieldPanel("website"),
        FieldPanel("status"),
        FieldPanel("institution"),
    ]

    class Meta:
        verbose_name = _("institution request")
        verbose_name_plural = _("institution requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Approving creates the institution (or takes the one the editor chose)."""
        with transaction.atomic():
            if self.status == self.Status.APPROVED and self.institution_id is None:
                self.institution = Institution.objects.filter(name__iexact=self.name).first()
                if self.institution is None:
                    self.institution = Institution.objects.create(
                        name=self.name, country=self.country, website=self.website
                    )
                super().save(*args, **kwargs)
                page = self.researcher
                if page.institution_id is None:
                    page.institution = self.institution
                    page.save(update_fields=["institution", "country_code"])
                return
            super().save(*args, **kwargs)


class PendingErasure(models.Model):
    """Part of a deleted account's data that could not be erased yet.

    Each eraser of `common.personal_data` (and the search engines) runs on its own;
    one that fails (an engine or a remote service down) is kept here and retried by
    `directory.erasure.retry_erasure_task` until it succeeds. The e-mail address is
    kept until then because it may be all that links a remote record to the person.
    """

    section = models.CharField(_("what"), max_length=60)
    user_id = models.IntegerField(_("account id"), null=True, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    page_id = models.IntegerField(_("profile id"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)

    class Meta:
        verbose_name = _("pending erasure")
        verbose_name_plural = _("pending erasures")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.section} ({self.attempts})"

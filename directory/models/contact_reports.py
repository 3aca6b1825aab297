"""Messages that researchers reported from the contact form (`directory.contact`)."""

from __future__ import annotations

from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

REPORT_SALT = "directory.contact.report"


def sender_digest(email: str) -> str:
    """A keyed hash of a sender's address: what a report blocks."""
    return salted_hmac(REPORT_SALT, email.strip().lower(), algorithm="sha256").hexdigest()


class ContactReport(models.Model):
    """A researcher's report that a message sent through the contact form was abuse.

    The contact form keeps neither messages nor senders' addresses; a report is the one
    exception, made by the researcher, who already has the address: editors need it to
    act. `sender_digest` (a keyed hash of the address) is what blocks the sender from
    contacting this researcher again; deleting the report lifts the block.
    """

    researcher = models.ForeignKey(
        "directory.ResearcherPage",
        on_delete=models.CASCADE,
        related_name="contact_reports",
        verbose_name=_("researcher"),
    )
    sender_name = models.CharField(_("sender's name"), max_length=120)
    sender_email = models.EmailField(_("sender's e-mail address"), max_length=254)
    sender_digest = models.CharField(_("sender's digest"), max_length=64, editable=False)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    message_sent_at = models.DateTimeField(_("message sent at"))
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact form report")
        verbose_name_plural = _("contact form reports")
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "sender_digest"], name="directory_contact_report_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sender_name}: {self.subject}" if self.subject else self.sender_name

    def save(self, *args, **kwargs):
        # Also for reports editors add by hand: the block follows the address.
        self.sender_digest = sender_digest(self.sender_email)
        super().save(*args, **kwargs)

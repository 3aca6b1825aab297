"""The durable outbox of changes for Mailchimp, and the little state the sync keeps.

Why an outbox table rather than calling Mailchimp from the request: a change is
written in the same transaction as the subscriber it describes, so it can never
be lost between "saved locally" and "sent to Mailchimp"; a worker delivers it
afterwards and keeps it (with the error) until Mailchimp has accepted it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def email_hash(email: str) -> str:
    """Mailchimp's subscriber hash: the MD5 of the lower-cased address."""
    return hashlib.md5((email or "").strip().lower().encode()).hexdigest()


class PendingChange(models.Model):
    """One local change on its way to Mailchimp.

    Upserts for one subscriber are coalesced while undelivered (the worker always
    sends the subscriber's current data, so one row per person is enough);
    `revision` counts the coalesced edits so the worker never marks a row
    delivered when a newer edit arrived while it was talking to Mailchimp.
    """

    class Action(models.TextChoices):
        UPSERT = "upsert", _("Add or update")
        ERASE = "erase", _("Erase permanently")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RETRYING = "retrying", _("Retrying")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        SUPERSEDED = "superseded", _("Superseded")

    #: States the worker still has to deliver.
    OPEN_STATES = (State.QUEUED, State.RETRYING)

    subscriber = models.ForeignKey(
        "newsletter.Subscriber",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailchimp_changes",
        verbose_name=_("subscriber"),
    )
    email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    previous_email = models.EmailField(
        _("previous address"),
        max_length=254,
        blank=True,
        help_text=_("The address Mailchimp still knows, when the address changed."),
    )
    action = models.CharField(
        _("action"), max_length=10, choices=Action.choices, default=Action.UPSERT
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    confirm = models.BooleanField(
        _("confirm"),
        default=False,
        help_text=_("The person completed double opt-in: send status 'subscribed'."),
    )
    reopt_in = models.BooleanField(
        _("re-opt-in"),
        default=False,
        help_text=_(
            "The person (re-)asked to join: if they had left Mailchimp, ask it for "
            "double opt-in ('pending') so it sends its confirmation e-mail."
        ),
    )
    reconfirm = models.BooleanField(
        _("reconfirm"),
        default=False,
        help_text=_(
            "Mailchimp said 'subscribed' for someone who had left on the site: ask "
            "it for double opt-in ('pending') whatever its status, so they confirm first."
        ),
    )
    local_status = models.CharField(
        _("local status"),
        max_length=12,
        blank=True,
        help_text=_("The subscriber's local status when last queued."),
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_status = models.PositiveSmallIntegerField(
        _("last HTTP status"),
        null=True,
        blank=True,
        help_text=_("HTTP status of the last failed attempt."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Mailchimp change")
        verbose_name_plural = _("Mailchimp changes")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="mc_change_due")]

    def __str__(self) -> str:
        who = self.email or f"#{self.subscriber_id or '—'}"
        return f"{self.get_action_display()} {who}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def can_retry(self) -> bool:
        return self.state in (*self.OPEN_STATES, self.State.FAILED)

    def address(self) -> str:
        """The address, or a note once an erasure has removed it."""
        return self.email or (str(_("(erased)")) if self.action == self.Action.ERASE else "—")

    address.short_description = _("Address")  # type: ignore[attr-defined]
    address.admin_order_field = "email"  # type: ignore[attr-defined]

    def error_summary(self) -> str:
        text = " ".join(self.last_error.split())
        return text if len(text) <= 140 else text[:139] + "…"

    error_summary.short_description = _("Last error")  # type: ignore[attr-defined]


class SyncState(models.Model):
    """Named values the sync remembers (interest category id, last pull, worker lease).

    `locked_until` makes a row usable as a lease: claimed with one conditional
    UPDATE, so it works the same on SQLite and PostgreSQL without long transactions.
    """

    key = models.CharField(_("key"), max_length=60, primary_key=True)
    value = models.TextField(_("value"), blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Mailchimp sync state")
        verbose_name_plural = _("Mailchimp sync states")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

    @classmethod
    def get_value(cls, key: str, default: str = "") -> str:
        row = cls.objects.filter(key=key).values_list("value", flat=True).first()
        return row if row is not None else default

    @classmethod
    def set_value(cls, key: str, value: str) -> None:
        cls.objects.update_or_create(key=key, defaults={"value": value})


class TopicInterest(models.Model):
    """Which Mailchimp interest (in the "Topics" category) stands for which topic."""

    topic = models.OneToOneField(
        "directory.Topic",
        on_delete=models.CASCADE,
        related_name="mailchimp_interest",
        verbose_name=_("topic"),
    )
    interest_id = models.CharField(_("interest id"), max_length=32, unique=True)
    name = models.CharField(
        _("name"), max_length=120, help_text=_("The interest's name in Mailchimp.")
    )

    class Meta:
        verbose_name = _("Mailchimp topic interest")
        verbose_name_plural = _("Mailchimp topic interests")

    def __str__(self) -> str:
        return f"{self.topic} → {self.interest_id}"


class ArchivedContact(models.Model):
    """A member archived ("deleted") in Mailchimp, by subscriber hash only.

    A PUT (and a PATCH) on an archived member restores it, so the sync writes to
    these members only for the person's own sign-up or confirmation; anything else
    (an edit, `newsletter_sync --push --all`) leaves them deleted there. The row
    goes when the person re-opts in or Mailchimp lists the member again.
    """

    email_hash = models.CharField(_("subscriber hash"), max_length=32, primary_key=True)
    archived_at = models.DateTimeField(_("archived"), default=timezone.now)

    class Meta:
        verbose_name = _("Mailchimp archived contact")
        verbose_name_plural = _("Mailchimp archived contacts")

    def __str__(self) -> str:
        return self.email_hash

    @classmethod
    def record(cls, email: str, at: datetime | None = None) -> None:
        cls.objects.update_or_create(
            email_hash=email_hash(email), defaults={"archived_at": at or timezone.now()}
        )

    @classmethod
    def forget(cls, email: str, seen_at: datetime | None = None) -> None:
        """The member is listed again; `seen_at`: only if archived before then (a late
        event from before the deletion must not undo it)."""
        rows = cls.objects.filter(email_hash=email_hash(email))
        if seen_at is not None:
            rows = rows.filter(archived_at__lt=seen_at)
        rows.delete()

    @classmethod
    def holds(cls, email: str) -> bool:
        return cls.objects.filter(email_hash=email_hash(email)).exists()

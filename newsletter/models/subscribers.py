"""Subscribers of the mailing list and the consent each one gave.

The domain operations (sign-up, confirmation, preferences, unsubscribe, erasure)
live in `newsletter.services`; they are the only code that should change a
subscriber's status, because they also record consent and send the signals the
Mailchimp sync follows.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.models.functions import Lower
from django.db.models.signals import post_save
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from directory.choices import CareerStage


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Pending confirmation")
    SUBSCRIBED = "subscribed", _("Subscribed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    CLEANED = "cleaned", _("Cleaned (address bounced)")


class NewsletterLanguage(models.TextChoices):
    """Mailchimp's codes; each language is named in itself (a reader looks for their
    own language's name, whatever the page's language), so the labels stay untranslated."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Español"
    PORTUGUESE = "pt", "Português"


# Sent whenever the site changes a subscriber locally (not when the change came
# from Mailchimp), with `subscriber` and `previous_email` (None unless the
# address changed), and `confirmed` (True when the person just completed double
# opt-in, else None). The Mailchimp sync queues outward changes from it. It is sent
# explicitly by `newsletter.services` (never from post_save), inside the same
# transaction as the change, so the webhook handler can save without echoing.
subscriber_changed = Signal()
# Sent before a subscriber is erased, with `email` (and `subscriber`, still in
# the database): the sync deletes the member permanently.
subscriber_erased = Signal()


def normalise_email(email: str) -> str:
    """The one stored form of an address: trimmed and lower-cased.

    Lower-casing the local part is not strictly RFC 5321, but no real mailbox
    provider distinguishes case, and Mailchimp's member id (the MD5 of the
    lower-cased address) already assumes it.
    """
    return (email or "").strip().lower()


class SubscriberQuerySet(models.QuerySet):
    def for_email(self, email: str) -> SubscriberQuerySet:
        """Match an address case-insensitively, through the functional unique index.

        `email__iexact` would compile to UPPER(...) on PostgreSQL and miss the
        LOWER(email) index the constraint creates.
        """
        return self.alias(email_lower=Lower("email")).filter(email_lower=normalise_email(email))


class Subscriber(models.Model):
    email = models.EmailField(
        _("e-mail address"),
        max_length=254,
        help_text=_("Stored lower-cased; unique case-insensitively."),
    )
    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=NewsletterLanguage.choices,
        default=NewsletterLanguage.ENGLISH,
        help_text=_("Every e-mail to this person, and every newsletter issue, is in it."),
    )
    topics = models.ManyToManyField(
        "directory.Topic",
        blank=True,
        related_name="subscribers",
        verbose_name=_("topics"),
        help_text=_("Topic interests"),
    )
    country = CountryField(
        _("country"),
        blank=True,
        help_text=_("Optional: where the person works. Narrows the digest's opportunities."),
    )
    career_stage = models.CharField(
        _("career stage"),
        max_length=20,
        choices=CareerStage.choices,
        blank=True,
        help_text=_("Optional. Narrows the digest's opportunities."),
    )
    digest = models.BooleanField(
        _("weekly digest"),
        default=False,
        help_text=_("Receives the personalised weekly digest (opted in by the person)."),
    )
    digest_consent_at = models.DateTimeField(
        _("digest opted in"),
        null=True,
        blank=True,
        help_text=_("When the person last ticked the weekly digest."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
        db_index=True,
    )
    researcher = models.ForeignKey(
        "directory.ResearcherPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subscriptions",
        verbose_name=_("researcher"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    pending_email = models.EmailField(
        _("new address awaiting confirmation"),
        max_length=254,
        blank=True,
        help_text=_(
            "An address an administrator entered for this person. It replaces the current "
            "address only when its owner confirms it from the e-mail sent to it."
        ),
    )
    mailchimp_last_changed = models.DateTimeField(
        _("Mailchimp last changed"),
        null=True,
        blank=True,
        help_text=_("Mailchimp's last_changed for this member, if known."),
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="newsletter_subscriber_email_ci_unique",
                violation_error_message=_("A subscriber with this e-mail address already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def subscriber_hash(self) -> str:
        """Mailchimp's member id: the MD5 of the lower-cased address."""
        return hashlib.md5(self.email.lower().encode()).hexdigest()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    full_name.fget.short_description = _("name")  # type: ignore[attr-defined]

    @property
    def is_active(self) -> bool:
        """Whether list e-mail (other than a confirmation) may be sent to this address."""
        return self.status == SubscriberStatus.SUBSCRIBED


class ConsentKind(models.TextChoices):
    SIGNUP = "signup", _("Sign-up form")
    CONFIRMATION = "confirmation", _("Confirmation link (double opt-in)")
    ADMIN = "admin", _("Added by an administrator")
    WITHDRAWAL = "withdrawal", _("Withdrawal (unsubscribe)")


class Consent(models.Model):
    """What a person agreed to (or withdrew), when, from where: evidence of consent.

    Rows are only ever added, never edited, so the history stays trustworthy.
    """

    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("subscriber"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=ConsentKind.choices, default=ConsentKind.SIGNUP
    )
    text = models.TextField(_("text"), help_text=_("The consent text exactly as shown."))
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    source_url = models.URLField(_("source page"), max_length=500, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.subscriber} at {self.given_at:%Y-%m-%d %H:%M}"


def _link_subscribers_to_researcher(sender, instance, raw=False, update_fields=None, **kwargs):
    """Keep `Subscriber.researcher` in step when a profile's address is set or changed.

    Connected with a lazy sender string so the newsletter app need not import the
    directory's models at load time. Saves that cannot have changed the address
    (fixtures, revisions with `update_fields`) cost nothing. Only subscribers whose
    link actually changes are saved, and each is a local change the sync hears about.
    """
    if raw or (update_fields is not None and "email" not in update_fields):
        return
    from newsletter.services import notify_changed

    email = normalise_email(instance.email)
    changed: list[Subscriber] = []
    for subscriber in Subscriber.objects.filter(researcher_id=instance.pk).exclude(email=email):
        subscriber.researcher = None
        changed.append(subscriber)
    if email:
        for subscriber in Subscriber.objects.for_email(email).filter(researcher__isnull=True):
            subscriber.researcher_id = instance.pk
            changed.append(subscriber)
    for subscriber in changed:
        subscriber.save(update_fields=["researcher", "updated_at"])
        notify_changed(subscriber)


post_save.connect(
    _link_subscribers_to_researcher,
    sender="directory.ResearcherPage",
    dispatch_uid="newsletter_link_subscribers_to_researcher",
)

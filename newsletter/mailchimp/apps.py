from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailchimpSyncConfig(AppConfig):
    """Two-way sync of the subscribers with a Mailchimp audience (when configured)."""

    name = "newsletter.mailchimp"
    label = "newsletter_mailchimp"
    verbose_name = _("Mailchimp sync")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Follow local subscriber changes; the receivers do nothing unless configured."""
        from newsletter.mailchimp import receivers
        from newsletter.models.subscribers import subscriber_changed, subscriber_erased

        subscriber_changed.connect(
            receivers.on_subscriber_changed, dispatch_uid="newsletter_mailchimp_changed"
        )
        subscriber_erased.connect(
            receivers.on_subscriber_erased, dispatch_uid="newsletter_mailchimp_erased"
        )

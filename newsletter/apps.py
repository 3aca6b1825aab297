from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Take part in "Download my data" and "Delete my profile and account"."""
        from common import personal_data
        from newsletter.personal_data import erase_subscription, export_subscription

        personal_data.register(
            "newsletter", exporter=export_subscription, eraser=erase_subscription
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterIssuesConfig(AppConfig):
    """Newsletter issues composed in Wagtail and sent as campaigns or e-mail batches."""

    name = "newsletter.issues"
    label = "newsletter_issues"
    verbose_name = _("Newsletter issues")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from common import unlisted
        from newsletter.issues.models import unsent_issues

        # Published but not yet sent: off site search and the pages API (docs/security.md).
        unlisted.register(unsent_issues)

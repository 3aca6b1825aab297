from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("News, events and opportunities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from common.page_cache import register_scheduled_changes
        from editorial import signals  # noqa: F401 (connects the demo receiver)
        from editorial.highlights import register_hub_sections
        from editorial.scheduled_changes import next_change

        register_scheduled_changes(next_change)
        register_hub_sections()

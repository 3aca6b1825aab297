from django.apps import AppConfig
from django.db.models.signals import post_migrate


class WebsiteConfig(AppConfig):
    name = "website"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from common import locales
        from website import cache_invalidation
        from website.sites import sync_default_site_after_migrate

        cache_invalidation.connect()
        # Wagtail looks up the visitor's Locale on every page: kept per process.
        locales.install()

        # Sent once per app by `migrate`; with `sender=self`, once per run, after
        # website's own migrations (which create the default site) have run.
        post_migrate.connect(sync_default_site_after_migrate, sender=self)

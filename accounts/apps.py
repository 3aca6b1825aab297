from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Public accounts, joining the directory, invitations and consent records."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import personal_data, signals  # noqa: F401
        from common import personal_data as registry

        registry.register("accounts", exporter=personal_data.export, eraser=personal_data.erase)

from django.apps import AppConfig


class OrcidProviderConfig(AppConfig):
    name = "accounts.orcid"
    label = "accounts_orcid"
    verbose_name = "ORCID sign-in"

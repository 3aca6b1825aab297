from django.apps import AppConfig


def unlisted_profiles():
    """Profiles their researchers chose not to list, for `common.unlisted`'s listings."""
    from directory.models import ResearcherPage

    return ResearcherPage.objects.filter(listed=False)


class DirectoryConfig(AppConfig):
    name = "directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from common import personal_data, unlisted
        from directory import signals  # noqa: F401
        from directory.self_service.personal_data import erase_profile, export_profile

        unlisted.register(unlisted_profiles)
        personal_data.register("directory", exporter=export_profile, eraser=erase_profile)

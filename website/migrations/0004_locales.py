"""The three content locales: the existing English locale becomes "en", and Spanish and
Brazilian Portuguese are added, so editors can translate pages from the start."""

from django.db import migrations


def create_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    if not Locale.objects.filter(language_code="en").exists():
        Locale.objects.filter(language_code__in=["en-gb", "en-us"]).update(language_code="en")
    for code in ("en", "es", "pt-br"):
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0003_postgres_unaccent_search_config"),
        ("wagtailcore", "0057_page_locale_fields_notnull"),
    ]

    operations = [migrations.RunPython(create_locales, migrations.RunPython.noop)]

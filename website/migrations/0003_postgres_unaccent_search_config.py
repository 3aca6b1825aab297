"""On PostgreSQL, a text search configuration that folds accents.

Wagtail's database search backend uses it (SEARCH_CONFIG = "website_unaccent"),
so "Jose Perez" finds "José Pérez" and "Sao Paulo" finds "São Paulo". SQLite's
FTS5 unicode61 tokenizer already folds accents, so nothing is done there.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'website_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION website_unaccent (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION website_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
    END IF;
END
$$;
"""

DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS website_unaccent;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("website", "0002_initial_pages")]
    operations = [migrations.RunPython(forwards, backwards)]

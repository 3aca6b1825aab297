"""News leaves `website/` for `editorial/` (issue 10), keeping every page as it was.

The tables are renamed to the new app's names (the topics table with them), and the
two content-type rows get the new app label: the rows keep their ids, so each page's
`content_type`, its revisions, search index entries and permissions follow without
being touched. Page ids, paths and URLs do not change at all.

The state moved first (editorial 0001), and the newsletter's foreign key was pointed
at the new model (newsletter_issues 0003), so here the old models only leave the
state. Reversible: backwards renames the tables back and restores the labels.
"""

from django.db import migrations

MODELS = ("newsindexpage", "newspage")


def relabel(old_label: str, new_label: str):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        Page = apps.get_model("wagtailcore", "Page")
        for model in MODELS:
            moving = ContentType.objects.filter(app_label=old_label, model=model).first()
            if moving is None:
                continue
            stale = ContentType.objects.filter(app_label=new_label, model=model).first()
            if stale is not None:
                # A row made for the new label before this ran (post_migrate on a
                # database where the app was already installed): nothing real uses it,
                # but point any page at the row that keeps the history, then drop it.
                Page.objects.filter(content_type=stale).update(content_type=moving)
                stale.delete()
            moving.app_label = new_label
            moving.save(update_fields=["app_label"])

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0004_locales"),
        ("editorial", "0001_news_from_website"),
        ("newsletter_issues", "0003_news_items_in_editorial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("newsindexpage", "editorial_newsindexpage"),
                migrations.AlterModelTable("newspage", "editorial_newspage"),
            ],
            state_operations=[
                migrations.DeleteModel("NewsPage"),
                migrations.DeleteModel("NewsIndexPage"),
            ],
        ),
        migrations.RunPython(
            relabel("website", "editorial"), relabel("editorial", "website"), elidable=False
        ),
    ]

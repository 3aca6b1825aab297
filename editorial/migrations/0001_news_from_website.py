"""News moves here from `website/`: the models, not the rows.

State only: the tables already exist (created by website 0001 as website_newsindexpage
and website_newspage). website 0005, which runs after this one and after the
newsletter's foreign key is pointed here, renames them to this app's names and moves
the two content types, so pages keep their ids, URLs, revisions and permissions.
"""

import django.db.models.deletion
import django.utils.timezone
import modelcluster.fields
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("website", "0004_locales"),
        ("directory", "0004_taxonomy_translations"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="NewsIndexPage",
                    fields=[
                        (
                            "page_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                        ("intro", wagtail.fields.RichTextField(blank=True, verbose_name="intro")),
                    ],
                    options={
                        "verbose_name": "news index",
                        "verbose_name_plural": "news indexes",
                    },
                    bases=("wagtailcore.page",),
                ),
                migrations.CreateModel(
                    name="NewsPage",
                    fields=[
                        (
                            "page_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                        (
                            "date",
                            models.DateField(
                                default=django.utils.timezone.localdate,
                                verbose_name="published on",
                            ),
                        ),
                        (
                            "summary",
                            models.CharField(blank=True, max_length=300, verbose_name="summary"),
                        ),
                        ("body", wagtail.fields.RichTextField(blank=True, verbose_name="body")),
                        (
                            "image",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="wagtailimages.image",
                                verbose_name="image",
                            ),
                        ),
                        (
                            "topics",
                            modelcluster.fields.ParentalManyToManyField(
                                blank=True,
                                related_name="news",
                                to="directory.topic",
                                verbose_name="topics",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "news item",
                        "verbose_name_plural": "news items",
                    },
                    bases=("wagtailcore.page",),
                ),
            ],
        ),
    ]

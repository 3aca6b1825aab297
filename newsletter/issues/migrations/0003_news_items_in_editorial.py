"""An issue's news items are `editorial.NewsPage` now (issue 10 moved news there).

State only: the column and its constraint stay as they are. website 0005 renames the
table they point at, and both PostgreSQL and SQLite (3.26+) carry a foreign key along
when the table it references is renamed.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_news_from_website"),
        ("newsletter_issues", "0002_newsletter_archive_page"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="newsletterissueitem",
                    name="news_page",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="editorial.newspage",
                        verbose_name="news item",
                    ),
                ),
            ],
        ),
    ]

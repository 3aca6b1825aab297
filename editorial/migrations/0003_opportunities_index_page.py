"""/opportunities/ on every site that has a home page, so the listing exists at once.

Written with the historical models, as website 0002 made the first pages: the page
is added as the home page's last child (treebeard's path: four base-36 digits a
level). Nothing is done when there is no home page yet, when an opportunities index
already exists, or when the home page already has a child called "opportunities".
"""

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEP = 4


def base36(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEP, "0")


def create_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("website", "HomePage")
    OpportunityIndexPage = apps.get_model("editorial", "OpportunityIndexPage")

    home = HomePage.objects.order_by("path").first()
    if home is None or OpportunityIndexPage.objects.exists():
        return
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    if children.filter(slug="opportunities").exists():
        return
    last = children.order_by("-path").values_list("path", flat=True).first()
    position = int(last[-STEP:], 36) + 1 if last else 1
    content_type, _ = ContentType.objects.get_or_create(
        app_label="editorial", model="opportunityindexpage"
    )
    OpportunityIndexPage.objects.create(
        title="Opportunities",
        draft_title="Opportunities",
        slug="opportunities",
        content_type=content_type,
        path=home.path + base36(position),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}opportunities/",
        locale_id=home.locale_id,
        live=True,
        intro="<p>Funding calls, fellowships, exchanges, studentships and jobs for battery "
        "researchers across the UK and Latin America.</p>",
    )
    Page.objects.filter(pk=home.pk).update(numchild=children.count())


def remove_index(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    OpportunityIndexPage = apps.get_model("editorial", "OpportunityIndexPage")
    for index in OpportunityIndexPage.objects.filter(numchild=0):
        parent_path = index.path[:-STEP]
        index.delete()
        parent = Page.objects.filter(path=parent_path).first()
        if parent is not None:
            count = Page.objects.filter(path__startswith=parent_path, depth=parent.depth + 1)
            Page.objects.filter(pk=parent.pk).update(numchild=count.count())


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0002_opportunities"),
        ("website", "0005_news_moves_to_editorial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_index, remove_index)]

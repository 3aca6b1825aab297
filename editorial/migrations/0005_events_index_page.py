"""Create the events listing below the home page, at /events/, so that events have
somewhere to go (`EventPage.parent_page_types`) and the calendars a page to link to."""

from django.db import migrations

TITLE = "Events"
SLUG = "events"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, as Wagtail uses it
STEPLEN = 4


def _next_path(parent, children) -> str:
    last = children.order_by("-path").values_list("path", flat=True).first()
    position = 1
    if last:
        segment = last[-STEPLEN:]
        position = sum(ALPHABET.index(c) * 36**i for i, c in enumerate(reversed(segment))) + 1
    digits = ""
    for _ in range(STEPLEN):
        position, digit = divmod(position, 36)
        digits = ALPHABET[digit] + digits
    return parent.path + digits


def create_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("website", "HomePage")
    EventIndexPage = apps.get_model("editorial", "EventIndexPage")

    home = HomePage.objects.first()
    if home is None or EventIndexPage.objects.exists():
        return
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    if children.filter(slug=SLUG).exists():
        return  # an editor's page has the slug; leave the tree alone
    content_type, _ = ContentType.objects.get_or_create(
        app_label="editorial", model="eventindexpage"
    )
    EventIndexPage.objects.create(
        title=TITLE,
        draft_title=TITLE,
        slug=SLUG,
        content_type=content_type,
        path=_next_path(home, children),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}{SLUG}/",
        locale_id=home.locale_id,
        live=True,
        intro="<p>Conferences, seminars, workshops, summer schools and lab visits "
        "across the UK and Latin America, in person and online.</p>",
    )
    Page.objects.filter(pk=home.pk).update(numchild=children.count())


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0004_events"),
        ("website", "0002_initial_pages"),
    ]
    operations = [migrations.RunPython(create_index, migrations.RunPython.noop)]

"""Replace Wagtail's welcome page with the home page, the directory and the news index."""

from django.db import migrations


def create_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("website", "HomePage")
    NewsIndexPage = apps.get_model("website", "NewsIndexPage")
    DirectoryIndexPage = apps.get_model("directory", "DirectoryIndexPage")

    if HomePage.objects.exists():
        return
    Page.objects.filter(depth=2, slug="home").delete()
    locale = Locale.objects.first()
    root = Page.objects.get(depth=1)

    def content_type(model):
        meta = model._meta
        return ContentType.objects.get_or_create(app_label=meta.app_label, model=meta.model_name)[0]

    home = HomePage.objects.create(
        title="UK–Latin America Battery Research Network",
        draft_title="UK–Latin America Battery Research Network",
        slug="home",
        content_type=content_type(HomePage),
        path=f"{root.path}0002",
        depth=2,
        numchild=2,
        url_path="/home/",
        locale=locale,
        intro="<p>Find the people behind lithium, materials, cells and recycling research "
        "across the UK and Latin America, and work with them.</p>",
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    for position, (model, title, slug) in enumerate(
        [
            (DirectoryIndexPage, "Researcher directory", "directory"),
            (NewsIndexPage, "News", "news"),
        ],
        start=1,
    ):
        model.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=content_type(model),
            path=f"{home.path}{position:04d}",
            depth=3,
            numchild=0,
            url_path=f"/home/{slug}/",
            locale=locale,
        )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page_id": home.pk,
            "site_name": "UK–LatAm Battery Network",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0001_initial"),
        ("directory", "0002_topics_and_languages"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]

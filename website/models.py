"""The home page and the site-wide settings; news and the rest live in `editorial/`."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page


@register_setting(icon="cog")
class SiteSettings(BaseGenericSetting):
    demo_data_loaded = models.BooleanField(
        default=False,
        help_text="Shows a notice on every page that the profiles are fictional demo data.",
    )

    panels = [FieldPanel("demo_data_loaded")]

    class Meta:
        verbose_name = "site settings"


class HomePage(Page):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = [
        "directory.DirectoryIndexPage",
        "editorial.NewsIndexPage",
        "editorial.OpportunityIndexPage",
        "newsletter_issues.NewsletterIndexPage",
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from directory.models import Institution, ResearcherPage
        from editorial.models import NewsPage

        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = (
            NewsPage.objects.live().select_related("image").order_by("-date", "-pk")[:3]
        )
        researchers = ResearcherPage.objects.listed()
        context["figures"] = {
            "researchers": researchers.count(),
            "institutions": Institution.objects.count(),
            "countries": researchers.exclude(country_code="")
            .values("country_code")
            .distinct()
            .count(),
        }
        context["directory"] = Page.objects.type(_directory_index()).live().first()
        return context


def _directory_index():
    from directory.models import DirectoryIndexPage

    return DirectoryIndexPage

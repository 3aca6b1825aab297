"""The home page and the site-wide settings; news and the rest live in `editorial/`."""

from __future__ import annotations

from django.db import models
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from common.i18n_pages import LocaleFallbackMixin, localized_pages


@register_setting(icon="cog")
class SiteSettings(BaseGenericSetting):
    demo_data_loaded = models.BooleanField(
        _("demo data loaded"),
        default=False,
        help_text=_("Shows a notice on every page that the profiles are fictional demo data."),
    )

    panels = [FieldPanel("demo_data_loaded")]

    class Meta:
        verbose_name = _("site settings")


class HomePage(LocaleFallbackMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = [
        "directory.DirectoryIndexPage",
        "editorial.NewsIndexPage",
        "editorial.OpportunityIndexPage",
        "newsletter_issues.NewsletterIndexPage",
        "editorial.EventIndexPage",
    ]
    parent_page_types = ["wagtailcore.Page"]
    # Editors create one home page; its translations are copies made by wagtail-localize
    # (Page.copy checks no max_count).
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from directory.models import Institution, ResearcherPage
        from editorial.highlights import open_opportunities, upcoming_events
        from editorial.models import NewsPage
        from editorial.zones import visitor_zone

        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = localized_pages(
            NewsPage.objects.live().select_related("image").order_by("-date", "-pk")
        )[:3]
        # Beside the news: what is coming up and what closes first (one query each).
        context["upcoming_events"] = upcoming_events()
        context["closing_opportunities"] = open_opportunities(request)
        context["visitor_zone"] = visitor_zone(request)
        researchers = ResearcherPage.objects.listed()
        context["figures"] = {
            "researchers": researchers.count(),
            "institutions": Institution.objects.count(),
            "countries": researchers.exclude(country_code="")
            .values("country_code")
            .distinct()
            .count(),
        }
        # The specific page (not a base Page): its URL follows the visitor's language.
        context["directory"] = localized_pages(_directory_index().objects.live()).first()
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # Event times and deadlines are shown in the visitor's zone (the `tz` cookie).
        patch_vary_headers(response, ["Cookie"])
        return response


def _directory_index():
    from directory.models import DirectoryIndexPage

    return DirectoryIndexPage

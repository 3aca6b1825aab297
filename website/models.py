"""Home page, news, and site-wide settings."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.forms import CheckboxSelectMultiple
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Page
from wagtail.search import index

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
        "website.NewsIndexPage",
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

        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = localized_pages(
            NewsPage.objects.live().select_related("image").order_by("-date", "-pk")
        )[:3]
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


def _directory_index():
    from directory.models import DirectoryIndexPage

    return DirectoryIndexPage


class NewsIndexPage(Page):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = "news index"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = (
            NewsPage.objects.child_of(self)
            .live()
            .select_related("image")
            .prefetch_related("topics")
            .order_by("-date", "-pk")
        )
        context["page_obj"] = Paginator(items, 10).get_page(request.GET.get("page"))
        return context


class NewsPage(Page):
    date = models.DateField("published on", default=timezone.localdate)
    summary = models.CharField(max_length=300, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = RichTextField(blank=True)
    topics = ParentalManyToManyField("directory.Topic", blank=True, related_name="news")

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("topics", widget=CheckboxSelectMultiple),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("topics", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("date"),
        APIField("summary"),
        APIField("body"),
        APIField("image_thumbnail", serializer=ImageRenditionField("fill-400x240", source="image")),
    ]
    parent_page_types = ["website.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "news item"

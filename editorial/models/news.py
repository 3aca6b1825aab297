"""News: an index page and the items below it.

These models lived in `website/` until issue 10; the migrations that moved them
(editorial 0001, website 0005) kept their rows, page ids, URLs and content types, so
every link to a news item still works.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.forms import CheckboxSelectMultiple
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, re_path
from wagtail.fields import RichTextField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Page
from wagtail.search import index

from common.i18n_pages import LocaleFallbackMixin

#: Items on one page of the news index.
NEWS_PAGE_SIZE = 10


class NewsIndexPage(LocaleFallbackMixin, RoutablePageMixin, Page):
    """/news/: every news item lives below this page; its feeds are routes of it."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"], verbose_name=_("intro"))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["editorial.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = (
            NewsPage.objects.child_of(self)
            .live()
            .select_related("image")
            .prefetch_related("topics")
            .order_by("-date", "-pk")
        )
        context["page_obj"] = Paginator(items, NEWS_PAGE_SIZE).get_page(request.GET.get("page"))
        base = self.get_url(request) or "/"
        context["feeds"] = {
            flavour: base + self.reverse_subpage("feed", kwargs={"flavour": flavour})
            for flavour in ("rss", "atom")
        }
        return context

    @re_path(r"^feed/(?P<flavour>rss|atom)/$")
    def feed(self, request, flavour: str):
        from editorial.feeds import NewsFeed

        return NewsFeed(self, flavour)(request)

    @re_path(r"^feed/(?P<topic>[-\w]+)/(?P<flavour>rss|atom)/$")
    def topic_feed(self, request, topic: str, flavour: str):
        from editorial.feeds import NewsFeed

        return NewsFeed(self, flavour, topic_slug=topic)(request)


class NewsPage(LocaleFallbackMixin, Page):
    date = models.DateField(_("published on"), default=timezone.localdate)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("image"),
    )
    body = RichTextField(blank=True, verbose_name=_("body"))
    topics = ParentalManyToManyField(
        "directory.Topic", blank=True, related_name="news", verbose_name=_("topics")
    )

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
        APIField("topic_slugs"),
    ]
    parent_page_types = ["editorial.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    @property
    def topic_slugs(self) -> list[str]:
        return [topic.slug for topic in self.topics.all()]

"""Opportunities: funding calls, fellowships, studentships, jobs and calls for partners.

Why the open listing needs no job: "open" is a query on the clock (`closes_at > now`,
`OpportunityQuerySet.open_at`), asked afresh on every request, so an opportunity
leaves it at the instant of its deadline and moves to the archive by itself.

The contact address is private: the page offers the site's relay (a form that mails
it, Reply-To the sender, as the directory's contact form does) and never shows it;
it is not in `api_fields`, nor in the search index.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.forms import CheckboxSelectMultiple
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalManyToManyField
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
from wagtail.search import index

from common.i18n_pages import LocaleFallbackMixin
from directory.choices import LATIN_AMERICA, UK_COUNTRIES, CareerStage
from editorial.models.common import ChoiceListField, TimeZoneField, has_choice
from editorial.opportunity_forms import OpportunityPageForm


def string_list() -> serializers.ListField:
    """How the API serialises a `ChoiceListField` (a list, not its stored text)."""
    return serializers.ListField(child=serializers.CharField())


#: "Closing soon" in the listing's filter: the deadline is at most this far away.
CLOSING_SOON = timedelta(days=14)


class OpportunityKind(models.TextChoices):
    FUNDING = "funding", _("Funding call")
    FELLOWSHIP = "fellowship", _("Fellowship or scholarship")
    EXCHANGE = "exchange", _("Visiting or exchange programme")
    STUDENTSHIP = "studentship", _("Studentship or PhD position")
    JOB = "job", _("Job")
    CALL = "call", _("Call for partners or papers")
    CHALLENGE = "challenge", _("Industry challenge")


class Region(models.TextChoices):
    """Groups of countries an opportunity can be open to, besides single countries."""

    UK = "uk", _("United Kingdom")
    LATIN_AMERICA = "latin-america", _("Latin America")


#: The countries each region stands for (directory.choices defines the two regions).
REGION_COUNTRIES = {Region.UK: UK_COUNTRIES, Region.LATIN_AMERICA: LATIN_AMERICA}


class Currency(models.TextChoices):
    GBP = "GBP", _("Pound sterling (GBP)")
    EUR = "EUR", _("Euro (EUR)")
    USD = "USD", _("US dollar (USD)")
    BRL = "BRL", _("Brazilian real (BRL)")
    CLP = "CLP", _("Chilean peso (CLP)")
    MXN = "MXN", _("Mexican peso (MXN)")
    ARS = "ARS", _("Argentine peso (ARS)")
    COP = "COP", _("Colombian peso (COP)")
    PEN = "PEN", _("Peruvian sol (PEN)")
    UYU = "UYU", _("Uruguayan peso (UYU)")


class Status(models.TextChoices):
    """The listing's deadline filter."""

    OPEN = "open", _("Open")
    CLOSING_SOON = "closing-soon", _("Closing within 14 days")
    CLOSED = "closed", _("Closed (archive)")


class OpportunityQuerySet(PageQuerySet):
    def listed(self) -> OpportunityQuerySet:
        """Published and not in a private section: what any listing may show.

        Wagtail's `public()` would cost a query of its own (it reads every view
        restriction first); this asks the same in a subquery, so the profile page's
        "Opportunities for you" stays a single query.
        """
        restricted = PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef("path"), 1, Length("page__path"))
        )
        return self.live().exclude(Exists(restricted))

    def open_at(self, now: datetime) -> OpportunityQuerySet:
        """Not past their deadline at `now` (including those not open yet)."""
        return self.filter(closes_at__gt=now)

    def closing_soon_at(self, now: datetime) -> OpportunityQuerySet:
        return self.filter(closes_at__gt=now, closes_at__lte=now + CLOSING_SOON)

    def closed_at(self, now: datetime) -> OpportunityQuerySet:
        return self.filter(closes_at__lte=now)

    def with_status(self, status: str, now: datetime) -> OpportunityQuerySet:
        """Filtered by `Status` and in the listing's order: soonest deadline first,
        the archive latest deadline first."""
        if status == Status.CLOSED:
            return self.closed_at(now).order_by("-closes_at", "-pk")
        if status == Status.CLOSING_SOON:
            return self.closing_soon_at(now).order_by("closes_at", "pk")
        return self.open_at(now).order_by("closes_at", "pk")

    def for_country(self, code: str) -> OpportunityQuerySet:
        """Open to people in `code`: by that country, by its region, or to anyone."""
        code = code.upper()
        match = Q(eligible_regions="", eligible_countries="")
        match |= Q(eligible_countries__contains=code)  # two-letter codes, comma-separated
        for region, members in REGION_COUNTRIES.items():
            if code in members:
                match |= has_choice("eligible_regions", region)
        return self.filter(match)

    def for_career_stage(self, stage: str) -> OpportunityQuerySet:
        """Open to `stage`, or to every stage (no stage given)."""
        return self.filter(Q(career_stages="") | has_choice("career_stages", stage))

    def for_topics(self, topic_ids: list[int]) -> OpportunityQuerySet:
        """Tagged with any of `topic_ids` (one row each, however many match)."""
        return self.filter(
            pk__in=self.model.topics.through.objects.filter(topic_id__in=topic_ids).values(
                "opportunitypage_id"
            )
        )

    def for_profile(self, researcher: Any, topics: list[Any]) -> OpportunityQuerySet:
        """Open ones for a researcher: sharing a topic (or its parent topic) with the
        profile, open to its career stage and country when the profile gives them."""
        topic_ids = {t.pk for t in topics} | {t.parent_id for t in topics if t.parent_id}
        if not topic_ids:
            return self.none()
        items = self.for_topics(sorted(topic_ids))
        if researcher.career_stage:
            items = items.for_career_stage(researcher.career_stage)
        if researcher.country_code:
            items = items.for_country(researcher.country_code)
        return items

    def with_card_relations(self) -> OpportunityQuerySet:
        return self.select_related("host").prefetch_related("topics")


OpportunityManager = PageManager.from_queryset(OpportunityQuerySet)


class OpportunityIndexPage(LocaleFallbackMixin, RoutablePageMixin, Page):
    """/opportunities/: the filtered listing, its archive and its feeds."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"], verbose_name=_("intro"))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["editorial.OpportunityPage"]
    max_count = 1

    class Meta:
        verbose_name = _("opportunities index")
        verbose_name_plural = _("opportunities indexes")

    def get_context(self, request, *args, **kwargs):
        from editorial.views_opportunities import listing_context

        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(self, request))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # The cards show deadlines in the visitor's zone, read from the `tz` cookie.
        patch_vary_headers(response, ["Cookie"])
        return response

    @re_path(r"^feed/(?P<flavour>rss|atom)/$")
    def feed(self, request, flavour: str):
        from editorial.feeds import OpportunityFeed

        return OpportunityFeed(self, flavour)(request)

    @re_path(r"^feed/(?P<topic>[-\w]+)/(?P<flavour>rss|atom)/$")
    def topic_feed(self, request, topic: str, flavour: str):
        from editorial.feeds import OpportunityFeed

        return OpportunityFeed(self, flavour, topic_slug=topic)(request)


class OpportunityPage(LocaleFallbackMixin, RoutablePageMixin, Page):
    kind = models.CharField(_("kind"), max_length=20, choices=OpportunityKind.choices)
    host = models.ForeignKey(
        "directory.Institution",
        null=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        verbose_name=_("host or funder"),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences for listings, feeds and search results."),
    )
    body = RichTextField(_("description"), blank=True)
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The value of the award, stipend or salary; leave empty if it varies."),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("deadline"), db_index=True)
    time_zone = TimeZoneField(
        _("time zone of the dates"),
        default="Europe/London",
        help_text=_("The dates above are clock times in this zone, e.g. America/Santiago."),
    )
    eligible_regions = ChoiceListField(
        _("open to people in these regions"), item_choices=Region.choices
    )
    eligible_countries = CountryField(
        _("and in these countries"),
        multiple=True,
        blank=True,
        help_text=_("Leave both empty when people anywhere may apply."),
    )
    career_stages = ChoiceListField(
        _("career stages"),
        item_choices=CareerStage.choices,
        help_text=_("Leave empty when every career stage may apply."),
    )
    topics = ParentalManyToManyField(
        "directory.Topic", blank=True, related_name="opportunities", verbose_name=_("topics")
    )
    how_to_apply = RichTextField(
        _("how to apply"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    apply_url = models.URLField(_("external link"), blank=True, max_length=500)
    contact_email = models.EmailField(
        _("contact e-mail address"),
        blank=True,
        help_text=_(
            "Never shown: visitors write through the site's contact form, which mails "
            "this address. Leave empty to offer no contact form."
        ),
    )

    objects = OpportunityManager()
    base_form_class = OpportunityPageForm

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("host"),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("time_zone"),
            ],
            heading=_("Dates"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("amount"), FieldPanel("currency")])],
            heading=_("Value"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("eligible_regions"),
                FieldPanel("eligible_countries"),
                FieldPanel("career_stages"),
                FieldPanel("topics", widget=CheckboxSelectMultiple),
            ],
            heading=_("Who may apply"),
        ),
        MultiFieldPanel(
            [FieldPanel("how_to_apply"), FieldPanel("apply_url"), FieldPanel("contact_email")],
            heading=_("Applying"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("how_to_apply"),
        index.FilterField("kind"),
        index.FilterField("closes_at"),
        index.RelatedFields("host", [index.SearchField("name"), index.SearchField("acronym")]),
        index.RelatedFields("topics", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("kind"),
        APIField("host_name"),
        APIField("summary"),
        APIField("body"),
        APIField("amount"),
        APIField("currency"),
        APIField("opens_at"),
        APIField("closes_at"),
        APIField("time_zone"),
        APIField("eligible_regions", serializer=string_list()),
        APIField("eligible_country_codes"),
        APIField("career_stages", serializer=string_list()),
        APIField("topic_slugs"),
        APIField("how_to_apply"),
        APIField("apply_url"),
    ]
    parent_page_types = ["editorial.OpportunityIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [models.Index(fields=["kind", "closes_at"])]

    # --- What pages, cards and the API show -----------------------------------------

    @property
    def host_name(self) -> str:
        return self.host.name if self.host_id else ""

    @property
    def eligible_country_codes(self) -> list[str]:
        return [country.code for country in self.eligible_countries]

    @property
    def topic_slugs(self) -> list[str]:
        return [topic.slug for topic in self.topics.all()]

    @property
    def can_be_contacted(self) -> bool:
        """Whether the relay form is offered: published, with an address to mail."""
        return bool(self.live and self.contact_email.strip())

    def is_open(self, now: datetime | None = None) -> bool:
        return self.closes_at > (now or timezone.now())

    def has_opened(self, now: datetime | None = None) -> bool:
        return self.opens_at is None or self.opens_at <= (now or timezone.now())

    def get_context(self, request, *args, **kwargs):
        from editorial.views_opportunities import page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(page_context(self, request))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # Times are shown in the visitor's zone, read from the `tz` cookie.
        patch_vary_headers(response, ["Cookie"])
        return response

    @path("contact/")
    def contact(self, request, *args: Any, **kwargs: Any):
        from editorial.opportunity_contact import contact_view

        return contact_view(self, request)

"""The editorial content in the Wagtail admin: one menu, a flat listing per content type.

Pages keep Wagtail's own moderation (workflows) and scheduled publishing ("go live"
and "expiry" dates in the page's settings tab); the listings add filters by kind,
state and deadline, so an editor finds "fellowships closing this fortnight" without
walking the page tree.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.pages.listing import IndexView, PageFilterSet
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.pages import PageListingViewSet

from editorial.models import EventKind, EventPage, NewsPage, OpportunityKind, OpportunityPage
from editorial.models.opportunities import Status

# ======================================================================================
# News and opportunities
# ======================================================================================


class RadioFilter(django_filters.ChoiceFilter):
    """A choice of `CHOICES` as radio buttons under `LABEL`, "All" when none is chosen."""

    LABEL: Any = ""
    CHOICES: Any = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", self.LABEL)
        kwargs.setdefault("choices", self.CHOICES)
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault("empty_label", pgettext_lazy("filter of editorial pages", "All"))
        super().__init__(*args, **kwargs)


class PageState(RadioFilter):
    """Live, draft, scheduled, or waiting in a moderation workflow.

    The labels carry a context because news items and opportunities are feminine in
    Spanish and Portuguese ("Todas", "Programada"), unlike the newsletter's filters.
    """

    CHOICES = [
        ("live", _("Live")),
        ("draft", _("Draft (not live)")),
        ("changes", _("Live, with unpublished changes")),
        ("scheduled", pgettext_lazy("filter of editorial pages", "Scheduled")),
        ("moderation", _("In moderation")),
    ]

    LABEL = pgettext_lazy("filter of editorial pages", "State")

    def filter(self, qs, value):
        if value == "live":
            return qs.filter(live=True)
        if value == "draft":
            return qs.filter(live=False)
        if value == "changes":
            return qs.filter(live=True, has_unpublished_changes=True)
        if value == "scheduled":
            now = timezone.now()
            return qs.filter(
                Q(go_live_at__gt=now) | Q(latest_revision__approved_go_live_at__gt=now)
            )
        if value == "moderation":
            # The listing's queryset is of the specific model, so the specific relation.
            return qs.filter(_specific_workflow_states__status="in_progress").distinct()
        return qs


class Deadline(RadioFilter):
    """The public listing's deadline filter, for editors."""

    CHOICES = Status.choices

    LABEL = _("Deadline")

    def filter(self, qs, value):
        now = timezone.now()
        if value == Status.OPEN:
            return qs.open_at(now)
        if value == Status.CLOSING_SOON:
            return qs.closing_soon_at(now)
        if value == Status.CLOSED:
            return qs.closed_at(now)
        return qs


class NewsFilterSet(PageFilterSet):
    state = PageState()

    class Meta:
        model = NewsPage
        fields = []


class OpportunityFilterSet(PageFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=OpportunityKind.choices,
        widget=forms.RadioSelect,
        empty_label=pgettext_lazy("filter of editorial pages", "All"),
    )
    state = PageState()
    deadline = Deadline()

    class Meta:
        model = OpportunityPage
        fields = []


def deadline_column(page: OpportunityPage) -> str:
    if page.closes_at is None:
        return ""
    return date_format(timezone.localtime(page.closes_at), "SHORT_DATETIME_FORMAT")


class NewsListingViewSet(PageListingViewSet):
    model = NewsPage
    name = "news_items"
    url_prefix = "editorial/news"
    icon = "doc-full"
    menu_label = _("News")
    filterset_class = NewsFilterSet


class OpportunityListingViewSet(PageListingViewSet):
    model = OpportunityPage
    name = "opportunities"
    url_prefix = "editorial/opportunities"
    icon = "pick"
    menu_label = _("Opportunities")
    filterset_class = OpportunityFilterSet
    columns = [
        *IndexView.base_columns,
        Column("kind", label=_("Kind"), accessor="get_kind_display", width="16%"),
        Column(
            "deadline",
            label=_("Deadline"),
            accessor=deadline_column,
            sort_key="closes_at",
            width="16%",
        ),
    ]


# ======================================================================================
# Events: filtered by kind, state and start date
# ======================================================================================


class Registration(RadioFilter):
    """An event's "deadline": whether people can still register (not ended, and its
    registration deadline, if any, not passed) or not any more."""

    CHOICES = [("open", _("Registration open")), ("closed", _("Registration closed"))]

    LABEL = _("Registration")

    def filter(self, qs, value):
        now = timezone.now()
        still_open = Q(end__gt=now) & (
            Q(registration_deadline__isnull=True) | Q(registration_deadline__gt=now)
        )
        if value == "open":
            return qs.filter(still_open)
        if value == "closed":
            return qs.exclude(still_open)
        return qs


class EventFilterSet(PageFilterSet):
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind of event"),
        choices=EventKind.choices,
        widget=django_filters.widgets.CSVWidget,
    )
    # The same states as news and opportunities: live, draft, changes, scheduled, moderation.
    state = PageState()
    registration = Registration()
    start = django_filters.DateFromToRangeFilter(
        label=_("Starts between"), widget=DateRangePickerWidget
    )

    class Meta:
        model = EventPage
        fields = []


class EventIndexView(IndexView):
    default_ordering = "-start"

    def get_valid_orderings(self):
        return [*super().get_valid_orderings(), "start", "-start"]


class EventListingViewSet(PageListingViewSet):
    model = EventPage
    name = "event_listing"
    url_prefix = "editorial/events"
    icon = "date"
    menu_label = _("Events")
    index_view_class = EventIndexView
    filterset_class = EventFilterSet
    columns = [
        *IndexView.base_columns[:2],
        Column("kind", label=_("Kind"), accessor="get_kind_display", width="14%"),
        DateColumn("start", label=_("Starts"), sort_key="start", width="14%"),
        *IndexView.base_columns[-1:],
    ]


# ======================================================================================
# The "Editorial" menu (other content types add their viewsets to `items`)
# ======================================================================================


class EditorialViewSetGroup(ViewSetGroup):
    menu_label = _("Editorial")
    menu_icon = "doc-full-inverse"
    menu_order = 140
    items = (NewsListingViewSet, OpportunityListingViewSet, EventListingViewSet)


@hooks.register("register_admin_viewset")
def register_editorial_viewsets():
    return EditorialViewSetGroup()

"""Editors' admin for editorial content."""

# --- Events (editorial/models/events.py) ---
# Events are pages: moderation (workflows) and scheduled publishing ("go live" and
# "expiry" dates in the page's settings) are Wagtail's own. "Events" in the admin
# menu is a flat listing of every event, filtered by kind, state and date.

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.pages.listing import IndexView, PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from editorial.models import EventKind, EventPage


class EventFilterSet(PageFilterSet):
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind of event"),
        choices=EventKind.choices,
        widget=django_filters.widgets.CSVWidget,
    )
    live = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("true", _("Published")), ("false", _("Draft"))],
        method="filter_live",
        empty_label=_("Any"),
    )
    start = django_filters.DateFromToRangeFilter(
        label=_("Starts between"), widget=DateRangePickerWidget
    )

    class Meta:
        model = EventPage
        fields = []

    def filter_live(self, queryset, name, value):
        return queryset.filter(live=value == "true")


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
    menu_order = 210
    add_to_admin_menu = True
    index_view_class = EventIndexView
    filterset_class = EventFilterSet
    columns = [
        *IndexView.base_columns[:2],
        Column("kind", label=_("Kind"), accessor="get_kind_display", width="14%"),
        DateColumn("start", label=_("Starts"), sort_key="start", width="14%"),
        *IndexView.base_columns[-1:],
    ]


@hooks.register("register_admin_viewset")
def register_event_listing() -> EventListingViewSet:
    return EventListingViewSet()

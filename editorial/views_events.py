"""The events listing's filters, and the subscribable iCalendar feeds of events.

The listing (`EventIndexPage`, /events/) reads kind, topic, country, mode, when
(upcoming or past) and page from the URL. A value that is not one of the choices is
ignored, never an error: filter links get shared, mangled and outlive topics.

The calendars (/events/calendar.ics, /events/topics/<slug>/calendar.ics) hold the
events that have not ended plus those of the last `PAST_IN_FEED`, so a subscribed
calendar keeps recent history without growing for ever.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_countries import countries

from directory.models import Topic
from editorial.ics import calendar_response, event_calendar
from editorial.models import AttendanceMode, EventIndexPage, EventKind, EventPage
from editorial.zones import visitor_zone

PAGE_SIZE = 12
PAST_IN_FEED = timedelta(days=180)
#: At most this many events in one calendar feed, soonest first.
FEED_LIMIT = 500

UPCOMING, PAST = "upcoming", "past"


def listed_events():
    """Every event anyone may see, once each, in the visitor's language when translated."""
    return EventPage.objects.listed().in_active_language()


def events_index_url(request: HttpRequest | None = None) -> str:
    """The events listing's address (it is a page, so editors may move it)."""
    index = EventIndexPage.objects.live().first()
    return (index.get_url(request) if index else None) or "/events/"


def in_topic(events, topic: Topic):
    """Events on `topic`, or on one of its subtopics (as a topic's page counts them)."""
    return events.filter(Q(topics=topic) | Q(topics__parent=topic)).distinct()


class EventFilterForm(forms.Form):
    """The listing's filters; built per request, as topics and countries come from data."""

    when = forms.ChoiceField(
        label=gettext_lazy("When"),
        required=False,
        choices=[(UPCOMING, gettext_lazy("Upcoming")), (PAST, gettext_lazy("Past"))],
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of event"), required=False)
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    mode = forms.ChoiceField(label=gettext_lazy("Attendance"), required=False)

    def __init__(self, data, *, topics: list[Topic], country_codes: list[str]):
        super().__init__(data)
        any_ = [("", _("Any"))]
        self.fields["kind"].choices = any_ + list(EventKind.choices)
        self.fields["topic"].choices = any_ + [(topic.slug, topic.label) for topic in topics]
        names = sorted(
            ((code, str(countries.name(code))) for code in country_codes), key=lambda c: c[1]
        )
        self.fields["country"].choices = any_ + names
        self.fields["mode"].choices = any_ + list(AttendanceMode.choices)

    def value(self, name: str) -> str:
        """The cleaned value of one filter, or "" when it was absent or not a choice."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or ""


def listing_context(request: HttpRequest) -> dict[str, Any]:
    """What `editorial/event_index_page.html` needs: filters, one page of events."""
    events = listed_events()
    topics = list(
        Topic.objects.filter(
            Q(events__in=events.values("pk")) | Q(children__events__in=events.values("pk"))
        ).distinct()
    )
    codes = sorted(set(events.exclude(country="").values_list("country", flat=True)))
    form = EventFilterForm(request.GET, topics=topics, country_codes=codes)
    when = form.value("when") or UPCOMING
    now = timezone.now()
    events = events.upcoming(now) if when == UPCOMING else events.past(now)
    if kind := form.value("kind"):
        events = events.filter(kind=kind)
    if mode := form.value("mode"):
        events = events.filter(attendance_mode=mode)
    if country := form.value("country"):
        events = events.filter(country=country)
    topic = None
    if slug := form.value("topic"):
        topic = next(t for t in topics if t.slug == slug)
        events = in_topic(events, topic)
    events = events.prefetch_related("topics")
    page_obj = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "filter_form": form,
        "when": when,
        "selected_topic": topic,
        "page_obj": page_obj,
        "filter_query": params.urlencode(),
        "visitor_zone": visitor_zone(request),
        "is_filtered": any(form.value(name) for name in ("kind", "topic", "country", "mode")),
    }


def feed_events(topic: Topic | None = None):
    """The events a calendar feed holds: not ended, or ended within `PAST_IN_FEED`."""
    events = listed_events().filter(end__gte=timezone.now() - PAST_IN_FEED)
    if topic is not None:
        events = in_topic(events, topic)
    return events.prefetch_related("topics").order_by("start", "pk")[:FEED_LIMIT]


@require_safe
def event_calendar_file(request: HttpRequest, slug: str) -> HttpResponse:
    """/events/<slug>/calendar.ics: one event, to download ("add to calendar").

    Published events only; a private one only for those who may see its page
    (Wagtail's view restrictions: a password given, a group's member), else 404.
    """
    event = EventPage.objects.live().in_active_language().filter(slug=slug).order_by("pk").first()
    if event is None or not all(
        restriction.accept_request(request) for restriction in event.get_view_restrictions()
    ):
        raise Http404("No such event.")
    calendar = event_calendar([event], name=event.title, request=request)
    return calendar_response(calendar, filename=f"{event.slug}.ics")


@require_safe
def calendar_all(request: HttpRequest) -> HttpResponse:
    """/events/calendar.ics: every event, for a calendar app to subscribe to."""
    calendar = event_calendar(
        feed_events(), name=_("UK–LatAm Battery Network events"), request=request
    )
    return calendar_response(calendar, filename="events.ics", download=False)


@require_safe
def calendar_topic(request: HttpRequest, slug: str) -> HttpResponse:
    """/events/topics/<slug>/calendar.ics: one topic's events (with its subtopics')."""
    topic = get_object_or_404(Topic, slug=slug)
    name = _("UK–LatAm Battery Network events: %(topic)s") % {"topic": topic.label}
    calendar = event_calendar(feed_events(topic), name=name, request=request)
    return calendar_response(calendar, filename=f"events-{topic.slug}.ics", download=False)

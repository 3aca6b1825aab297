"""Calendars and feeds of events, beside the events pages Wagtail serves.

Every path ends in a file name with a dot (calendar.ics, feed.rss), which no page
path can hold (Wagtail serves only paths of slugs ending in "/"), so these never
hide a page. An event's own file is /events/<its slug>/calendar.ics, whatever the
path of its page.
"""

from django.urls import path

from editorial import feeds_events, views_events

app_name = "editorial_events"

urlpatterns = [
    path("events/calendar.ics", views_events.calendar_all, name="calendar"),
    path(
        "events/topics/<slug:slug>/calendar.ics",
        views_events.calendar_topic,
        name="topic_calendar",
    ),
    path(
        "events/<slug:slug>/calendar.ics", views_events.event_calendar_file, name="event_calendar"
    ),
    path("events/feed.rss", feeds_events.EventsFeed(), name="rss"),
    path("events/feed.atom", feeds_events.EventsAtomFeed(), name="atom"),
    path("events/topics/<slug:slug>/feed.rss", feeds_events.EventsFeed(), name="topic_rss"),
    path("events/topics/<slug:slug>/feed.atom", feeds_events.EventsAtomFeed(), name="topic_atom"),
]

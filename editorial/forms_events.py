"""The event editor: times are typed as clocks in the event's own zone show them.

Django would read a typed "10:00" in the editor's zone (or the server's, UTC), so a
Santiago seminar typed by an editor in London would land four hours off. Here the
start, end and registration deadline are read as bare wall-clock times and placed
in the zone chosen on the same form; when the page is opened again they are shown
in that zone, as they were typed. Times that a clock change skips or repeats in
that zone are refused with a clear message instead of being guessed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.widgets import AdminDateTimeInput

from editorial.zones import AmbiguousTime, NonexistentTime, aware_in, get_zone, zone_choices

#: The event's date-time fields that are typed in its zone.
WALL_CLOCK_FIELDS = ("start", "end", "registration_deadline")


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as a clock shows it: naive, until the form gives it a zone."""

    widget = AdminDateTimeInput

    def to_python(self, value: Any) -> datetime | None:
        # Parsed in UTC, which has no gaps or repeats, then stripped of the zone.
        with timezone.override(UTC):
            result = super().to_python(value)
        if result is None:
            return None
        return timezone.make_naive(result, UTC) if timezone.is_aware(result) else result

    def prepare_value(self, value: Any) -> Any:
        return value  # already the wall-clock time in the event's zone


class EventPageForm(WagtailAdminPageForm):
    time_zone = forms.ChoiceField(
        label=gettext_lazy("time zone"),
        choices=zone_choices,
        help_text=gettext_lazy(
            "The zone the organisers announce the times in. Type the start, end and "
            "registration deadline as clocks there show them."
        ),
    )
    start = WallClockDateTimeField(label=gettext_lazy("starts"))
    end = WallClockDateTimeField(label=gettext_lazy("ends"))
    registration_deadline = WallClockDateTimeField(
        label=gettext_lazy("registration deadline"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = get_zone(self.instance.time_zone)
        for name in WALL_CLOCK_FIELDS:
            value = getattr(self.instance, name, None)
            if name in self.fields and value is not None and timezone.is_aware(value):
                self.initial[name] = timezone.make_naive(value, zone)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        zone = get_zone(cleaned.get("time_zone") or self.instance.time_zone)
        for name in WALL_CLOCK_FIELDS:
            wall = cleaned.get(name)
            if wall is None or timezone.is_aware(wall):
                continue
            shown = formats.date_format(wall, "DATETIME_FORMAT")
            try:
                cleaned[name] = aware_in(wall, zone)
            except NonexistentTime:
                self.add_error(
                    name,
                    _(
                        "Clocks in %(zone)s skip %(time)s (they go forward that night): "
                        "choose a time that exists there."
                    )
                    % {"zone": zone.key, "time": shown},
                )
            except AmbiguousTime:
                self.add_error(
                    name,
                    _(
                        "Clocks in %(zone)s show %(time)s twice (they go back that night): "
                        "choose a time an hour earlier or later."
                    )
                    % {"zone": zone.key, "time": shown},
                )
        return cleaned

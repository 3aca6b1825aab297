"""Time zones: which zone a visitor reads in, and times written so no one misreads them.

An event (or a deadline) happens at one instant, stored in UTC, and belongs to a
zone (`time_zone`, an IANA name such as America/Santiago): that is the time its
organisers announce. A visitor reads it in that zone and in their own, each named,
never bare: "10:00 Santiago time, 14:00 London time". The visitor's zone comes from
the `tz` cookie that `editorial/js/visitor-zone.js` sets from the browser
(`Intl.DateTimeFormat().resolvedOptions().timeZone`); without it, or with a zone
this server does not know, London.

Daylight saving is zoneinfo's business: the UTC instant is converted into each zone
on the day itself, so Chile and the UK changing their clocks on different dates
shifts the difference between them (three, four or five hours) by itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: The cookie `visitor-zone.js` writes, and its fallback.
ZONE_COOKIE = "tz"
DEFAULT_ZONE = "Europe/London"

#: How the places of the network's zones read in each language; other zones use
#: the last part of their name ("America/Argentina/Buenos_Aires" → "Buenos Aires").
PLACE_NAMES = {
    "Europe/London": gettext_lazy("London"),
    "America/Santiago": gettext_lazy("Santiago"),
    "America/Argentina/Buenos_Aires": gettext_lazy("Buenos Aires"),
    "America/Sao_Paulo": gettext_lazy("São Paulo"),
    "America/Mexico_City": gettext_lazy("Mexico City"),
    "America/Bogota": gettext_lazy("Bogotá"),
    "America/Lima": gettext_lazy("Lima"),
    "America/La_Paz": gettext_lazy("La Paz"),
    "America/Montevideo": gettext_lazy("Montevideo"),
    "America/Asuncion": gettext_lazy("Asunción"),
    "America/Caracas": gettext_lazy("Caracas"),
    "America/Havana": gettext_lazy("Havana"),
    "America/Panama": gettext_lazy("Panama"),
    "America/Costa_Rica": gettext_lazy("Costa Rica"),
    "America/Guayaquil": gettext_lazy("Guayaquil"),
    "Europe/Lisbon": gettext_lazy("Lisbon"),
    "Europe/Madrid": gettext_lazy("Madrid"),
    "UTC": gettext_lazy("UTC"),
}


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name this server can convert into."""
    return frozenset(available_timezones())


def zone_choices() -> list[tuple[str, str]]:
    """The zones for an editor's drop-down: the network's first, then all the others."""
    first = [(name, name) for name in PLACE_NAMES if name in known_zones()]
    rest = sorted(name for name in known_zones() if name not in PLACE_NAMES)
    return first + [(name, name) for name in rest]


def validate_zone(value: str) -> None:
    """A model validator: the name must be one zoneinfo knows (e.g. America/Santiago)."""
    if value not in known_zones():
        raise ValidationError(
            _("%(value)s is not a time zone name such as America/Santiago or Europe/London."),
            params={"value": value},
            code="invalid_zone",
        )


def get_zone(name: str | None, default: str = DEFAULT_ZONE) -> ZoneInfo:
    """The zone `name`, or `default` for anything empty or unknown (never an error)."""
    if name and name in known_zones():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(default)


def visitor_zone(request: HttpRequest | None) -> ZoneInfo:
    """The visitor's zone, from the `tz` cookie; London without one."""
    raw = request.COOKIES.get(ZONE_COOKIE, "") if request is not None else ""
    return get_zone(unquote(raw)[:64].strip())


def place_name(zone: ZoneInfo) -> str:
    """The place a zone is named after, in the active language: "Santiago", "London"."""
    key = zone.key
    if key in PLACE_NAMES:
        return str(PLACE_NAMES[key])
    return key.rsplit("/", 1)[-1].replace("_", " ")


def _date(moment: datetime) -> str:
    return formats.date_format(moment, "DATE_FORMAT")


def _time(moment: datetime) -> str:
    return formats.time_format(moment, "TIME_FORMAT")


def instant_text(moment: datetime, zone: ZoneInfo, *, with_date: bool = True) -> str:
    """One instant in one zone, named: "10 March 2026, 10:00 Santiago time"."""
    local = moment.astimezone(zone)
    if with_date:
        # Translators: a date and time in a named place's time, e.g. "10 March 2026,
        # 10:00 Santiago time". Keep the place: it is what makes the time unambiguous.
        return _("%(date)s, %(time)s %(place)s time") % {
            "date": _date(local),
            "time": _time(local),
            "place": place_name(zone),
        }
    # Translators: a time in a named place's time, e.g. "14:00 London time".
    return _("%(time)s %(place)s time") % {"time": _time(local), "place": place_name(zone)}


def span_text(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """From `start` to `end` in one zone: "10 March 2026, 10:00–11:30 Santiago time",
    or, over several days, "2 February 2026, 09:00 – 13 February 2026, 17:00 Santiago time"."""
    first, last = start.astimezone(zone), end.astimezone(zone)
    if first.date() == last.date():
        # Translators: an event within one day, e.g. "10 March 2026, 10:00–11:30 Santiago time".
        return _("%(date)s, %(start)s–%(end)s %(place)s time") % {
            "date": _date(first),
            "start": _time(first),
            "end": _time(last),
            "place": place_name(zone),
        }
    # Translators: an event over several days, e.g. "2 February 2026, 09:00 –
    # 13 February 2026, 17:00 Santiago time".
    return _("%(start_date)s, %(start)s – %(end_date)s, %(end)s %(place)s time") % {
        "start_date": _date(first),
        "start": _time(first),
        "end_date": _date(last),
        "end": _time(last),
        "place": place_name(zone),
    }


def same_zone(one: ZoneInfo, other: ZoneInfo) -> bool:
    """Whether the two are the same zone, so one reading of the time is enough."""
    return one.key == other.key


def dual_instant_text(moment: datetime, zone: ZoneInfo, visitor: ZoneInfo) -> str:
    """The instant in its own zone and the visitor's: "10:00 Santiago time, 14:00 London
    time", with the visitor's date too when the visitor's day is another day."""
    own = instant_text(moment, zone)
    if same_zone(zone, visitor):
        return own
    other_day = moment.astimezone(zone).date() != moment.astimezone(visitor).date()
    theirs = instant_text(moment, visitor, with_date=other_day)
    # Translators: the same instant in two places' times, e.g. "10 March 2026, 10:00
    # Santiago time (14:00 London time)".
    return _("%(own)s (%(visitor)s)") % {"own": own, "visitor": theirs}


class NonexistentTime(ValueError):
    """A wall-clock time the zone skips (the clocks go forward over it)."""


class AmbiguousTime(ValueError):
    """A wall-clock time the zone shows twice (the clocks go back over it)."""


def aware_in(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant at which clocks in `zone` show `wall` (a naive datetime).

    Refuses the times that daylight saving makes nonexistent or ambiguous, rather
    than guess: an event announced at one of them needs a word with its organisers.
    """
    earlier = wall.replace(tzinfo=zone, fold=0)
    later = wall.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        shown = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if shown != wall.replace(tzinfo=None):
            raise NonexistentTime(wall)
        raise AmbiguousTime(wall)
    return earlier

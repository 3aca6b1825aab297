"""Time zones of deadlines (and any other moment an editor gives in a place's local time).

Three rules, written down in docs/editorial.md:

1. An editor types a wall-clock time ("31 March, 23:59") and picks the zone it is in
   ("America/Santiago"); we store the aware instant (UTC in the database) and the
   zone's name, so the page can show the time again as the editor meant it.
2. A wall-clock time the zone skips (clocks going forward) is refused with a clear
   message; one the zone has twice (clocks going back) means the *later* of the two
   for a deadline and the *earlier* for an opening, so an applicant never loses time.
3. Visitors see the moment in the zone it was given in and in their own, each with its
   date and UTC offset: "27 Mar 2026, 23:59 Santiago time (UTC−3)". The visitor's zone
   comes from the `tz` cookie (set by editorial/js/visitor-zone.js from the browser's
   Intl API); without one, London's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: The zone a visitor without a `tz` cookie sees times in: the network's UK home.
DEFAULT_VISITOR_ZONE = "Europe/London"
#: The cookie editorial/js/visitor-zone.js sets to the browser's IANA zone name.
ZONE_COOKIE = "tz"
#: A cookie longer than any IANA name is not one.
MAX_ZONE_NAME_LENGTH = 64

#: Cities of the zones the network's people live in, as each language writes them.
#: Other zones fall back to the last part of their name ("Africa/Dar_es_Salaam" →
#: "Dar es Salaam").
CITY_NAMES = {
    "Europe/London": gettext_lazy("London"),
    "America/Santiago": gettext_lazy("Santiago"),
    "America/Sao_Paulo": gettext_lazy("São Paulo"),
    "America/Argentina/Buenos_Aires": gettext_lazy("Buenos Aires"),
    "America/Mexico_City": gettext_lazy("Mexico City"),
    "America/Bogota": gettext_lazy("Bogotá"),
    "America/Lima": gettext_lazy("Lima"),
    "America/Montevideo": gettext_lazy("Montevideo"),
    "America/La_Paz": gettext_lazy("La Paz"),
    "America/Asuncion": gettext_lazy("Asunción"),
    "America/Caracas": gettext_lazy("Caracas"),
    "America/Guayaquil": gettext_lazy("Guayaquil"),
    "America/Havana": gettext_lazy("Havana"),
    "America/Panama": gettext_lazy("Panama"),
    "America/Costa_Rica": gettext_lazy("Costa Rica"),
    "America/New_York": gettext_lazy("New York"),
    "Europe/Madrid": gettext_lazy("Madrid"),
    "Europe/Lisbon": gettext_lazy("Lisbon"),
    "Europe/Paris": gettext_lazy("Paris"),
    "Europe/Berlin": gettext_lazy("Berlin"),
}
#: Zones that are no place: their times read "23:59 UTC".
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/GMT", "GMT", "Etc/Zulu", "Zulu"})


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name this machine knows."""
    return frozenset(available_timezones())


@cache
def zone_choices() -> list[tuple[str, str]]:
    """(name, name) for a select: the network's own zones first, then every other one."""
    first = [name for name in CITY_NAMES if name in zone_names()]
    rest = sorted(name for name in zone_names() if name not in CITY_NAMES and "/" in name)
    return [(name, name.replace("_", " ")) for name in [*first, "UTC", *rest]]


def validate_zone(value: str) -> None:
    """Refuse anything that is not an IANA zone name (ZoneInfo would read files)."""
    if value not in zone_names():
        raise ValidationError(
            gettext_lazy("%(value)s is not a time zone name, such as America/Santiago."),
            code="invalid_zone",
            params={"value": value},
        )


def get_zone(name: str | None, default: str = DEFAULT_VISITOR_ZONE) -> ZoneInfo:
    """The zone called `name`, or `default` for an empty or unknown name."""
    if name and name in zone_names():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(default)


def visitor_zone(request: HttpRequest | None) -> ZoneInfo:
    """The visitor's zone from the `tz` cookie; London's when absent or not a zone."""
    name = request.COOKIES.get(ZONE_COOKIE, "") if request is not None else ""
    return get_zone(unquote(name)[:MAX_ZONE_NAME_LENGTH].strip())


# --------------------------------------------------------------------------------------
# From what the editor typed to an instant
# --------------------------------------------------------------------------------------


class NonexistentTime(ValueError):
    """The wall-clock time falls in the gap when the zone's clocks go forward."""


def is_ambiguous(naive: datetime, zone: ZoneInfo) -> bool:
    """True when the zone's clocks show `naive` twice (the hour after they go back)."""
    return naive.replace(tzinfo=zone, fold=0).utcoffset() != naive.replace(
        tzinfo=zone, fold=1
    ).utcoffset() and _exists(naive, zone)


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def wall_clock_to_aware(naive: datetime, zone: ZoneInfo, *, later: bool) -> datetime:
    """The instant the clocks in `zone` show `naive`.

    When they show it twice, `later` picks the second time (a deadline) or the first
    (an opening). Raises `NonexistentTime` when they never show it.
    """
    naive = naive.replace(tzinfo=None)
    if not _exists(naive, zone):
        raise NonexistentTime(naive)
    fold = 1 if later and is_ambiguous(naive, zone) else 0
    return naive.replace(tzinfo=zone, fold=fold).astimezone(UTC)


def aware_to_wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    """What the clocks in `zone` show at `moment` (naive), for the editor's form."""
    return moment.astimezone(zone).replace(tzinfo=None)


# --------------------------------------------------------------------------------------
# From an instant to what a visitor reads
# --------------------------------------------------------------------------------------


def place_name(zone: ZoneInfo) -> str:
    """ "Santiago", "London", "Dar es Salaam": the city a zone is named after."""
    key = zone.key
    if key in CITY_NAMES:
        return str(CITY_NAMES[key])
    return key.rsplit("/", 1)[-1].replace("_", " ")


def utc_offset(moment: datetime) -> str:
    """ "UTC−3", "UTC+0", "UTC+5:30", with a true minus sign."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "−" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@dataclass(frozen=True)
class ZonedTime:
    """One moment as the clocks of one zone show it."""

    moment: datetime  # aware, in `zone`
    zone: ZoneInfo

    @property
    def date(self) -> str:
        # Short month names keep a deadline on one line: "27 Mar 2026", "27 mar 2026".
        return date_format(self.moment, "j M Y")

    @property
    def time(self) -> str:
        return date_format(self.moment, "H:i")

    @property
    def offset(self) -> str:
        return utc_offset(self.moment)

    @property
    def iso(self) -> str:
        return self.moment.isoformat()

    @property
    def is_utc(self) -> bool:
        return self.zone.key in UTC_NAMES

    @property
    def place(self) -> str:
        return place_name(self.zone)

    @property
    def clock(self) -> str:
        """ "23:59 Santiago time (UTC−3)": the time, the place and the offset."""
        if self.is_utc:
            # Translators: a time of day in Coordinated Universal Time, e.g. "23:59 UTC".
            return _("%(time)s UTC") % {"time": self.time}
        # Translators: a time of day in a city's time zone with its offset from UTC,
        # e.g. "23:59 Santiago time (UTC−3)".
        return _("%(time)s %(place)s time (%(offset)s)") % {
            "time": self.time,
            "place": self.place,
            "offset": self.offset,
        }

    def __str__(self) -> str:
        # Translators: a date and a time with its zone, e.g.
        # "27 Mar 2026, 23:59 Santiago time (UTC−3)".
        return _("%(date)s, %(clock)s") % {"date": self.date, "clock": self.clock}


@dataclass(frozen=True)
class DualTime:
    """A moment in the zone it was given in and, when that is another, the visitor's."""

    own: ZonedTime
    visitor: ZonedTime | None

    @property
    def iso(self) -> str:
        return self.own.moment.astimezone(UTC).isoformat()


def dual_time(moment: datetime | None, own_zone: str, visitor: ZoneInfo) -> DualTime | None:
    """`moment` as shown in `own_zone` and in the visitor's zone (None if the same)."""
    if moment is None:
        return None
    own = get_zone(own_zone, default="UTC")
    shown_own = ZonedTime(timezone.localtime(moment, own), own)
    if visitor.key == own.key:
        return DualTime(shown_own, None)
    return DualTime(shown_own, ZonedTime(timezone.localtime(moment, visitor), visitor))


# --------------------------------------------------------------------------------------
# Event times: spans and dual readings written out as sentences
# --------------------------------------------------------------------------------------

#: Names the event code uses for the same things.
DEFAULT_ZONE = DEFAULT_VISITOR_ZONE
PLACE_NAMES = CITY_NAMES
known_zones = zone_names


def _date(moment: datetime) -> str:
    return date_format(moment, "DATE_FORMAT")


def _time(moment: datetime) -> str:
    return date_format(moment, "TIME_FORMAT")


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

"""Event times across zones and daylight-saving changes (editorial/zones.py).

Chile and the UK change their clocks on different dates, so a seminar at 10:00 in
Santiago is at 13:00, 14:00 or 15:00 in London depending on the week: in 2026 the UK
goes forward on 29 March, Chile goes back on 5 April, Chile goes forward on
6 September and the UK goes back on 25 October.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.utils import translation

from editorial.zones import (
    DEFAULT_ZONE,
    AmbiguousTime,
    NonexistentTime,
    aware_in,
    dual_instant_text,
    instant_text,
    place_name,
    span_text,
    visitor_zone,
)
from tests.editorial.events_support import LONDON, SANTIAGO, at


@pytest.mark.parametrize(
    ("day", "london_hour"),
    [
        ("2026-03-24", 13),  # both on winter/summer as in the southern summer: 3 h apart
        ("2026-03-31", 14),  # the UK has gone forward, Chile not yet back: 4 h
        ("2026-04-07", 15),  # Chile has gone back too: 5 h
        ("2026-09-01", 15),  # southern winter, British summer: 5 h
        ("2026-09-08", 14),  # Chile has gone forward: 4 h
        ("2026-10-27", 13),  # the UK has gone back: 3 h
    ],
)
def test_ten_in_santiago_is_read_in_london_on_each_side_of_every_change(day, london_hour):
    seminar = at(f"{day} 10:00")
    assert seminar.astimezone(LONDON).hour == london_hour
    with translation.override("es"):
        text = dual_instant_text(seminar, SANTIAGO, LONDON)
    assert "10:00" in text and "Santiago" in text
    assert f"{london_hour}:00" in text and "Londres" in text


def test_the_same_instant_reads_in_both_places_by_name():
    with translation.override("es"):
        text = dual_instant_text(at("2026-03-31 10:00"), SANTIAGO, LONDON)
    assert text == "31 de marzo de 2026, 10:00 hora de Santiago (14:00 hora de Londres)"


def test_the_visitors_date_is_given_when_their_day_is_another_day():
    late = at("2026-03-31 21:30")  # 01:30 on 1 April in London
    with translation.override("es"):
        text = dual_instant_text(late, SANTIAGO, LONDON)
    assert "1 de abril de 2026, 01:30 hora de Londres" in text


def test_one_reading_when_the_visitor_is_in_the_events_zone():
    with translation.override("es"):
        assert dual_instant_text(at("2026-03-31 10:00"), SANTIAGO, SANTIAGO) == (
            "31 de marzo de 2026, 10:00 hora de Santiago"
        )


def test_a_span_over_several_days_gives_both_dates():
    with translation.override("pt-br"):
        text = span_text(at("2026-01-12 09:00"), at("2026-01-23 17:00"), SANTIAGO)
    assert "12 de janeiro de 2026" in text and "23 de janeiro de 2026" in text
    assert "09:00" in text and "17:00" in text and "Santiago" in text


def test_english_names_the_place_too():
    with translation.override("en"):
        text = instant_text(at("2026-03-31 10:00"), SANTIAGO, with_date=False)
    assert text.endswith("Santiago time")


def test_a_zone_outside_the_list_is_named_for_its_city():
    assert place_name(ZoneInfo("America/Argentina/Cordoba")) == "Cordoba"


@pytest.mark.parametrize(
    ("wall", "zone", "error"),
    [
        ("2026-09-06 00:30", SANTIAGO, NonexistentTime),  # Chile goes forward at midnight
        ("2026-03-29 01:30", LONDON, NonexistentTime),
        ("2026-04-04 23:30", SANTIAGO, AmbiguousTime),  # Chile goes back at midnight
        ("2026-10-25 01:30", LONDON, AmbiguousTime),
    ],
)
def test_times_a_clock_change_skips_or_repeats_are_refused(wall, zone, error):
    with pytest.raises(error):
        aware_in(datetime.fromisoformat(wall), zone)


def test_an_ordinary_time_is_placed_in_its_zone():
    placed = aware_in(datetime(2026, 3, 31, 10, 0), SANTIAGO)
    assert placed.astimezone(UTC) == datetime(2026, 3, 31, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        ("America/Santiago", "America/Santiago"),
        ("America%2FSao_Paulo", "America/Sao_Paulo"),
        ("Mars/Olympus_Mons", DEFAULT_ZONE),
        ("../../etc/passwd", DEFAULT_ZONE),
        ("", DEFAULT_ZONE),
        ("x" * 5000, DEFAULT_ZONE),
    ],
)
def test_the_visitors_zone_comes_from_the_cookie_or_is_london(cookie, expected):
    request = RequestFactory().get("/")
    if cookie:
        request.COOKIES["tz"] = cookie
    assert visitor_zone(request).key == expected

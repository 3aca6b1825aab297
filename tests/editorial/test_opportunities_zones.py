"""Deadlines in their own zone and the visitor's, across clock changes (issue 10.3, 10.13).

America/Santiago keeps UTC−3 in the southern summer and UTC−4 in winter, changing at
midnight (24:00 on the first Saturday of April, clocks back to 23:00, so 23:59 that
night happens twice; 24:00 on the first Saturday of September, clocks forward, so
00:00–00:59 that Sunday never happens). London changes at 01:00 UTC on the last
Sundays of March and October. A deadline typed as 23:59 in Santiago must read right
in London on both sides of each change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import rich_text

from editorial.models import OpportunityPage
from editorial.zones import (
    NonexistentTime,
    ZonedTime,
    dual_time,
    is_ambiguous,
    visitor_zone,
    wall_clock_to_aware,
)
from tests.editorial.opportunity_support import OpportunityPageFactory, at, opportunity_index
from tests.factories import InstitutionFactory

SANTIAGO = ZoneInfo("America/Santiago")
LONDON = ZoneInfo("Europe/London")


def shown(moment: datetime, zone: str, visitor: ZoneInfo = LONDON) -> tuple[str, str]:
    with translation.override("en"):
        both = dual_time(moment, zone, visitor)
        return str(both.own), str(both.visitor)


@pytest.mark.parametrize(
    ("santiago_day", "own_offset", "london"),
    [
        # Before London's spring change (29 March 2026, 01:00 UTC): GMT.
        ("2026-03-27", "UTC−3", "28 Mar 2026, 02:59 London time (UTC+0)"),
        # The night of the change: 02:59 UTC is after 01:00 UTC, so already BST.
        ("2026-03-28", "UTC−3", "29 Mar 2026, 03:59 London time (UTC+1)"),
        ("2026-03-29", "UTC−3", "30 Mar 2026, 03:59 London time (UTC+1)"),
        # Santiago's own change back, the night 23:59 happens twice: a deadline means
        # the later one, so an applicant keeps the extra hour.
        ("2026-04-04", "UTC−4", "5 Apr 2026, 04:59 London time (UTC+1)"),
        ("2026-04-05", "UTC−4", "6 Apr 2026, 04:59 London time (UTC+1)"),
        # London's autumn change (25 October 2026, 01:00 UTC), either side.
        ("2026-10-23", "UTC−3", "24 Oct 2026, 03:59 London time (UTC+1)"),
        ("2026-10-24", "UTC−3", "25 Oct 2026, 02:59 London time (UTC+0)"),
    ],
)
def test_a_santiago_deadline_reads_right_in_london_across_clock_changes(
    santiago_day, own_offset, london
):
    deadline = at(f"{santiago_day} 23:59", "America/Santiago")
    day = datetime.fromisoformat(santiago_day).strftime("%-d %b %Y")
    own = f"{day}, 23:59 Santiago time ({own_offset})"
    assert shown(deadline, "America/Santiago") == (own, london)


def test_an_ambiguous_time_is_the_later_for_a_deadline_and_the_earlier_for_an_opening():
    twice = datetime(2026, 4, 4, 23, 59)
    assert is_ambiguous(twice, SANTIAGO)
    later = wall_clock_to_aware(twice, SANTIAGO, later=True)
    earlier = wall_clock_to_aware(twice, SANTIAGO, later=False)
    assert later == datetime(2026, 4, 5, 3, 59, tzinfo=UTC)
    assert earlier == datetime(2026, 4, 5, 2, 59, tzinfo=UTC)


def test_a_time_the_clocks_skip_is_refused():
    with pytest.raises(NonexistentTime):
        wall_clock_to_aware(datetime(2026, 9, 6, 0, 30), SANTIAGO, later=True)
    with pytest.raises(NonexistentTime):
        wall_clock_to_aware(datetime(2026, 3, 29, 1, 30), LONDON, later=True)


def test_the_same_zone_is_shown_once():
    deadline = at("2026-05-01 17:00", "Europe/London")
    assert dual_time(deadline, "Europe/London", LONDON).visitor is None


def test_utc_reads_as_utc_and_unnamed_cities_by_their_zone_name():
    moment = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    with translation.override("en"):
        assert ZonedTime(moment, ZoneInfo("UTC")).clock == "12:00 UTC"
        kolkata = ZonedTime(moment.astimezone(ZoneInfo("Asia/Kolkata")), ZoneInfo("Asia/Kolkata"))
        assert kolkata.clock == "17:30 Kolkata time (UTC+5:30)"


@pytest.mark.parametrize(
    ("cookie", "zone"),
    [
        ("America/Sao_Paulo", "America/Sao_Paulo"),
        ("", "Europe/London"),
        ("../../etc/passwd", "Europe/London"),
        ("Mars/Olympus_Mons", "Europe/London"),
        ("A" * 5000, "Europe/London"),
    ],
)
def test_the_visitor_zone_comes_from_a_valid_cookie_or_is_london(rf, cookie, zone):
    request = rf.get("/")
    request.COOKIES["tz"] = cookie
    assert visitor_zone(request).key == zone


# --------------------------------------------------------------------------------------
# On the page
# --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_the_deadline_in_its_zone_and_the_visitors(client, clock):
    clock.move_to(datetime(2026, 3, 1, tzinfo=UTC), tick=False)
    page = OpportunityPageFactory(
        closes_at=at("2026-03-27 23:59", "America/Santiago"), time_zone="America/Santiago"
    )
    html = client.get(page.url).content.decode()
    assert "27 Mar 2026, 23:59 Santiago time (UTC−3)" in html
    assert "28 Mar 2026, 02:59 London time (UTC+0)" in html
    assert 'datetime="2026-03-28T02:59:00+00:00"' in html

    client.cookies["tz"] = "America/Sao_Paulo"
    html = client.get(page.url).content.decode()
    assert "27 Mar 2026, 23:59 Santiago time (UTC−3)" in html
    assert "27 Mar 2026, 23:59 São Paulo time (UTC−3)" in html
    assert "London time" not in html
    assert client.get(page.url)["Vary"].lower().count("cookie") == 1


@pytest.mark.django_db
def test_spanish_and_portuguese_pages_say_it_their_way(client, clock):
    clock.move_to(datetime(2026, 3, 1, tzinfo=UTC), tick=False)
    page = OpportunityPageFactory(
        slug="beca-santiago",
        closes_at=at("2026-03-27 23:59", "America/Santiago"),
        time_zone="America/Santiago",
    )
    spanish = client.get(f"/es{page.url}").content.decode()
    assert "23:59 hora de Santiago (UTC−3)" in spanish
    assert "02:59 hora de Londres (UTC+0)" in spanish
    portuguese = client.get(f"/pt-br{page.url}").content.decode()
    assert "23:59 horário de Santiago (UTC−3)" in portuguese
    assert "02:59 horário de Londres (UTC+0)" in portuguese


# --------------------------------------------------------------------------------------
# In the editor
# --------------------------------------------------------------------------------------


def admin_form_data(**overrides) -> dict:
    data = {
        "title": "Exchange in Santiago",
        "slug": "exchange-in-santiago",
        "kind": "exchange",
        "host": InstitutionFactory().pk,
        "summary": "",
        "body": rich_text(""),
        "how_to_apply": rich_text(""),
        "opens_at": "",
        "closes_at": "2026-04-04 23:59",
        "time_zone": "America/Santiago",
        "amount": "",
        "currency": "",
        "apply_url": "",
        "contact_email": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-publish": "action-publish",
    }
    data.update(overrides)
    return data


def add_url() -> str:
    return reverse(
        "wagtailadmin_pages:add", args=("editorial", "opportunitypage", opportunity_index().pk)
    )


@pytest.mark.django_db
def test_the_editor_types_a_clock_time_in_the_pages_zone(admin_client):
    response = admin_client.post(add_url(), admin_form_data())
    assert response.status_code == 302, response.content.decode()[-3000:]
    page = OpportunityPage.objects.get(slug="exchange-in-santiago")
    # 23:59 on the night Santiago's clocks go back: the later one, UTC−4.
    assert page.closes_at == datetime(2026, 4, 5, 3, 59, tzinfo=UTC)
    assert page.time_zone == "America/Santiago"
    # And the form shows it back as typed, not in UTC or the editor's zone.
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).content.decode()
    assert 'value="2026-04-04 23:59"' in edit


@pytest.mark.django_db
def test_the_editor_is_told_when_the_zone_skips_the_time(admin_client):
    response = admin_client.post(add_url(), admin_form_data(closes_at="2026-09-06 00:30"))
    assert response.status_code == 200
    assert "America/Santiago skips this time" in response.content.decode()
    assert not OpportunityPage.objects.filter(slug="exchange-in-santiago").exists()


@pytest.mark.django_db
def test_the_editor_must_close_after_opening_and_give_a_currency(admin_client):
    response = admin_client.post(
        add_url(),
        admin_form_data(opens_at="2026-05-01 09:00", closes_at="2026-04-30 09:00", amount="100"),
    )
    html = response.content.decode()
    assert "The deadline must come after the opening." in html
    assert "Choose the currency of the amount." in html
    assert not OpportunityPage.objects.filter(slug="exchange-in-santiago").exists()

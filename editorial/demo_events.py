"""Fictional demo events, and the demo facilities' access details.

`load_demo_events(user)` is called by the directory's demo loader after the
profiles and facilities exist (`directory.demo.loading.load_demo_data`); the
events are owned by the demo user, so `flush_demo_data` removes them with the
other demo pages. Dates are relative to today, so there are always upcoming and
past events; times are wall-clock times in each event's zone, as organisers
announce them, across UK and Latin American zones: a monthly online seminar series
hosted in turn from Santiago, London, São Paulo and Mexico City, a hybrid conference
in Antofagasta, a summer school in the UK and a lab visit to the plasma FIB-SEM.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page

from directory.choices import FacilityAccess, FacilityTechnique
from directory.models import Facility, ResearcherPage, Topic
from editorial.models import AttendanceMode, EventIndexPage, EventKind, EventPage, EventSpeaker
from editorial.zones import aware_in, get_zone

SERIES = "UK–LatAm Battery Seminars"

#: (days from today, length in days, start "HH:MM", end "HH:MM", zone, kind, mode,
#:  title, summary, venue, city, country, topic slugs, speakers' topic slug)
EVENTS: list[tuple] = [
    (
        -24,
        0,
        "10:00",
        "11:30",
        "America/Santiago",
        EventKind.SEMINAR,
        AttendanceMode.ONLINE,
        "Seminar: brine chemistry for direct lithium extraction",
        "How brine composition decides which DLE sorbent works, with data from three salars.",
        "",
        "",
        "",
        ["direct-lithium-extraction"],
        "direct-lithium-extraction",
    ),
    (
        9,
        0,
        "15:00",
        "16:30",
        "Europe/London",
        EventKind.SEMINAR,
        AttendanceMode.ONLINE,
        "Seminar: sodium-ion cathodes from lab to pilot line",
        "Layered oxides and Prussian white at pouch-cell scale: what changed on the way up.",
        "",
        "",
        "",
        ["cam", "cell-design-manufacturing-and-scale-up"],
        "cam",
    ),
    (
        38,
        0,
        "11:00",
        "12:30",
        "America/Sao_Paulo",
        EventKind.SEMINAR,
        AttendanceMode.ONLINE,
        "Seminar: hydrometallurgical recycling of black mass",
        "Leaching, solvent extraction and precipitation, from black mass to nickel sulphate.",
        "",
        "",
        "",
        ["recycling-and-circular-supply-chains"],
        "recycling-and-circular-supply-chains",
    ),
    (
        66,
        0,
        "09:00",
        "10:30",
        "America/Mexico_City",
        EventKind.SEMINAR,
        AttendanceMode.ONLINE,
        "Seminar: second-life batteries for rural microgrids",
        "Grading retired EV modules and what three years in the field taught us.",
        "",
        "",
        "",
        ["second-life"],
        "second-life",
    ),
    (
        -130,
        2,
        "09:00",
        "18:00",
        "Europe/London",
        EventKind.CONFERENCE,
        AttendanceMode.HYBRID,
        "UK–LatAm Battery Materials Conference 2025",
        "Three days on materials, cells and recycling, with a day for early-career researchers.",
        "Kingsbridge Institute of Technology (fictional)",
        "Manchester",
        "GB",
        ["cam", "anode-materials", "recycling-and-circular-supply-chains"],
        "anode-materials",
    ),
    (
        95,
        2,
        "09:00",
        "18:00",
        "America/Santiago",
        EventKind.CONFERENCE,
        AttendanceMode.HYBRID,
        "Lithium Triangle Battery Conference 2026",
        "From salar to cell: extraction, refining, materials and the communities around them.",
        "Universidad Ficticia de Antofagasta",
        "Antofagasta",
        "CL",
        [
            "direct-lithium-extraction",
            "lithium-refining-and-chemicals",
            "esg-sustainability-and-policy",
        ],
        "lithium-refining-and-chemicals",
    ),
    (
        150,
        11,
        "09:00",
        "17:00",
        "Europe/London",
        EventKind.SUMMER_SCHOOL,
        AttendanceMode.IN_PERSON,
        "Battery Recycling Summer School",
        "Two weeks of lectures and lab work for doctoral and early-career researchers, "
        "with travel grants for participants from Latin America.",
        "Northfield University (fictional)",
        "Sheffield",
        "GB",
        ["recycling-and-circular-supply-chains"],
        "recycling-and-circular-supply-chains",
    ),
    (
        24,
        0,
        "10:00",
        "16:00",
        "Europe/London",
        EventKind.LAB_VISIT,
        AttendanceMode.IN_PERSON,
        "Lab visit: the plasma FIB-SEM",
        "A day with the xenon plasma FIB-SEM: large-volume cross-sections of electrodes and cells.",
        "Northfield University (fictional)",
        "Sheffield",
        "GB",
        ["characterisation"],
        "characterisation",
    ),
    (
        52,
        1,
        "09:30",
        "17:00",
        "America/Sao_Paulo",
        EventKind.WORKSHOP,
        AttendanceMode.IN_PERSON,
        "Workshop: HAXPES of buried interfaces",
        "Hands-on analysis of hard X-ray photoelectron spectra of electrode-electrolyte "
        "interfaces.",
        "Centro Demo de Reciclagem de Baterias",
        "Campinas",
        "BR",
        ["characterisation", "electrolytes-and-solid-state-batteries"],
        "characterisation",
    ),
]

#: Facility name → (technique type, access model).
FACILITY_DETAILS = {
    "HAXPES instrument": (FacilityTechnique.SPECTROSCOPY, FacilityAccess.OPEN_CALL),
    "Plasma FIB-SEM": (FacilityTechnique.MICROSCOPY, FacilityAccess.FEE_BASED),
    "Pilot-scale DLE rig": (FacilityTechnique.EXTRACTION, FacilityAccess.COLLABORATION),
    "Hydrometallurgy pilot plant": (FacilityTechnique.RECYCLING, FacilityAccess.COLLABORATION),
    "Pouch-cell pilot line": (FacilityTechnique.CELL_FABRICATION, FacilityAccess.FEE_BASED),
    "Laboratorio de análisis de salmueras": (FacilityTechnique.ANALYTICAL, FacilityAccess.OPEN),
    "Battery cycling and abuse-testing lab": (
        FacilityTechnique.ELECTROCHEMISTRY,
        FacilityAccess.INTERNAL,
    ),
}


def _at(day: date, clock: str, zone_name: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return aware_in(datetime.combine(day, time(hours, minutes)), get_zone(zone_name))


def _speakers(user, topic_slug: str, count: int) -> list[ResearcherPage]:
    return list(
        ResearcherPage.objects.filter(owner=user, topics__slug=topic_slug)
        .listed()
        .order_by("pk")[:count]
    )


def fill_demo_facilities(user) -> int:
    """Technique type, access model, operators and contact of the demo facilities.

    The operators are up to two demo researchers of the host institution; the first
    is the contact that "Request access" writes to.
    """
    updated = 0
    for name, (technique, access) in FACILITY_DETAILS.items():
        for facility in Facility.objects.filter(name=name):
            facility.technique_type = technique
            facility.access = access
            people = list(
                ResearcherPage.objects.filter(owner=user, institution=facility.institution)
                .exclude(email="")
                .order_by("pk")[:2]
            )
            facility.contact = people[0] if people else None
            facility.save()
            facility.operators.set(people)
            updated += 1
    return updated


def _event(spec: tuple, today: date, user) -> dict[str, Any]:
    (
        days,
        length,
        start,
        end,
        zone,
        kind,
        mode,
        title,
        summary,
        venue,
        city,
        country,
        topic_slugs,
        speaker_topic,
    ) = spec
    first = today + timedelta(days=days)
    starts = _at(first, start, zone)
    is_series = kind == EventKind.SEMINAR
    fields = {
        "title": title,
        "slug": slugify(title)[:80],
        "kind": kind,
        "series": SERIES if is_series else "",
        "summary": summary,
        "body": f"<p>{summary}</p>",
        "time_zone": zone,
        "start": starts,
        "end": _at(first + timedelta(days=length), end, zone),
        "attendance_mode": mode,
        "venue": venue,
        "city": city,
        "country": country,
        "owner": user,
    }
    if mode in (AttendanceMode.ONLINE, AttendanceMode.HYBRID):
        fields["join_url"] = f"https://meet.example.org/{fields['slug'][:40]}"
    if kind != EventKind.SEMINAR:
        fields["registration_url"] = f"https://events.example.org/{fields['slug'][:40]}/register"
        fields["registration_deadline"] = starts - timedelta(days=14)
    return fields


def load_demo_events(user) -> int:
    """Publish the demo events below the events listing, and fill in the demo
    facilities; returns the number of events. Does nothing without an events page."""
    fill_demo_facilities(user)
    index = EventIndexPage.objects.first()
    if index is None:
        return 0
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    today = timezone.localdate()
    taken = set(Page.objects.child_of(index).values_list("slug", flat=True))
    created = 0
    for spec in EVENTS:
        fields = _event(spec, today, user)
        if fields["slug"] in taken:
            continue
        taken.add(fields["slug"])
        page = EventPage(**fields)
        page.topics = [topics[slug] for slug in spec[12] if slug in topics]
        speakers = _speakers(user, spec[13], 1 if spec[5] == EventKind.SEMINAR else 3)
        page.speakers = [
            EventSpeaker(researcher=researcher, sort_order=n)
            for n, researcher in enumerate(speakers)
        ] or [EventSpeaker(name="Dr Invited Speaker (fictional)", sort_order=0)]
        index.add_child(instance=page)
        revision = page.save_revision(user=user, log_action=False)
        revision.publish(user=user, log_action=False, skip_permission_checks=True)
        created += 1
    return created

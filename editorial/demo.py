"""Fictional opportunities for the demo data (`load_demo_data`).

`directory.demo.loading.load_demo_data` calls `load_demo_opportunities(user)` with its
demo user: the pages are owned by that user, so `flush_demo_data` removes them with the
rest. Hosts are the fictional institutions of `directory.fictional`. Deadlines are set
relative to today, at 23:59 in the host's own time zone, so the demo always shows some
open, some closing within a fortnight, one not open yet and some closed (the archive).
Every name and scheme is invented; the fellowships are modelled on the usual shape of
visiting research fellowship schemes (a stay of some months in a partner lab, travel
and subsistence paid).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.text import slugify

from directory.choices import CareerStage
from directory.models import Institution, Topic
from editorial.models import OpportunityIndexPage, OpportunityKind, OpportunityPage, Region
from editorial.zones import wall_clock_to_aware

K = OpportunityKind
EARLY = [CareerStage.DOCTORAL, CareerStage.EARLY]

#: (title, kind, host, zone, closes in days, opens in days or None, amount, currency,
#:  regions, countries, career stages, topic slugs, summary)
OPPORTUNITIES: list[tuple[Any, ...]] = [
    (
        "Visiting research fellowships: from brine to cathode (UK host labs)",
        K.FELLOWSHIP,
        "Demo Battery Research Centre",
        "Europe/London",
        40,
        None,
        Decimal("15000"),
        "GBP",
        [Region.LATIN_AMERICA],
        [],
        EARLY,
        ["direct-lithium-extraction", "cam"],
        "Three to six months in a UK lab for early-career researchers from Latin America; "
        "travel, subsistence and bench fees paid.",
    ),
    (
        "Exchange fellowships on battery recycling in Santiago",
        K.EXCHANGE,
        "Universidad Demo de Santiago",
        "America/Santiago",
        9,
        None,
        Decimal("9000000"),
        "CLP",
        [Region.UK],
        [],
        [CareerStage.EARLY, CareerStage.MID],
        ["recycling-and-circular-supply-chains"],
        "Spend a semester with the recycling group in Santiago; open to researchers "
        "based in the UK.",
    ),
    (
        "Recycling fellowships for Chilean early-career researchers",
        K.FELLOWSHIP,
        "Fenmarsh University (fictional)",
        "America/Santiago",
        21,
        None,
        Decimal("12000"),
        "GBP",
        [],
        ["CL"],
        [CareerStage.EARLY],
        ["recycling-and-circular-supply-chains", "second-life"],
        "Six months on hydrometallurgical recycling in a UK lab, for researchers in Chile "
        "within eight years of their PhD.",
    ),
    (
        "Seed funding for new UK–Latin America battery partnerships",
        K.FUNDING,
        "Demo Battery Research Centre",
        "Europe/London",
        33,
        None,
        Decimal("50000"),
        "GBP",
        [Region.UK, Region.LATIN_AMERICA],
        [],
        [],
        ["raw-materials", "cells-and-systems"],
        "Up to £50,000 for a first joint project between a UK and a Latin American group.",
    ),
    (
        "Fully funded PhD studentship: hard carbon anodes for sodium-ion cells",
        K.STUDENTSHIP,
        "Kingsbridge Institute of Technology (fictional)",
        "Europe/London",
        25,
        None,
        Decimal("20780"),
        "GBP",
        [],
        [],
        [CareerStage.DOCTORAL],
        ["anode-materials", "sodium-ion-and-next-generation-chemistries"],
        "Four years of fees and stipend; applicants from any country are welcome.",
    ),
    (
        "Postdoctoral research associate in solid-state electrolytes",
        K.JOB,
        "University of Glenmoor (fictional)",
        "Europe/London",
        18,
        None,
        Decimal("39000"),
        "GBP",
        [],
        [],
        [CareerStage.EARLY],
        ["electrolytes-and-solid-state-batteries"],
        "A three-year post on sulfide electrolytes and their interfaces.",
    ),
    (
        "Bolsas de mestrado sanduíche no Reino Unido",
        K.FELLOWSHIP,
        "Universidade Demo de Campinas",
        "America/Sao_Paulo",
        45,
        None,
        None,
        "",
        [],
        ["BR"],
        EARLY,
        ["battery-management-modelling-and-testing"],
        "Bolsas para mestrandos brasileiros passarem seis meses num laboratório britânico.",
    ),
    (
        "Call for papers: lithium in the Andes (special session)",
        K.CALL,
        "Universidad Ficticia de Jujuy",
        "America/Argentina/Buenos_Aires",
        30,
        None,
        None,
        "",
        [],
        [],
        [],
        ["direct-lithium-extraction", "lithium-refining-and-chemicals"],
        "Abstracts on brine chemistry, extraction and refining for a special session.",
    ),
    (
        "Industry challenge: sorting black mass at scale",
        K.CHALLENGE,
        "Example Cells Ltd (fictional)",
        "Europe/London",
        60,
        None,
        Decimal("25000"),
        "GBP",
        [],
        [],
        [],
        ["recycling-and-circular-supply-chains"],
        "A cell maker asks for ways to sort black mass by chemistry; the best proposal "
        "gets a paid pilot.",
    ),
    (
        "Summer exchange 2027 in Monterrey",
        K.EXCHANGE,
        "Instituto Demo de Energías de Monterrey",
        "America/Mexico_City",
        80,
        20,
        None,
        "",
        [Region.UK],
        [],
        EARLY,
        ["cell-design-manufacturing-and-scale-up"],
        "Eight weeks on pilot-line cell manufacturing; applications open soon.",
    ),
    (
        "Visiting research fellowships, last round",
        K.FELLOWSHIP,
        "Demo Battery Research Centre",
        "Europe/London",
        -30,
        None,
        Decimal("15000"),
        "GBP",
        [Region.LATIN_AMERICA],
        [],
        EARLY,
        ["characterisation"],
        "The previous round of the visiting fellowships (closed).",
    ),
    (
        "Pilot-line access grants",
        K.FUNDING,
        "Instituto Ficticio de Tecnologías del Litio",
        "America/Santiago",
        -5,
        None,
        Decimal("20000000"),
        "CLP",
        [],
        [],
        [],
        ["cell-design-manufacturing-and-scale-up"],
        "Grants for time on a pilot line (closed).",
    ),
]


def at_day_end(days: int, zone_name: str, now: datetime) -> datetime:
    """23:59 in `zone_name`, `days` days from today there."""
    zone = ZoneInfo(zone_name)
    day = timezone.localtime(now, zone).date() + timedelta(days=days)
    return wall_clock_to_aware(datetime.combine(day, time(23, 59)), zone, later=True)


def load_demo_opportunities(user: Any, *, now: datetime | None = None) -> int:
    """Publish the fictional opportunities (owned by `user`) below /opportunities/.

    Needs the fictional institutions (load them first); an opportunity whose host is
    missing is skipped. Returns how many were published.
    """
    now = now or timezone.now()
    index = OpportunityIndexPage.objects.order_by("path").first()
    if index is None:
        return 0
    hosts = {i.name: i for i in Institution.objects.filter(name__in={o[2] for o in OPPORTUNITIES})}
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    taken = set(OpportunityPage.objects.child_of(index).values_list("slug", flat=True))
    published = 0
    for (
        title, kind, host, zone, closes_in, opens_in, amount, currency,
        regions, country_codes, stages, topic_slugs, summary,
    ) in OPPORTUNITIES:  # fmt: skip
        if host not in hosts:
            continue
        slug, n = slugify(title)[:80], 2
        while slug in taken:
            slug, n = f"{slugify(title)[:80]}-{n}", n + 1
        taken.add(slug)
        page = OpportunityPage(
            title=title,
            slug=slug,
            kind=kind,
            host=hosts[host],
            summary=summary,
            body=f"<p>{summary}</p><p>This is fictional demo content.</p>",
            how_to_apply="<p>Send a CV, a two-page research plan and a letter from your "
            "host. Fictional: there is nowhere to apply.</p>",
            amount=amount,
            currency=currency,
            time_zone=zone,
            opens_at=at_day_end(opens_in, zone, now) if opens_in is not None else None,
            closes_at=at_day_end(closes_in, zone, now),
            eligible_regions=list(regions),
            eligible_countries=list(country_codes),
            career_stages=list(stages),
            contact_email=f"opportunities@{slugify(host)[:40]}.example.org",
            owner=user,
        )
        page.topics = [topics[t] for t in topic_slugs if t in topics]
        index.add_child(instance=page)
        revision = page.save_revision(user=user, log_action=False)
        revision.publish(user=user, log_action=False, skip_permission_checks=True)
        published += 1
    return published

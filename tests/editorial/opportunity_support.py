"""Factories and helpers of the opportunity tests."""

from __future__ import annotations

from datetime import datetime, timedelta

import factory
import wagtail_factories
from django.utils import timezone

from editorial.models import OpportunityIndexPage, OpportunityKind, OpportunityPage
from tests.factories import InstitutionFactory


def opportunity_index() -> OpportunityIndexPage:
    """The /opportunities/ page the migrations created."""
    return OpportunityIndexPage.objects.get()


class OpportunityPageFactory(wagtail_factories.PageFactory):
    """A published opportunity below /opportunities/, closing in 30 days by default."""

    class Meta:
        model = OpportunityPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Visiting fellowship {n}")
    slug = factory.Sequence(lambda n: f"opportunity-{n}")
    kind = OpportunityKind.FELLOWSHIP
    host = factory.SubFactory(InstitutionFactory)
    summary = "Three months in a partner lab."
    body = "<p>What the fellowship offers.</p>"
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    time_zone = "Europe/London"
    parent = factory.LazyFunction(opportunity_index)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if extracted:
            self.topics.set(extracted)
            if create:
                self.save()


def at(text: str, zone: str) -> datetime:
    """ "2026-03-27 23:59" in `zone` as an aware datetime (the later one if it is twice)."""
    from zoneinfo import ZoneInfo

    from editorial.zones import wall_clock_to_aware

    return wall_clock_to_aware(datetime.fromisoformat(text), ZoneInfo(zone), later=True)

"""Site-wide search finds opportunities and shows their kind, host and deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from editorial.models import OpportunityKind
from tests.editorial.opportunity_support import OpportunityPageFactory
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_an_opportunity_result_has_its_card(client):
    OpportunityPageFactory(
        title="Hydrometallurgy fellowship",
        kind=OpportunityKind.FELLOWSHIP,
        host=InstitutionFactory(name="Fenmarsh (search test)"),
        summary="Leaching black mass at scale.",
        time_zone="America/Santiago",
    )
    html = client.get("/search/", {"q": "hydrometallurgy"}).content.decode()
    assert "Fellowship or scholarship" in html
    assert "Fenmarsh (search test)" in html
    assert "Santiago time" in html
    assert "Leaching black mass" in html


def test_a_closed_opportunity_is_found_and_says_so(client):
    OpportunityPageFactory(
        title="Hydrometallurgy call", closes_at=timezone.now() - timedelta(days=2)
    )
    html = client.get("/search/", {"q": "hydrometallurgy"}).content.decode()
    assert "Hydrometallurgy" in html and "Closed:" in html

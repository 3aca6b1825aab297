"""A claim survives the publication of a revision saved before it (docs/accounts.md)."""

import pytest

from accounts import claims
from directory.models import ResearcherPage
from tests.factories import ResearcherPageFactory

pytestmark = pytest.mark.django_db


def test_publishing_a_draft_saved_before_the_claim_keeps_the_account(member):
    profile = ResearcherPageFactory(email="ana.souza@uni.example.org")
    profile.save_revision().publish()
    profile.title = "Ana Souza (edited)"
    draft = profile.save_revision()  # an editor's draft: its content has no account

    claims.claim(profile, member)
    draft.refresh_from_db()
    draft.publish()

    published = ResearcherPage.objects.get(pk=profile.pk)
    assert published.title == "Ana Souza (edited)"
    assert published.user == member


def test_reverting_to_a_revision_from_before_the_claim_keeps_the_account(member):
    profile = ResearcherPageFactory(email="ana.souza@uni.example.org")
    old = profile.save_revision()
    old.publish()
    claims.claim(profile, member)
    old.refresh_from_db()
    old.publish()
    assert ResearcherPage.objects.get(pk=profile.pk).user == member

"""Joining: automatic claim, claim links, new profiles, invitations, consent (points 3-5)."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Consent, ConsentSource, Invitation
from directory.models import ResearcherPage
from tests.factories import ResearcherPageFactory

pytestmark = pytest.mark.django_db


def test_verified_email_match_is_claimed_with_consent(client, member):
    profile = ResearcherPageFactory(email="ANA.Souza@uni.example.org")
    client.force_login(member)
    page = client.get("/accounts/join/")
    assert profile.title in page.content.decode()
    client.post("/accounts/join/", {"action": "claim", "match-consent": "on"})
    profile.refresh_from_db()
    assert profile.user == member
    assert Consent.objects.get(profile=profile).how == ConsentSource.CLAIMED


def test_claim_by_link_is_single_use_and_answer_does_not_reveal(client, member):
    profile = ResearcherPageFactory(email="someone.else@uni.example.org")
    client.force_login(member)
    known = client.post("/accounts/join/", {"action": "link", "link-profile_url": profile.url})
    unknown = client.post(
        "/accounts/join/", {"action": "link", "link-profile_url": "/directory/x/"}
    )
    main = re.compile(r"<main.*</main>", re.S)
    assert (
        main.search(known.content.decode()).group() == main.search(unknown.content.decode()).group()
    )
    assert "someone.else" not in known.content.decode()
    assert mail.outbox[-1].to == ["someone.else@uni.example.org"]
    url = re.search(r"http://testserver(\S+/claim/\S+/)", mail.outbox[-1].body).group(1)
    client.post(url, {"claim-consent": "on"})
    profile.refresh_from_db()
    assert profile.user == member
    assert client.get(url).status_code == 404


def test_new_profile_is_a_draft_in_moderation(client, member, django_user_model):
    from django.contrib.auth.models import Group

    moderator = django_user_model.objects.create_user("mod", "mod@uni.example.org", "pw")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(member)
    client.post(
        "/accounts/join/",
        {"action": "new", "new-given_name": "Ana", "new-family_name": "Souza", "new-consent": "on"},
    )
    profile = ResearcherPage.objects.get(user=member)
    assert not profile.live
    assert profile.workflow_in_progress
    assert Consent.objects.get(profile=profile).how == ConsentSource.SELF_CREATED
    assert "waiting for an editor" in client.get("/accounts/").content.decode()


def test_import_invites_once_per_period_and_records_consent(tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text("given_name,family_name,country,email\nAna,Souza,BR,ana@uni.example.org\n")
    call_command("import_researchers", str(csv), "--invite", verbosity=0)
    profile = ResearcherPage.objects.get(email="ana@uni.example.org")
    assert Consent.objects.get(profile=profile).how == ConsentSource.IMPORT
    assert Invitation.objects.filter(profile=profile).count() == 1
    call_command("import_researchers", str(csv), "--invite", verbosity=0)
    assert Invitation.objects.filter(profile=profile).count() == 1
    assert len(mail.outbox) == 1


def _ask_for_link(client, profile, address="10.0.0.1"):
    return client.post(
        "/accounts/join/",
        {"action": "link", "link-profile_url": profile.url},
        REMOTE_ADDR=address,
    )


def test_claim_link_requests_are_limited_per_account(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "claim_link": "2/h/user"}
    profile = ResearcherPageFactory(email="someone.else@uni.example.org")
    client.force_login(member)
    for n in range(2):
        assert _ask_for_link(client, profile, f"10.0.0.{n}").status_code == 200
    refused = _ask_for_link(client, profile, "10.0.0.9")
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert len(mail.outbox) == 2


def test_claim_link_requests_are_limited_per_address(client, member, django_user_model, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "claim_link": "2/h/ip"}
    profile = ResearcherPageFactory(email="someone.else@uni.example.org")
    other = django_user_model.objects.create_user("other", "other@uni.example.org", "pw")
    client.force_login(member)
    _ask_for_link(client, profile)
    client.force_login(other)
    _ask_for_link(client, profile)
    assert _ask_for_link(client, profile).status_code == 429
    assert _ask_for_link(client, profile, "10.0.0.2").status_code == 200
    assert len(mail.outbox) == 3

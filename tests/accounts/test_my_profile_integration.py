"""Where accounts meet "My profile": the links to it, and deleting everything.

The account page and the site header lead a researcher with a profile to "My
profile" and one without to "Join the directory"; the self-service delete also runs
the accounts eraser, which removes allauth's records of the account.
"""

from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.auth import get_user_model

from accounts import consent
from accounts.models import ClaimLink, Consent, ConsentSource
from common import personal_data
from directory.self_service import erasure
from tests.factories import ResearcherPageFactory

pytestmark = pytest.mark.django_db


class Engine:
    removed: list[int]

    def __init__(self) -> None:
        self.removed = []

    def remove_researchers(self, pks):
        self.removed.extend(pks)


@pytest.fixture
def engine(monkeypatch):
    engine = Engine()
    monkeypatch.setattr(erasure, "search_engine", lambda: engine)
    return engine


def test_account_page_and_header_offer_my_profile_to_its_owner(client, member):
    profile = ResearcherPageFactory(user=member)
    client.force_login(member)

    account = client.get("/accounts/").content.decode()
    assert f'href="/my-profile/{profile.pk}/"' in account

    header = client.get("/search/").content.decode()
    assert 'href="/my-profile/"' in header
    assert 'href="/accounts/join/"' not in header
    assert 'action="/accounts/logout/"' in header
    assert client.get("/my-profile/").url == f"/my-profile/{profile.pk}/"


def test_header_offers_joining_without_a_profile_and_signing_in_when_anonymous(client, member):
    anonymous = client.get("/search/").content.decode()
    assert 'href="/accounts/login/"' in anonymous
    assert "/accounts/logout/" not in anonymous

    client.force_login(member)
    header = client.get("/search/").content.decode()
    assert 'href="/accounts/join/"' in header
    assert 'href="/my-profile/"' not in header
    spanish = client.get("/es/search/").content.decode()
    assert "Únete al directorio" in spanish


def test_signing_out_from_the_header(client, member):
    client.force_login(member)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_accounts_eraser_is_registered():
    assert personal_data.erasers()["accounts"].__module__ == "accounts.personal_data"


def test_deleting_my_profile_removes_the_allauth_records(client, member, engine):
    profile = ResearcherPageFactory(user=member, email="ana@uni.example.org")
    consent.record(profile, ConsentSource.CLAIMED, user=member, text="I agree.")
    app = SocialApp.objects.create(provider="orcid", name="ORCID", client_id="id", secret="s")
    social = SocialAccount.objects.create(user=member, provider="orcid", uid="0000-0002-1825-0097")
    SocialToken.objects.create(app=app, account=social, token="t")
    client.force_login(member)

    response = client.post(f"/my-profile/{profile.pk}/delete/", {"confirm": "yes"})

    assert response.status_code == 200
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    assert not EmailAddress.objects.filter(email__iexact=member.email).exists()
    assert not SocialAccount.objects.exists()
    assert not SocialToken.objects.exists()
    assert not Consent.objects.exists()
    assert engine.removed == [profile.pk]
    assert client.login(username="member", password="pw-Secret-42") is False


def test_a_retried_accounts_erasure_works_once_the_account_is_gone(member):
    profile = ResearcherPageFactory(user=member)
    consent.record(profile, ConsentSource.CLAIMED, user=member, text="I agree.")
    ClaimLink.objects.create(profile=profile)
    stand_in = SimpleNamespace(pk=member.pk, id=member.pk, email=member.email)

    personal_data.erasers()["accounts"](stand_in, member.email)

    assert not Consent.objects.exists()
    assert not ClaimLink.objects.exists()
    assert not EmailAddress.objects.filter(user_id=member.pk).exists()

"""Signing in with ORCID against the local fake (tests/fakes/orcid_oauth.py), over HTTP."""

from urllib.parse import urlsplit
from urllib.request import HTTPRedirectHandler, build_opener

import pytest
from allauth.socialaccount.models import SocialAccount

from tests.factories import ResearcherPageFactory
from tests.fakes.orcid_oauth import FakeOrcid

pytestmark = pytest.mark.django_db


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def orcid(settings):
    with FakeOrcid() as fake:
        settings.ORCID_BASE_URL = settings.ORCID_API_URL = fake.url
        settings.SOCIALACCOUNT_PROVIDERS = {
            "orcid": {"APPS": [{"client_id": fake.client_id, "secret": fake.client_secret}]}
        }
        yield fake


def _authorize(url: str) -> str:
    """What the person's browser does at ORCID: follow to the redirect back to us."""
    opener = build_opener(_NoRedirects)
    try:
        opener.open(url)
    except Exception as redirect:  # urllib raises HTTPError for the unfollowed 302
        assert redirect.code == 302
        return redirect.headers["Location"]
    raise AssertionError("ORCID did not redirect back")


def test_the_button_shows_when_a_client_is_configured(client, orcid):
    assert "/accounts/orcid/login/" in client.get("/accounts/login/").content.decode()


def test_orcid_sign_in_signs_in_and_offers_the_matching_profile(client, member, orcid):
    SocialAccount.objects.create(user=member, provider="orcid", uid=orcid.person.orcid)
    profile = ResearcherPageFactory(orcid=orcid.person.orcid, email="")
    start = client.post("/accounts/orcid/login/")
    assert start.status_code == 302
    assert start["Location"].startswith(f"{orcid.url}/oauth/authorize?")
    back = urlsplit(_authorize(start["Location"]))
    assert back.path == "/accounts/orcid/login/callback/"
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302
    assert int(client.session["_auth_user_id"]) == member.pk
    assert ("POST", "/oauth/token") in orcid.requests
    assert ("GET", f"/v3.0/{orcid.person.orcid}/record") in orcid.requests
    join = client.get(done["Location"]).content.decode()
    assert done["Location"] == "/accounts/join/"
    assert "has your ORCID iD" in join
    assert profile.title in join


def test_a_forged_callback_signs_no_one_in(client, member, orcid):
    SocialAccount.objects.create(user=member, provider="orcid", uid=orcid.person.orcid)
    client.post("/accounts/orcid/login/")
    client.get("/accounts/orcid/login/callback/?code=made-up&state=made-up")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["/accounts/orcid/login/", "/accounts/orcid/login/callback/"])
def test_without_an_orcid_client_its_urls_answer_404(client, settings, path):
    settings.SOCIALACCOUNT_PROVIDERS = {"orcid": {"APPS": []}}  # no ORCID_CLIENT_ID
    assert client.get(path, {"code": "x", "state": "y"}).status_code == 404

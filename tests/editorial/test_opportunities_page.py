"""One opportunity's page: facts, JSON-LD, the contact relay, and nothing private."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from editorial.models import OpportunityKind
from tests.conftest import CLOCK_START
from tests.editorial.opportunity_support import OpportunityPageFactory
from tests.factories import InstitutionFactory, ResearcherPageFactory

pytestmark = pytest.mark.django_db

SECRET = "grants-office@host.example.org"


def json_ld(html: str) -> dict | None:
    match = re.search(
        r'<script type="application/ld\+json" nonce="[^"]*">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1)) if match else None


def test_the_page_shows_host_amount_eligibility_and_stages(client):
    page = OpportunityPageFactory(
        host=InstitutionFactory(name="Harwick College (test)"),
        amount=Decimal("25000"),
        currency="GBP",
        eligible_regions=["latin-america"],
        eligible_countries=["GB"],
        career_stages=["early-career"],
        apply_url="https://apply.example.org/fellowship",
    )
    html = client.get(page.url).content.decode()
    assert "Harwick College (test)" in html
    assert "25,000 GBP" in html
    assert "Latin America, United Kingdom" in html
    assert "Early-career researcher" in html
    assert 'href="https://apply.example.org/fellowship"' in html


def test_an_open_call_says_anyone_may_apply(client):
    html = client.get(OpportunityPageFactory().url).content.decode()
    assert "Any country" in html
    assert "Every career stage" in html


def test_a_job_is_a_job_posting(client):
    page = OpportunityPageFactory(
        kind=OpportunityKind.JOB,
        host=InstitutionFactory(name="Glenmoor (test)", country="GB", city="Glasgow"),
        amount=Decimal("39000"),
        currency="GBP",
        closes_at=datetime(2026, 7, 1, 22, 59, tzinfo=UTC),
        eligible_countries=["CL"],
        contact_email=SECRET,
    )
    data = json_ld(client.get(page.url).content.decode())
    assert data["@type"] == "JobPosting"
    assert data["title"] == page.title
    assert data["validThrough"] == "2026-07-01T22:59:00+00:00"
    assert data["hiringOrganization"]["name"] == "Glenmoor (test)"
    assert data["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "GB",
        "addressLocality": "Glasgow",
    }
    assert data["baseSalary"] == {"@type": "MonetaryAmount", "currency": "GBP", "value": 39000}
    assert data["applicantLocationRequirements"] == [{"@type": "Country", "name": "CL"}]
    assert SECRET not in json.dumps(data)


def test_a_studentship_is_a_job_posting_too(client):
    page = OpportunityPageFactory(kind=OpportunityKind.STUDENTSHIP)
    assert json_ld(client.get(page.url).content.decode())["@type"] == "JobPosting"


@pytest.mark.parametrize("kind", [OpportunityKind.FUNDING, OpportunityKind.FELLOWSHIP])
def test_funding_is_a_monetary_grant(client, kind):
    page = OpportunityPageFactory(
        kind=kind,
        host=InstitutionFactory(name="Battery Futures Fund (test)"),
        amount=Decimal("50000.50"),
        currency="EUR",
    )
    data = json_ld(client.get(page.url).content.decode())
    assert data["@type"] == "MonetaryGrant"
    assert data["funder"]["name"] == "Battery Futures Fund (test)"
    assert data["amount"] == {"@type": "MonetaryAmount", "currency": "EUR", "value": 50000.5}


def test_other_kinds_have_no_json_ld(client):
    page = OpportunityPageFactory(kind=OpportunityKind.CALL)
    assert json_ld(client.get(page.url).content.decode()) is None


def test_json_ld_cannot_close_its_script_element(client):
    page = OpportunityPageFactory(kind=OpportunityKind.JOB, title="</script><script>alert(1)")
    html = client.get(page.url).content.decode()
    assert "</script><script>alert(1)" not in html


# --------------------------------------------------------------------------------------
# The contact relay
# --------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clean_cache(clock):
    """An empty cache and a still clock: the rate limits' windows can't turn mid-test."""
    cache.clear()
    yield
    cache.clear()


def contact_url(page) -> str:
    return page.url + "contact/"


MESSAGE = {
    "name": "Rosa Quispe",
    "email": "rosa@uni.example.org",
    "subject": "Eligibility",
    "message": "Does a postdoc in Bolivia count as early-career for this call?",
}


def test_the_contact_address_is_never_on_the_page_or_the_form(client):
    page = OpportunityPageFactory(contact_email=SECRET)
    for url in (page.url, contact_url(page), contact_url(page) + "?sent=1"):
        response = client.get(url)
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
    assert contact_url(page) in client.get(page.url).content.decode()


def test_a_question_is_mailed_to_the_contact_with_the_sender_in_reply_to(client):
    page = OpportunityPageFactory(title="Recycling fellowship", contact_email=SECRET)
    response = client.post(contact_url(page), MESSAGE)
    assert response.status_code == 302
    assert response["Location"].endswith("contact/?sent=1")
    assert SECRET not in response["Location"]
    [message] = mail.outbox
    assert message.to == [SECRET]
    assert message.reply_to == ["rosa@uni.example.org"]
    assert "Eligibility" in message.subject
    assert MESSAGE["message"] in message.body
    assert "Recycling fellowship" in message.body


def test_a_bad_question_is_shown_again_with_its_errors(client):
    page = OpportunityPageFactory(contact_email=SECRET)
    response = client.post(contact_url(page), {**MESSAGE, "email": "not an address"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter an e-mail address in the form name@example.org." in html
    assert SECRET not in html
    assert mail.outbox == []


def test_the_honeypot_sends_nothing_but_looks_sent(client):
    page = OpportunityPageFactory(contact_email=SECRET)
    response = client.post(contact_url(page), {**MESSAGE, "website": "http://spam.example"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_questions_are_limited_per_sender(client, settings):
    settings.DIRECTORY_CONTACT_RATE = (1, 3600)
    page = OpportunityPageFactory(contact_email=SECRET)
    assert client.post(contact_url(page), MESSAGE).status_code == 302
    response = client.post(contact_url(page), MESSAGE)
    assert response.status_code == 429
    assert "Retry-After" in response
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"contact_email": ""},
        {"contact_email": SECRET, "closes_at": CLOCK_START - timedelta(minutes=1)},
    ],
)
def test_no_form_without_an_address_or_after_the_deadline(client, kwargs):
    page = OpportunityPageFactory(**kwargs)
    assert client.get(contact_url(page)).status_code == 404
    assert client.post(contact_url(page), MESSAGE).status_code == 404
    assert "contact/" not in client.get(page.url).content.decode()
    assert mail.outbox == []


def test_the_per_sender_allowance_is_shared_with_the_directorys_form(client, settings):
    settings.DIRECTORY_CONTACT_RATE = (1, 3600)
    researcher = ResearcherPageFactory(email="someone@uni.example.org")
    response = client.post(reverse("directory:contact", args=[researcher.pk]), MESSAGE)
    assert response.status_code == 302
    page = OpportunityPageFactory(contact_email=SECRET)
    assert client.post(contact_url(page), MESSAGE).status_code == 429
    assert [message.to for message in mail.outbox] == [["someone@uni.example.org"]]

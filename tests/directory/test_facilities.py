"""Shared facilities: the listing and its filters, a facility's page, and "Request access"
through the contact form's relay (directory/facilities.py).

The contact's address must never reach a page, a redirect or a header; requests share
the contact form's rate limits and its blocks.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from directory.choices import FacilityAccess, FacilityTechnique
from directory.models import ContactReport
from tests.factories import FacilityFactory, InstitutionFactory, ResearcherPageFactory, restrict

pytestmark = pytest.mark.django_db

CONTACT_EMAIL = "haxpes.manager.private@lab.example.ac.uk"
MESSAGE = "We would like two days of HAXPES on cycled NMC electrodes in March."


@pytest.fixture(autouse=True)
def _clean_cache(clock):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def uk_lab():
    return InstitutionFactory(name="Demo Battery Research Centre", country="GB", city="Oxford")


@pytest.fixture
def manager(uk_lab):
    return ResearcherPageFactory(
        given_name="Helen",
        family_name="Marsh",
        title="Helen Marsh",
        email=CONTACT_EMAIL,
        institution=uk_lab,
    )


@pytest.fixture
def haxpes(uk_lab, manager):
    facility = FacilityFactory(
        name="HAXPES instrument",
        institution=uk_lab,
        techniques="HAXPES; XPS",
        technique_type=FacilityTechnique.SPECTROSCOPY,
        access=FacilityAccess.OPEN_CALL,
        contact=manager,
    )
    facility.operators.set([manager])
    return facility


@pytest.fixture
def fib_sem():
    chile = InstitutionFactory(name="Universidad Ficticia de Antofagasta", country="CL")
    return FacilityFactory(
        name="Plasma FIB-SEM",
        institution=chile,
        technique_type=FacilityTechnique.MICROSCOPY,
        access=FacilityAccess.FEE_BASED,
    )


def url(facility) -> str:
    return f"/directory/facilities/{facility.slug}/request-access/"


def valid_post(**changes) -> dict[str, str]:
    data = {
        "name": "Ana Souza",
        "email": "ana.souza@example.org",
        "organisation": "Universidade Demo",
        "subject": "HAXPES of NMC",
        "message": MESSAGE,
        "website": "",
    }
    data.update(changes)
    return data


def assert_no_address(response) -> None:
    texts = [response.content.decode().lower(), *(v.lower() for v in response.headers.values())]
    for text in texts:
        assert CONTACT_EMAIL not in text
        assert CONTACT_EMAIL.split("@")[1] not in text
        assert "mailto:" not in text


def names(response) -> set[str]:
    return {facility.name for facility in response.context["page_obj"]}


# --- The listing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"HAXPES instrument", "Plasma FIB-SEM"}),
        ("technique=spectroscopy", {"HAXPES instrument"}),
        ("technique=microscopy", {"Plasma FIB-SEM"}),
        ("country=CL", {"Plasma FIB-SEM"}),
        ("access=open-call", {"HAXPES instrument"}),
        ("access=fee-based&country=CL", {"Plasma FIB-SEM"}),
        ("access=fee-based&country=GB", set()),
    ],
)
def test_the_listing_filters(client, haxpes, fib_sem, query, expected):
    response = client.get(f"/directory/facilities/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize(
    "query", ["technique=nope", "country=ZZ", "access=free-for-all", "page=abc", "page=999"]
)
def test_bad_filter_values_are_ignored(client, haxpes, fib_sem, query):
    assert client.get(f"/directory/facilities/?{query}").status_code == 200


def test_the_listing_shows_who_runs_it_and_offers_a_request(client, haxpes, manager):
    response = client.get("/directory/facilities/")
    html = response.content.decode()
    assert f'<a href="{manager.url}">Helen Marsh</a>' in html
    assert f'href="{url(haxpes)}"' in html
    assert_no_address(response)


def test_the_listing_in_spanish(client, haxpes):
    html = client.get("/es/directory/facilities/").content.decode()
    assert "Convocatoria abierta de propuestas" in html
    assert "Solicitar acceso" in html


def test_private_operators_are_not_shown(client, haxpes, uk_lab):
    hidden = ResearcherPageFactory(title="Hidden Person", institution=uk_lab)
    restrict(hidden)
    haxpes.operators.add(hidden)
    assert "Hidden Person" not in client.get("/directory/facilities/").content.decode()


def test_a_facility_without_a_contact_offers_no_request(client, fib_sem):
    html = client.get(f"/directory/facilities/{fib_sem.slug}/").content.decode()
    assert "request-access" not in html
    assert client.get(url(fib_sem)).status_code == 404
    assert client.post(url(fib_sem), valid_post()).status_code == 404


@pytest.mark.parametrize("problem", ["unpublished", "private", "no-email"])
def test_a_contact_who_cannot_receive_means_no_request(
    client, haxpes, manager, problem, mailoutbox
):
    if problem == "unpublished":
        manager.unpublish()
    elif problem == "private":
        restrict(manager)
    else:
        manager.email = ""
        manager.save()
    assert client.get(url(haxpes)).status_code == 404
    assert client.post(url(haxpes), valid_post()).status_code == 404
    assert mailoutbox == []


def test_the_facility_page(client, haxpes):
    response = client.get(f"/directory/facilities/{haxpes.slug}/")
    html = response.content.decode()
    assert "HAXPES instrument" in html and "Open call for proposals" in html
    assert f'href="{url(haxpes)}"' in html
    assert_no_address(response)
    assert client.get("/directory/facilities/nope/").status_code == 404


# --- Request access ------------------------------------------------------------------------


def test_the_form_never_shows_the_address(client, haxpes):
    response = client.get(url(haxpes))
    assert response.status_code == 200
    assert 'name="organisation"' in response.content.decode()
    assert_no_address(response)


def test_a_request_sends_one_email_to_the_contact(client, haxpes, mailoutbox):
    response = client.post(url(haxpes), valid_post())
    assert response.status_code == 302
    assert response["Location"] == f"{url(haxpes)}?sent=1"
    assert_no_address(response)
    (mail,) = mailoutbox
    assert mail.to == [CONTACT_EMAIL]
    assert mail.reply_to == ["ana.souza@example.org"]
    assert "HAXPES instrument" in mail.subject and "Ana Souza" in mail.subject
    assert MESSAGE in mail.body
    assert "Universidade Demo" in mail.body
    assert "http://testserver/directory/contact/report/" in mail.body
    thanks = client.get(response["Location"])
    assert "on its way" in thanks.content.decode()
    assert_no_address(thanks)


def test_invalid_input_shows_the_form_again_without_the_address(client, haxpes, mailoutbox):
    response = client.post(url(haxpes), valid_post(email="not-an-address", message="short"))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"email", "message"}
    assert_no_address(response)
    assert mailoutbox == []


def test_header_injection_is_flattened(client, haxpes, mailoutbox):
    client.post(url(haxpes), valid_post(name="Ana\r\nBcc: victim@example.org"))
    (mail,) = mailoutbox
    assert "\n" not in mail.subject and mail.bcc == []


def test_the_honeypot_looks_like_success_and_sends_nothing(client, haxpes, mailoutbox):
    response = client.post(url(haxpes), valid_post(website="http://spam.example"))
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    assert mailoutbox == []


def test_requests_share_the_contact_forms_allowance_per_ip(client, haxpes, settings, mailoutbox):
    settings.DIRECTORY_CONTACT_RATE = (2, 3600)
    other = ResearcherPageFactory(email="someone@uni.example.org")
    assert (
        client.post(
            f"/directory/contact/{other.pk}/",
            {
                "name": "Ana",
                "email": "ana@example.org",
                "subject": "",
                "website": "",
                "message": "Hello, a message long enough to pass.",
            },
        ).status_code
        == 302
    )
    assert client.post(url(haxpes), valid_post()).status_code == 302
    refused = client.post(url(haxpes), valid_post())
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert MESSAGE in refused.content.decode()  # kept as typed
    assert_no_address(refused)
    assert len(mailoutbox) == 2


def test_requests_count_against_the_contacts_daily_allowance(
    client, haxpes, manager, settings, mailoutbox
):
    settings.DIRECTORY_CONTACT_RECIPIENT_RATE = (1, 86400)
    assert client.post(url(haxpes), valid_post()).status_code == 302
    refused = client.post(
        f"/directory/contact/{manager.pk}/",
        {
            "name": "Bo",
            "email": "bo@example.org",
            "subject": "",
            "website": "",
            "message": "Hello, a message long enough to pass.",
        },
        REMOTE_ADDR="10.0.0.9",
    )
    assert refused.status_code == 429
    assert len(mailoutbox) == 1


def test_a_sender_the_contact_reported_is_blocked_here_too(client, haxpes, manager, mailoutbox):
    ContactReport.objects.create(
        researcher=manager,
        sender_name="Ana Souza",
        sender_email="ana.souza@example.org",
        message_sent_at="2026-06-01T10:00:00Z",
    )
    response = client.post(url(haxpes), valid_post())
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    assert mailoutbox == []


def test_the_report_link_in_a_request_blocks_the_sender(client, haxpes, manager, mailoutbox):
    client.post(url(haxpes), valid_post())
    link = mailoutbox[0].body.split("http://testserver", 1)[1].split()[0]
    assert client.post(link).status_code == 200
    assert ContactReport.objects.filter(researcher=manager).count() == 1
    mailoutbox.clear()
    client.post(url(haxpes), valid_post())
    assert mailoutbox == []


def test_a_failed_send_keeps_the_request_and_hides_the_address(client, haxpes, monkeypatch):
    def refuse(self, fail_silently=False):
        raise OSError(f"could not deliver to {CONTACT_EMAIL}")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    response = client.post(url(haxpes), valid_post())
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
    assert_no_address(response)


def test_nothing_the_sender_writes_is_stored(client, haxpes, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as queries:
        client.post(url(haxpes), valid_post())
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []

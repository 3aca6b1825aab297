"""Import from ORCID, against a local fake of the public API v3.0 (tests/fakes/orcid_api.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from directory.self_service.orcid import OrcidClient, OrcidError, Throttle, new_works
from tests.factories import ResearcherPageFactory, ResearcherPublicationFactory
from tests.fakes.orcid_api import FakeOrcid, employment, work

pytestmark = pytest.mark.django_db

ORCID = "0000-0002-1825-0097"


@pytest.fixture
def orcid(settings):
    with FakeOrcid() as fake:
        settings.ORCID_API_URL = fake.url
        settings.ORCID_RATE = 0
        yield fake


@pytest.fixture
def owner(client):
    user = get_user_model().objects.create_user("ana", "ana@uni.example.org", "pw")
    page = ResearcherPageFactory(user=user, orcid=ORCID)
    ResearcherPublicationFactory(page=page, title="Known One", doi="10.1000/ABC")
    ResearcherPublicationFactory(page=page, title="Ünknown  Títle: two", doi="")
    client.force_login(user)
    return page


def record(fake):
    fake.add_record(
        ORCID,
        works=[
            work("Known one, again", doi="https://doi.org/10.1000/abc", put_code=1),
            work("unknown title two", put_code=2),
            work("Brand new", doi="10.5555/NEW", journal="Joule", year=2021, put_code=3),
            work("Also new", put_code=4, kind="conference-paper"),
        ],
        employments=[employment("University of Oxford", "Lecturer")],
    )


def test_works_are_read_and_deduplicated(orcid, owner):
    record(orcid)
    works = new_works(OrcidClient().works(ORCID), list(owner.publications.all()))
    assert [(w.title, w.doi, w.year, w.venue, w.kind) for w in works] == [
        ("Brand new", "10.5555/NEW", 2021, "Joule", "journal-article"),
        ("Also new", "", 2023, "", "conference-paper"),
    ]
    assert orcid.requests == [f"/v3.0/{ORCID}/works"]


def test_preview_then_add_the_chosen(client, orcid, owner):
    record(orcid)
    page = client.get(f"/my-profile/{owner.pk}/orcid/").content.decode()
    assert "Brand new" in page and "Also new" in page and "Known one, again" not in page
    assert "University of Oxford" in page
    client.post(f"/my-profile/{owner.pk}/orcid/", {"work": ["doi:10.5555/new"]})
    owner.refresh_from_db()
    titles = [p.title for p in owner.publications.all()]
    assert "Brand new" in titles and "Also new" not in titles
    assert owner.latest_revision.user == owner.user


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda fake: None, "has no record"),
        (lambda fake: fake.deactivated.add(ORCID), "The ORCID record is deactivated."),
        (lambda fake: fake.add_record(ORCID), "no public works"),
        (lambda fake: setattr(fake, "fail_with", 503), "(503)"),
    ],
)
def test_errors_say_why_and_change_nothing(client, orcid, owner, setup, message):
    setup(orcid)
    before = owner.publications.count()
    response = client.post(f"/my-profile/{owner.pk}/orcid/", {"work": ["title:also new"]})
    assert response.status_code == 502
    assert message in response.content.decode()
    assert owner.publications.count() == before


def test_unreachable_api_is_an_error(settings, owner):
    settings.ORCID_API_URL = "http://127.0.0.1:9"
    with pytest.raises(OrcidError, match="could not be reached"):
        OrcidClient(throttle=Throttle(0)).works(ORCID)


def test_refresh_command_adds_new_works_to_claimed_profiles(orcid, owner, capsys):
    record(orcid)
    unclaimed = ResearcherPageFactory(orcid=ORCID)
    call_command("orcid_refresh")
    owner.refresh_from_db()
    assert {"Brand new", "Also new"} <= {p.title for p in owner.publications.all()}
    assert unclaimed.publications.count() == 0
    assert "1 profile" in capsys.readouterr().out

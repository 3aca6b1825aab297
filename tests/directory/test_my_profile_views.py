import io
import json

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from directory.models import InstitutionRequest, ResearcherPage
from tests.factories import ResearcherPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    user = get_user_model().objects.create_user("ana", "ana@uni.example.org", "pw")
    page = ResearcherPageFactory(given_name="Ana", family_name="Ruiz", user=user)
    client.force_login(user)
    return page


def form_data(page, **changes):
    data = {
        "given_name": page.given_name,
        "family_name": page.family_name,
        "job_title": page.job_title,
        "institution": page.institution_id or "",
        "country": "",
        "career_stage": page.career_stage,
        "bio_language": "",
        "preferred_language": "",
        "orcid": "",
        "listed": "on",
        "contact_form_enabled": "on",
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "publications-TOTAL_FORMS": "1",
        "publications-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_edit_publishes_a_revision_by_the_researcher(client, owner):
    response = client.post(
        f"/my-profile/{owner.pk}/",
        form_data(owner, job_title="Professor", **{"publications-0-title": "Brines"}),
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.job_title == "Professor"
    assert [p.title for p in owner.publications.all()] == ["Brines"]
    revision = owner.latest_revision
    assert revision.user == owner.user
    assert owner.live_revision == revision


def test_import_messages_for_bad_orcid(client, owner):
    response = client.post(
        f"/my-profile/{owner.pk}/", form_data(owner, orcid="0000-0002-1825-0098")
    )
    assert response.status_code == 200
    assert "its check digit does not match" in response.content.decode()


def test_request_for_new_institution(client, owner):
    client.post(
        f"/my-profile/{owner.pk}/",
        form_data(owner, new_institution="Instituto Nuevo", new_institution_country="CL"),
    )
    request = InstitutionRequest.objects.get()
    assert request.researcher_id == owner.pk and request.status == "pending"


def test_photo_upload_strips_exif(client, owner):
    image = Image.new("RGB", (40, 40), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    buffer.seek(0)
    buffer.name = "me.jpg"
    client.post(f"/my-profile/{owner.pk}/", {**form_data(owner), "photo_upload": buffer})
    owner.refresh_from_db()
    with owner.photo.file.open() as stored, Image.open(stored) as saved:
        assert not saved.getexif()


def test_photo_refuses_non_images(client, owner):
    fake = io.BytesIO(b"GIF89a not really")
    fake.name = "me.jpg"
    response = client.post(f"/my-profile/{owner.pk}/", {**form_data(owner), "photo_upload": fake})
    assert "Upload a JPEG, PNG or WebP image." in response.content.decode()


@pytest.mark.parametrize("suffix", ["", "preview/", "photo/", "export/", "orcid/", "delete/"])
def test_another_profile_is_404(client, owner, suffix):
    other = ResearcherPageFactory()
    response = client.get(f"/my-profile/{other.pk}/{suffix}")
    assert response.status_code == 404, response.get("Location")
    assert client.post(f"/my-profile/{other.pk}/{suffix}", {"confirm": "yes"}).status_code == 404
    assert ResearcherPage.objects.filter(pk=other.pk).exists()


def test_anonymous_is_sent_to_sign_in(client):
    page = ResearcherPageFactory()
    assert client.get(f"/my-profile/{page.pk}/").status_code == 302


def test_export_is_json_with_profile_and_relayed_count(client, owner):
    ResearcherPage.objects.filter(pk=owner.pk).update(contact_messages_relayed=3)
    response = client.get(f"/my-profile/{owner.pk}/export/")
    data = json.loads(response.content)
    assert data["directory"]["email"] == owner.email
    assert data["directory"]["contact_messages_relayed"] == 3


def test_editor_form_renders_in_spanish(client, owner):
    response = client.get(f"/es/my-profile/{owner.pk}/")
    assert response.status_code == 200

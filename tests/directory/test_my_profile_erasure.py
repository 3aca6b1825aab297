"""Download my data, and "Delete my profile and account" with a search engine failing
and then recovering."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Revision

from common import personal_data
from directory.models import PendingErasure, ResearcherPage
from directory.self_service import erasure
from tests.factories import ResearcherPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    user = get_user_model().objects.create_user("ana", "ana@uni.example.org", "pw")
    photo = get_image_model().objects.create(title="Ana", file=get_test_image_file())
    page = ResearcherPageFactory(user=user, photo=photo)
    page.job_title = "Professor"
    page.save_revision(user=user).publish()
    client.force_login(user)
    return page


class Engine:
    def __init__(self) -> None:
        self.down = True
        self.removed: list[int] = []

    def remove_researchers(self, pks):
        if self.down:
            raise ConnectionError("engine down")
        self.removed.extend(pks)

    def index_researchers(self, pks):
        if self.down:
            raise ConnectionError("engine down")


@pytest.fixture
def engine(monkeypatch):
    engine = Engine()
    monkeypatch.setattr(erasure, "search_engine", lambda: engine)
    return engine


@pytest.fixture
def remote(monkeypatch):
    """Another app's eraser (say, a mailing list) that is down at first."""
    calls = {"down": True, "erased": []}

    def eraser(user, email):
        if calls["down"]:
            raise OSError("remote service down")
        calls["erased"].append(email)

    monkeypatch.setitem(personal_data._erasers, "remote", eraser)
    return calls


def test_delete_removes_everything_and_retries_what_failed(client, owner, engine, remote):
    pk, photo_id, user_id = owner.pk, owner.photo_id, owner.user_id
    assert client.get(f"/my-profile/{pk}/delete/").status_code == 200
    response = client.post(f"/my-profile/{pk}/delete/", {"confirm": "yes"})
    assert response.status_code == 200

    assert not ResearcherPage.objects.filter(pk=pk).exists()
    assert not Revision.objects.filter(object_id=str(pk)).exists()
    assert not get_image_model().objects.filter(pk=photo_id).exists()
    assert not get_user_model().objects.filter(pk=user_id).exists()
    assert sorted(PendingErasure.objects.values_list("section", flat=True)) == [
        "remote",
        "search",
    ]

    erasure.retry_erasures_task.call()  # still down: kept, one more attempt
    assert PendingErasure.objects.get(section="search").attempts == 2

    engine.down = False
    remote["down"] = False
    assert erasure.retry_erasures_task.call() == 0
    assert not PendingErasure.objects.exists()
    assert engine.removed == [pk]
    assert remote["erased"] == ["ana@uni.example.org"]


def test_delete_needs_confirmation(client, owner):
    client.post(f"/my-profile/{owner.pk}/delete/", {})
    assert ResearcherPage.objects.filter(pk=owner.pk).exists()


def test_pending_erasures_are_listed_in_the_admin(client, owner):
    PendingErasure.objects.create(section="search", page_id=owner.pk, last_error="down")
    admin = get_user_model().objects.create_superuser("ed", "ed@x.example.org", "pw")
    client.force_login(admin)
    response = client.get("/admin/snippets/directory/pendingerasure/")
    assert response.status_code == 200
    assert "down" in response.content.decode()

"""Who may see subscriber addresses in the admin (Subscribers, and the Mailchimp queue)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from newsletter.mailchimp.models import PendingChange
from newsletter.models import Subscriber, SubscriberStatus

pytestmark = pytest.mark.django_db

ADDRESS = "secret.person@example.org"
SUBSCRIBERS = "/admin/newsletter/subscribers/"
QUEUE = "/admin/mailchimp_changes/"


@pytest.fixture
def queued_change() -> PendingChange:
    person = Subscriber.objects.create(email=ADDRESS, status=SubscriberStatus.SUBSCRIBED)
    return PendingChange.objects.create(subscriber=person, email=ADDRESS, last_error="boom")


def login(client, group: str, *codenames: str):
    user = get_user_model().objects.create_user(f"{group.lower()}-user", password="pw")
    user.groups.add(Group.objects.get(name=group))
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="newsletter", codename__in=codenames)
    )
    client.force_login(user)
    return client


def shows_address(response) -> bool:
    return ADDRESS in response.content.decode()


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_default_groups_see_no_address_anywhere_in_the_newsletter_admin(
    client, group, queued_change
):
    login(client, group)
    assert client.get(SUBSCRIBERS).status_code != 200
    for url in (
        QUEUE,
        f"{QUEUE}?q=secret",
        f"{QUEUE}?state=",
        f"{QUEUE}results/?q=secret",
        f"{QUEUE}inspect/{queued_change.pk}/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert not shows_address(response), url
    menu = client.get("/admin/").content.decode()
    assert "Mailchimp sync" not in menu and SUBSCRIBERS not in menu
    retry = client.post(f"{QUEUE}retry/{queued_change.pk}/")
    assert retry.status_code in (302, 403)
    queued_change.refresh_from_db()
    assert queued_change.attempts == 0 and queued_change.last_error == "boom"


def test_whoever_may_see_subscribers_sees_the_queue_too(client, queued_change):
    login(client, "Editors", "view_subscriber")
    assert shows_address(client.get(SUBSCRIBERS))
    response = client.get(QUEUE, {"q": "secret"})
    assert response.status_code == 200 and shows_address(response)
    assert "Mailchimp sync" in client.get("/admin/").content.decode()


def test_subscriber_permission_alone_does_not_open_the_queue(client, queued_change, db):
    user = get_user_model().objects.create_user("plain", password="pw")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(content_type__app_label="newsletter", codename="view_subscriber"),
    )
    client.force_login(user)
    assert client.get(SUBSCRIBERS).status_code == 200
    assert client.get(QUEUE).status_code in (302, 403)

"""Staff changing a subscriber's address: the new address's owner confirms it first.

Until they press the button on the page the e-mailed link opens, the old
address stays the subscriber's, nothing but that one message goes to the new
address, and the Mailchimp sync never hears of it.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache

from newsletter import emails, services, tokens
from newsletter.mailchimp.models import PendingChange
from newsletter.models import ConsentKind, Subscriber, SubscriberStatus, subscriber_changed

pytestmark = pytest.mark.django_db

BASE = "https://battery.example"
ADMIN = "/admin/newsletter/subscribers/"
OLD = "ana@litio.cl"
NEW = "ana.new@litio.cl"  # the fake Mailchimp refuses example.org as fake


@pytest.fixture(autouse=True)
def _site(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def changes():
    seen: list[dict] = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    subscriber_changed.connect(receiver, dispatch_uid="test-address-change")
    yield seen
    subscriber_changed.disconnect(dispatch_uid="test-address-change")


def member(status=SubscriberStatus.SUBSCRIBED, email=OLD) -> Subscriber:
    return Subscriber.objects.create(email=email, status=status, first_name="Ana", language="es")


def edit(admin_client, person: Subscriber, email: str):
    response = admin_client.post(
        f"{ADMIN}edit/{person.pk}/",
        {
            "email": email,
            "first_name": person.first_name,
            "last_name": "",
            "language": person.language,
            "status": person.status,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    return response


def confirm_address_link() -> str:
    link = rf"{BASE}((?:/es|/pt-br)?/newsletter/confirm-address/[^/\s]+/)"
    match = re.search(link, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_staff_change_waits_for_the_new_owner_then_moves_the_member(
    admin_client, client, changes, mailchimp, deliver
):
    person = member()
    mailchimp.add_member(OLD, status="subscribed")
    edit(admin_client, person, "Ana.New@Litio.CL")

    # Nothing moved: the old address is still the subscriber's, still subscribed.
    assert (person.email, person.pending_email, person.status) == (OLD, NEW, "subscribed")
    request = person.consents.get(kind=ConsentKind.ADMIN)
    assert "staff" in request.text and NEW in request.text
    assert all(change["previous_email"] is None for change in changes)
    assert not PendingChange.objects.filter(email=NEW).exists()
    assert not PendingChange.objects.filter(previous_email=OLD).exists()
    deliver()
    assert mailchimp.member(NEW) is None and mailchimp.member(OLD)["status"] == "subscribed"

    # One message to the new address: the link, and nothing about the subscription.
    (message,) = mail.outbox
    assert message.to == [NEW]
    everything = message.subject + message.body + message.alternatives[0][0]
    assert OLD not in everything and "Ana" not in everything  # addresses are lower-case
    assert "/newsletter/preferences/" not in everything
    assert "/newsletter/unsubscribe/" not in everything
    assert "List-Unsubscribe" not in message.extra_headers
    assert 'lang="es"' in message.alternatives[0][0]
    link = confirm_address_link()

    # List e-mail still goes to the old address only.
    emails.send_list_email(person, "Issue 1", "News.")
    assert mail.outbox[-1].to == [OLD]

    # Opening the link changes nothing; the button does.
    page = client.get(link)
    # The page opens in the subscriber's language (Spanish), like the e-mail.
    assert page.status_code == 200 and "Confirmar esta dirección" in page.content.decode()
    assert OLD not in page.content.decode() and NEW not in page.content.decode()
    person.refresh_from_db()
    assert person.email == OLD

    done = client.post(link)
    assert done.status_code == 200 and "Dirección confirmada" in done.content.decode()
    person.refresh_from_db()
    assert (person.email, person.pending_email, person.status) == (NEW, "", "subscribed")
    assert person.consents.filter(kind=ConsentKind.CONFIRMATION, text__contains=NEW).exists()
    assert changes[-1]["previous_email"] == OLD
    deliver()
    assert mailchimp.member(NEW)["status"] == "subscribed"
    assert mailchimp.member(OLD) is None  # moved, not duplicated

    # The link is used up.
    assert client.post(link).status_code == 400


def test_unconfirmed_change_never_reaches_the_new_address_or_mailchimp(
    admin_client, mailchimp, deliver
):
    person = member()
    edit(admin_client, person, NEW)
    deliver()
    mail.outbox.clear()
    emails.send_list_email(person, "Issue 1", "News.")
    assert [m.to for m in mail.outbox] == [[OLD]]
    assert mailchimp.member(NEW) is None
    assert not any(NEW in str(request.body) for request in mailchimp.requests)


def test_a_newer_request_makes_the_older_link_stale(admin_client, client):
    person = member()
    edit(admin_client, person, NEW)
    first = confirm_address_link()
    edit(admin_client, person, "ana.other@litio.cl")
    assert person.pending_email == "ana.other@litio.cl"
    assert client.post(first).status_code == 400
    person.refresh_from_db()
    assert person.email == OLD
    client.post(confirm_address_link())
    person.refresh_from_db()
    assert person.email == "ana.other@litio.cl"


def test_expired_or_tampered_address_link_changes_nothing(admin_client, client, clock):
    person = member()
    edit(admin_client, person, NEW)
    link = confirm_address_link()
    assert client.post(link[:-4] + "xyz/").status_code == 400
    clock.shift(8 * 86400)
    response = client.post(link)
    assert response.status_code == 400 and "ha caducado" in response.content.decode()
    person.refresh_from_db()
    assert (person.email, person.pending_email) == (OLD, NEW)


def test_address_taken_in_the_meantime_changes_nothing(admin_client, client):
    person = member()
    edit(admin_client, person, NEW)
    link = confirm_address_link()
    Subscriber.objects.create(email=NEW, status=SubscriberStatus.PENDING)
    response = client.post(link)
    assert response.status_code == 200 and "no se ha cambiado nada" in response.content.decode()
    person.refresh_from_db()
    assert (person.email, person.pending_email) == (OLD, "")


def test_address_of_another_subscriber_is_refused_in_the_form(admin_client):
    person = member()
    member(email=NEW)
    response = admin_client.post(
        f"{ADMIN}edit/{person.pk}/",
        {"email": NEW, "language": "es", "status": "subscribed", "first_name": "Ana"},
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.pending_email == "" and mail.outbox == []


def test_pending_subscriber_gets_a_fresh_confirmation_at_the_new_address(admin_client, client):
    person = member(status=SubscriberStatus.PENDING)
    old_confirmation = tokens.make_confirmation_token(person)
    edit(admin_client, person, NEW)
    client.post(confirm_address_link())
    person.refresh_from_db()
    assert (person.email, person.status) == (NEW, SubscriberStatus.PENDING)
    assert mail.outbox[-1].to == [NEW] and "/newsletter/confirm/" in mail.outbox[-1].body
    with pytest.raises(tokens.StaleToken):  # the old address's link no longer works
        tokens.read_confirmation_token(old_confirmation)


def test_other_edits_still_save_and_sync_at_once(admin_client, changes):
    person = member()
    admin_client.post(
        f"{ADMIN}edit/{person.pk}/",
        {"email": OLD, "first_name": "Ana María", "language": "pt", "status": "subscribed"},
    )
    person.refresh_from_db()
    assert (person.first_name, person.language, person.pending_email) == ("Ana María", "pt", "")
    assert changes and mail.outbox == []


def test_services_admin_changed_without_a_new_address_sends_nothing():
    person = member()
    services.admin_changed(
        person, previous_email=OLD, previous_status="subscribed", changed_by="x", new_email=OLD
    )
    assert mail.outbox == [] and person.pending_email == ""


def test_admin_requests_send_no_e_mail_themselves(admin_client, settings):
    """The admin's e-mail (new subscriber, address change) goes through the task queue."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    person = member()
    default_task_backend.clear()
    edit(admin_client, person, NEW)
    admin_client.post(
        f"{ADMIN}new/", {"email": "added@litio.cl", "language": "en", "status": "pending"}
    )
    assert mail.outbox == []
    enqueued = [(r.task.name, r.args) for r in default_task_backend.results]
    added = Subscriber.objects.get(email="added@litio.cl")
    assert ("send_address_change", [person.pk]) in enqueued
    assert ("send_confirmation", [added.pk]) in enqueued
    default_task_backend.clear()

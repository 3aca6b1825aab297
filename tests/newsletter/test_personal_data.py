"""The mailing list's part of "Download my data" and "Delete my profile and account":
what the export holds, erasure here and in (the fake) Mailchimp, a Mailchimp outage
retried by the directory's task, and the whole path through the directory's view."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder

from common import personal_data
from directory.choices import CareerStage
from directory.models import PendingErasure, ResearcherPage, Topic
from directory.self_service import erasure
from newsletter.mailchimp.client import Api, MailchimpError
from newsletter.mailchimp.models import PendingChange
from newsletter.mailchimp.pull import pull
from newsletter.models import Consent, ConsentKind, Subscriber, SubscriberStatus
from tests.factories import ResearcherPageFactory
from tests.newsletter.sync_support import ANA, LIST, md5, member_requests, subscriber

pytestmark = pytest.mark.django_db

OTHER = "bruno.silva@usp.example.br"


def account(email: str = ANA):
    return get_user_model().objects.create_user("ana", email, "pw")


def erase(user, email: str | None = None) -> None:
    personal_data.erasers()["newsletter"](user, user.email if email is None else email)


def subscribed(email: str = ANA, **fields) -> Subscriber:
    person = subscriber(email, status=SubscriberStatus.SUBSCRIBED, **fields)
    Consent.objects.create(
        subscriber=person,
        kind=ConsentKind.SIGNUP,
        text="Yes, send me the newsletter.",
        ip_address="203.0.113.7",
        source_url="https://example.org/newsletter/",
    )
    Consent.objects.create(
        subscriber=person, kind=ConsentKind.CONFIRMATION, text="Confirmed by e-mail link."
    )
    return person


class WorkingEngine:
    def remove_researchers(self, pks):
        pass


@pytest.fixture
def engine(monkeypatch):
    """The search engines are up: only the newsletter's part is under test here."""
    monkeypatch.setattr(erasure, "search_engine", WorkingEngine)


def delete_permanent_requests(fake, email: str = ANA) -> list:
    path = f"/lists/{LIST}/members/{md5(email)}/actions/delete-permanent"
    return [r for r in fake.requests if r.method == "POST" and r.path == path]


def writes(fake) -> list:
    """Every request that could put a member (back) on the list."""
    return [r for r in member_requests(fake) if r.method in ("PUT", "PATCH")] + [
        r for r in fake.requests if r.method == "POST" and r.path == f"/lists/{LIST}/members"
    ]


# --- the export --------------------------------------------------------------


def test_export_holds_the_subscription_and_every_consent_record():
    topic = Topic.objects.get(slug="direct-lithium-extraction")
    person = subscribed(digest=True, country="CL", career_stage=CareerStage.EARLY, language="es")
    person.topics.set([topic])
    Consent.objects.create(
        subscriber=person,
        kind=ConsentKind.ADMIN,
        text="An administrator (ed.wright) entered ana@new.example.org as the new address; "
        "it replaces the current one only once its owner confirms it by e-mail.",
    )
    subscribed(OTHER)

    data = personal_data.export(account(), ANA)["newsletter"]

    assert data["email"] == ANA and data["status"] == "subscribed"
    assert data["language"] == "es" and data["topics"] == [topic.name]
    assert data["digest"] is True
    assert data["country"] == "CL" and data["career_stage"] == CareerStage.EARLY
    assert data["created_at"].startswith(str(date.today().year))
    consents = data["consents"]
    assert [c["kind"] for c in consents] == ["signup", "confirmation", "admin"]
    assert consents[0] == {
        "kind": "signup",
        "how": "Sign-up form",
        "text": "Yes, send me the newsletter.",
        "given_at": consents[0]["given_at"],
        "ip_address": "203.0.113.7",
        "source_url": "https://example.org/newsletter/",
    }
    assert consents[2]["text"].startswith("An administrator entered ana@new.example.org")
    dump = json.dumps(data, cls=DjangoJSONEncoder)  # serialisable as the view sends it
    assert "ed.wright" not in dump and OTHER not in dump


def test_export_finds_the_subscription_whatever_the_case_of_the_address():
    subscribed()
    assert personal_data.export(account(), "Ana.Rojas@Litio.CL")["newsletter"]["email"] == ANA


# --- erasure without Mailchimp -------------------------------------------------


def test_erase_removes_the_subscriber_and_the_consent_history_only():
    person = subscribed()
    other = subscribed(OTHER)
    erase(account("Ana.Rojas@litio.cl"))
    assert not Subscriber.objects.filter(pk=person.pk).exists()
    assert not Consent.objects.filter(subscriber_id=person.pk).exists()
    assert Consent.objects.filter(subscriber=other).count() == 2
    assert not PendingChange.objects.exists()  # no Mailchimp: nothing queued


def test_no_subscription_nothing_happens():
    subscribed(OTHER)
    user = account()
    erase(user)
    assert personal_data.export(user, ANA)["newsletter"] == {}
    assert Subscriber.objects.get().email == OTHER


# --- erasure with Mailchimp ----------------------------------------------------


def test_erase_deletes_the_member_permanently_and_mailchimp_refuses_it_back(mailchimp):
    subscribed()
    mailchimp.add_member(ANA, status="subscribed")
    mailchimp.add_member(OTHER, status="subscribed")

    erase(account())

    assert not Subscriber.objects.exists()
    assert len(delete_permanent_requests(mailchimp)) == 1
    assert mailchimp.member(ANA) is None and mailchimp.member(OTHER) is not None
    assert writes(mailchimp) == []  # nobody was written, let alone re-subscribed
    change = PendingChange.objects.get(action=PendingChange.Action.ERASE)
    assert change.state == PendingChange.State.DELIVERED and change.email == ""
    # Forgotten for good: Mailchimp refuses to take the address back.
    with pytest.raises(MailchimpError) as refused:
        Api().set_member(md5(ANA), {"email_address": ANA, "status_if_new": "pending"})
    assert refused.value.title == "Forgotten Email Not Subscribed"


def test_a_member_mailchimp_no_longer_knows_counts_as_done(mailchimp):
    subscribed()
    erase(account())  # no such member there: 404
    assert len(delete_permanent_requests(mailchimp)) == 1
    assert PendingChange.objects.get().state == PendingChange.State.DELIVERED


def test_no_subscription_nothing_is_sent_to_mailchimp(mailchimp):
    mailchimp.add_member(OTHER, status="subscribed")
    mailchimp.reset_log()
    erase(account())
    assert mailchimp.requests == []
    assert not PendingChange.objects.exists()


def test_mailchimp_down_queues_a_retry_that_finishes_once_it_is_back(mailchimp):
    subscribed()
    mailchimp.add_member(ANA, status="subscribed")
    user = account()
    mailchimp.stop()

    assert erasure.erase_person(user) == ["newsletter"]

    assert not Subscriber.objects.exists()  # gone here at once
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    pending = PendingErasure.objects.get()
    assert pending.section == "newsletter" and pending.email == ANA
    assert "network error" in pending.last_error

    assert erasure.retry_erasures_task.call() == 1  # still down: kept
    assert PendingErasure.objects.get().attempts == 2

    mailchimp.start()
    assert erasure.retry_erasures_task.call() == 0
    assert not PendingErasure.objects.exists()
    assert mailchimp.member(ANA) is None
    assert len(delete_permanent_requests(mailchimp)) == 1
    assert writes(mailchimp) == []
    assert PendingChange.objects.get().state == PendingChange.State.DELIVERED


def test_retry_after_the_outbox_delivered_the_erasure_itself_is_done(mailchimp, deliver):
    subscribed()
    mailchimp.add_member(ANA, status="subscribed")
    user = account()
    mailchimp.stop()
    erasure.erase_person(user)
    mailchimp.start()
    deliver()  # the sync's own retry got there first

    assert erasure.retry_erasures_task.call() == 0
    assert not PendingErasure.objects.exists()
    assert len(delete_permanent_requests(mailchimp)) == 1  # not asked twice


def test_a_pull_before_the_retry_does_not_bring_the_person_back(mailchimp):
    subscribed()
    mailchimp.add_member(ANA, status="subscribed")
    user = account()
    mailchimp.stop()
    erasure.erase_person(user)
    mailchimp.start()

    pull()  # Mailchimp still lists the member as subscribed

    assert not Subscriber.objects.exists()
    assert erasure.retry_erasures_task.call() == 0
    assert mailchimp.member(ANA) is None


def test_no_subscription_and_mailchimp_down_queues_nothing(mailchimp):
    user = account()
    mailchimp.stop()
    assert erasure.erase_person(user) == []
    assert not PendingErasure.objects.exists()


# --- through the directory's view ---------------------------------------------


def test_delete_my_profile_and_account_erases_the_subscription_too(client, mailchimp, engine):
    user = account()
    person = subscribed()
    page = ResearcherPageFactory(user=user, email=ANA)
    person.refresh_from_db()
    assert person.researcher_id == page.pk  # linked by the address
    mailchimp.add_member(ANA, status="subscribed")
    client.force_login(user)

    exported = json.loads(client.get(f"/my-profile/{page.pk}/export/").content)
    assert exported["newsletter"]["email"] == ANA
    assert len(exported["newsletter"]["consents"]) == 2

    response = client.post(f"/my-profile/{page.pk}/delete/", {"confirm": "yes"})

    assert response.status_code == 200
    assert not ResearcherPage.objects.filter(pk=page.pk).exists()
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not Subscriber.objects.exists() and not Consent.objects.exists()
    assert mailchimp.member(ANA) is None
    assert len(delete_permanent_requests(mailchimp)) == 1
    assert not PendingErasure.objects.exists()

"""Outward sync against the fake Marketing API, with the real client.

What must hold: local changes reach Mailchimp as upserts by subscriber hash,
address changes move the member, erasure deletes it permanently, and nobody who
left in Mailchimp is ever made `subscribed` by the site. The pull and the
audience setup are in test_mailchimp_pull.py; shared helpers in sync_support.py
and conftest.py.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from directory.models import Topic
from newsletter.mailchimp.client import Api
from newsletter.mailchimp.interests import digest_interest_id
from newsletter.mailchimp.models import PendingChange, TopicInterest
from newsletter.mailchimp.worker import deliver_due
from newsletter.models import SubscriberStatus
from tests.factories import ResearcherPageFactory
from tests.newsletter.sync_support import ANA, LIST, md5, member_requests, subscriber

pytestmark = pytest.mark.django_db


def test_nothing_is_queued_without_mailchimp_settings(settings, changed, erased) -> None:
    settings.MAILCHIMP_API_KEY = ""
    settings.MAILCHIMP_AUDIENCE_ID = ""
    person = subscriber()
    changed(person)
    erased(person)
    assert PendingChange.objects.count() == 0


def test_new_sign_up_is_upserted_by_hash_as_pending_with_profile_interests_and_tags(
    mailchimp, topics, changed, django_capture_on_commit_callbacks
) -> None:
    researcher = ResearcherPageFactory(email=ANA)  # institution in Chile
    person = subscriber(email="Ana.Rojas@Litio.CL", language="es", researcher=researcher)
    person.topics.set([topics[0]])
    with django_capture_on_commit_callbacks(execute=True):  # the task runs inline (tests)
        changed(person)

    puts = member_requests(mailchimp, "PUT")
    assert [r.path for r in puts] == [f"/lists/{LIST}/members/{md5(ANA)}"]
    body = puts[0].body
    assert body["status_if_new"] == "pending" and "status" not in body
    assert body["email_address"] == ANA
    assert body["merge_fields"] == {"FNAME": "Ana", "LNAME": "Rojas"}
    dle = TopicInterest.objects.get(topic=topics[0]).interest_id
    every = set(TopicInterest.objects.values_list("interest_id", flat=True))
    assert len(every) == Topic.objects.count()
    # Unticked ones too, and the weekly digest's opt-in (off: not asked for).
    assert body["interests"] == {iid: iid == dle for iid in every} | {digest_interest_id(): False}
    assert body["language"] == "es"

    member = mailchimp.rendered_member(ANA)
    assert member["status"] == "pending"
    assert sorted(t["name"] for t in member["tags"]) == ["CL", "researcher"]
    assert mailchimp.confirmation_emails == [(LIST, ANA)]  # Mailchimp's double opt-in
    change = PendingChange.objects.get()
    assert change.state == PendingChange.State.DELIVERED and change.delivered_at
    person.refresh_from_db()
    assert person.mailchimp_last_changed is not None


def test_person_confirmed_locally_is_created_subscribed_without_status(
    mailchimp, changed, deliver
) -> None:
    person = subscriber(status=SubscriberStatus.SUBSCRIBED, confirmed_at=timezone.now())
    changed(person)
    deliver()
    body = member_requests(mailchimp, "PUT")[0].body
    assert body["status_if_new"] == "subscribed" and "status" not in body
    assert mailchimp.member(ANA)["status"] == "subscribed"


def test_double_opt_in_completed_sends_status_subscribed(mailchimp, changed, deliver) -> None:
    mailchimp.add_member(ANA, status="pending")
    person = subscriber()
    changed(person)
    deliver()
    person.status = SubscriberStatus.SUBSCRIBED
    person.confirmed_at = timezone.now()
    person.save()
    changed(person, confirmed=True)
    deliver()
    assert member_requests(mailchimp, "PUT")[-1].body["status"] == "subscribed"
    assert mailchimp.member(ANA)["status"] == "subscribed"


def test_confirmation_is_inferred_from_pending_to_subscribed(mailchimp, changed, deliver) -> None:
    """The sender may leave `confirmed` unsaid: pending → subscribed with a fresh
    confirmed_at is a confirmation; a hand edit without confirmed_at is not."""
    mailchimp.add_member(ANA, status="pending")
    person = subscriber()
    changed(person)
    deliver()
    person.status = SubscriberStatus.SUBSCRIBED
    person.save()
    changed(person)  # no confirmed_at: not a confirmation
    deliver()
    assert "status" not in member_requests(mailchimp, "PUT")[-1].body
    assert mailchimp.member(ANA)["status"] == "pending"

    other = subscriber(email="bea@litio.cl")
    changed(other)
    deliver()
    other.status = SubscriberStatus.SUBSCRIBED
    other.confirmed_at = timezone.now()
    other.save()
    changed(other)  # the sender did not say, but this is the person's confirmation
    deliver()
    assert member_requests(mailchimp, "PUT")[-1].body["status"] == "subscribed"
    assert mailchimp.member("bea@litio.cl")["status"] == "subscribed"


def test_an_edit_made_while_delivering_is_delivered_too(mailchimp, changed) -> None:
    person = subscriber()
    changed(person)

    class EditingApi(Api):
        """Mailchimp is slow to answer; meanwhile the person edits their name."""

        edited = False

        def set_member(self, subscriber_hash: str, body: dict) -> dict:
            if not self.edited:
                self.edited = True
                person.first_name = "Ana María"
                person.save()
                changed(person)
            return super().set_member(subscriber_hash, body)

    deliver_due(now=timezone.now(), api=EditingApi(), schedule=False)
    names = [r.body["merge_fields"]["FNAME"] for r in member_requests(mailchimp, "PUT")]
    assert names == ["Ana", "Ana María"]
    change = PendingChange.objects.get()
    assert change.state == PendingChange.State.DELIVERED and change.revision == 2


def test_repeated_changes_coalesce_into_one_call(mailchimp, changed, deliver) -> None:
    person = subscriber()
    for name in ("Anita", "Ana María", "Ana"):
        person.first_name = name
        person.save()
        changed(person)
    change = PendingChange.objects.get()
    assert change.revision == 3
    deliver()
    assert len(member_requests(mailchimp, "PUT")) == 1
    assert mailchimp.member(ANA)["merge_fields"]["FNAME"] == "Ana"


def test_address_change_moves_the_member_instead_of_adding_one(mailchimp, changed, deliver) -> None:
    mailchimp.add_member(ANA, status="subscribed", merge_fields={"FNAME": "Ana"})
    person = subscriber(status=SubscriberStatus.SUBSCRIBED)
    person.email = "ana@nuevo-litio.cl"
    person.save()
    changed(person, previous_email=ANA)
    deliver()

    patch = member_requests(mailchimp, "PATCH")[0]
    assert patch.path == f"/lists/{LIST}/members/{md5(ANA)}"
    assert patch.body == {"email_address": "ana@nuevo-litio.cl"}
    assert mailchimp.member(ANA) is None
    moved = mailchimp.member("ana@nuevo-litio.cl")
    assert moved["status"] == "subscribed"
    assert len(mailchimp.lists[LIST].members) == 1


def test_address_change_with_old_member_missing_upserts_the_new(
    mailchimp, changed, deliver
) -> None:
    person = subscriber(email="ana@nuevo-litio.cl")
    changed(person, previous_email=ANA)
    deliver()
    assert mailchimp.member("ana@nuevo-litio.cl")["status"] == "pending"
    assert PendingChange.objects.get().state == PendingChange.State.DELIVERED


def test_two_moves_before_delivery_move_from_the_address_mailchimp_has(
    mailchimp, changed, deliver
) -> None:
    mailchimp.add_member(ANA)
    person = subscriber(status=SubscriberStatus.SUBSCRIBED)
    for old, new in ((ANA, "ana@b-litio.cl"), ("ana@b-litio.cl", "ana@c-litio.cl")):
        person.email = new
        person.save()
        changed(person, previous_email=old)
    assert PendingChange.objects.get().previous_email == ANA
    deliver()
    assert list(mailchimp.lists[LIST].members) == [md5("ana@c-litio.cl")]


def test_erasure_deletes_the_member_permanently_and_keeps_no_address(
    mailchimp, changed, erased, deliver
) -> None:
    mailchimp.add_member(ANA)
    person = subscriber(status=SubscriberStatus.SUBSCRIBED)
    changed(person)
    deliver()
    erased(person)
    deliver()
    posts = [r for r in member_requests(mailchimp, "POST") if r.path.endswith("delete-permanent")]
    assert [r.path for r in posts] == [f"/lists/{LIST}/members/{md5(ANA)}/actions/delete-permanent"]
    assert mailchimp.member(ANA) is None
    assert md5(ANA) in mailchimp.lists[LIST].forgotten
    assert not PendingChange.objects.filter(email=ANA).exists()  # nothing kept about them
    assert PendingChange.objects.get().state == PendingChange.State.DELIVERED


def test_erasure_supersedes_an_undelivered_upsert(mailchimp, changed, erased, deliver) -> None:
    person = subscriber()
    changed(person)
    erased(person)
    deliver()
    assert mailchimp.member(ANA) is None
    assert md5(ANA) not in {r.path.split("/")[-1] for r in member_requests(mailchimp, "PUT")}
    # The superseded upsert is gone with the address: only the anonymous erase row is left.
    assert list(PendingChange.objects.values_list("action", "state", "email")) == [
        ("erase", "delivered", "")
    ]


@pytest.mark.parametrize("by", ["user", "admin"])
def test_member_who_unsubscribed_in_mailchimp_is_never_resubscribed(
    mailchimp, changed, deliver, local_changes, by
) -> None:
    mailchimp.add_member(ANA, status="subscribed")
    mailchimp.unsubscribe_in_mailchimp(ANA, by=by)
    person = subscriber(status=SubscriberStatus.SUBSCRIBED)  # the site missed the webhook
    person.first_name = "Ana María"
    person.save()
    changed(person)
    local_changes.clear()
    deliver()

    assert mailchimp.member(ANA)["status"] == "unsubscribed"
    assert mailchimp.member(ANA)["merge_fields"]["FNAME"] == "Ana María"
    assert all("status" not in r.body for r in member_requests(mailchimp, "PUT"))
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED  # the local record takes it
    assert person.unsubscribed_at is not None
    assert local_changes == []  # ... silently: nothing is queued back


def test_cleaned_member_is_never_resubscribed(mailchimp, changed, deliver) -> None:
    mailchimp.add_member(ANA, status="subscribed")
    mailchimp.clean_in_mailchimp(ANA)
    person = subscriber(status=SubscriberStatus.SUBSCRIBED)
    changed(person)
    deliver()
    assert mailchimp.member(ANA)["status"] == "cleaned"
    person.refresh_from_db()
    assert person.status == SubscriberStatus.CLEANED


def test_confirmation_of_a_self_unsubscribed_member_falls_back_to_pending(
    mailchimp, changed, deliver
) -> None:
    mailchimp.add_member(ANA, status="subscribed")
    mailchimp.unsubscribe_in_mailchimp(ANA, by="user")
    person = subscriber(status=SubscriberStatus.SUBSCRIBED, confirmed_at=timezone.now())
    changed(person, confirmed=True)
    deliver()

    bodies = [r.body.get("status") for r in member_requests(mailchimp, "PUT")]
    assert bodies == ["subscribed", "pending"]
    assert mailchimp.member(ANA)["status"] == "pending"
    assert mailchimp.confirmation_emails == [(LIST, ANA)]  # Mailchimp's re-opt-in
    person.refresh_from_db()
    assert person.status == SubscriberStatus.PENDING
    change = PendingChange.objects.get()
    assert change.state == PendingChange.State.DELIVERED
    assert "compliance" in change.last_error


def test_signing_up_again_after_leaving_goes_through_double_opt_in(
    mailchimp, changed, deliver
) -> None:
    mailchimp.add_member(ANA, status="subscribed")
    mailchimp.unsubscribe_in_mailchimp(ANA, by="user")
    person = subscriber(status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    changed(person)
    deliver()
    assert mailchimp.member(ANA)["status"] == "unsubscribed"

    person.status = SubscriberStatus.PENDING  # the sign-up form again
    person.save()
    changed(person)
    deliver()
    assert mailchimp.member(ANA)["status"] == "pending"
    assert mailchimp.confirmation_emails == [(LIST, ANA)]
    person.refresh_from_db()
    assert person.status == SubscriberStatus.PENDING

    person.first_name = "Ana María"  # a later edit does not send the e-mail again
    person.save()
    changed(person)
    deliver()
    assert mailchimp.confirmation_emails == [(LIST, ANA)]


def test_local_unsubscribe_reaches_mailchimp(mailchimp, changed, deliver) -> None:
    mailchimp.add_member(ANA, status="subscribed")
    person = subscriber(status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    changed(person)
    deliver()
    patch = member_requests(mailchimp, "PATCH")[0]
    assert patch.body["status"] == "unsubscribed"
    assert mailchimp.member(ANA)["status"] == "unsubscribed"


def test_local_unsubscribe_of_someone_mailchimp_never_had_creates_nothing(
    mailchimp, changed, deliver
) -> None:
    person = subscriber(status=SubscriberStatus.UNSUBSCRIBED)
    changed(person)
    deliver()
    assert mailchimp.lists[LIST].members == {}
    assert PendingChange.objects.get().state == PendingChange.State.DELIVERED


def test_tags_follow_the_researcher_link(mailchimp, changed, deliver) -> None:
    researcher = ResearcherPageFactory(email=ANA)
    person = subscriber(status=SubscriberStatus.SUBSCRIBED, researcher=researcher)
    changed(person)
    deliver()
    mailchimp.add_member("other@litio.cl")
    names = {t["name"] for t in mailchimp.member(ANA)["tags"]}
    assert names == {"researcher", "CL"}
    calls = mailchimp.call_count
    changed(person)
    deliver()
    assert mailchimp.call_count == calls + 1  # unchanged tags: no tags call
    person.researcher = None
    person.save()
    changed(person)
    deliver()
    assert mailchimp.member(ANA)["tags"] == []


# ---------------------------------------------------------------- commands


def test_deliver_command_sweeps_due_changes(mailchimp, changed) -> None:
    person = subscriber()
    changed(person)  # on_commit never ran: the worker was "down"
    out = StringIO()
    call_command("newsletter_sync", "--deliver", stdout=out)
    assert "Delivered 1" in out.getvalue()
    assert mailchimp.member(ANA)["status"] == "pending"


def test_sweep_prunes_old_finished_changes_but_keeps_each_persons_latest(
    mailchimp, changed, deliver
) -> None:
    person = subscriber()
    for name in ("Ana", "Ana María"):
        person.first_name = name
        person.save()
        changed(person)
        deliver()
    first, latest = PendingChange.objects.order_by("id")
    PendingChange.objects.update(updated_at=timezone.now() - timedelta(days=45))
    call_command("newsletter_sync", "--deliver", stdout=StringIO())
    assert list(PendingChange.objects.values_list("pk", flat=True)) == [latest.pk]

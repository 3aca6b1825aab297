"""Pull and setup against the fake Marketing API, with the real client.

What must hold: the pull takes the remote state without overriding changes still
queued here, and a contact archived in Mailchimp is never brought back by the
site. Outward delivery is in test_mailchimp_delivery.py; shared helpers in
sync_support.py and conftest.py.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from directory.models import Topic
from newsletter.mailchimp.audience_setup import run_setup
from newsletter.mailchimp.models import PendingChange, SyncState, TopicInterest
from newsletter.mailchimp.pull import MARK_KEY, pull
from newsletter.models import Subscriber, SubscriberStatus
from tests.factories import TopicFactory
from tests.newsletter.sync_support import ANA, LIST, subscriber

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- pull


def test_pull_pages_a_thousand_at_a_time_and_takes_remote_state(mailchimp) -> None:
    for i in range(2100):
        mailchimp.add_member(f"member{i}@baterias.ac.uk")
    mailchimp.add_member(ANA, status="subscribed", merge_fields={"FNAME": "Ana", "LNAME": "R"})
    mailchimp.unsubscribe_in_mailchimp(ANA, by="user")
    mailchimp.add_member("waiting@baterias.ac.uk", status="pending")
    local = subscriber(status=SubscriberStatus.SUBSCRIBED)
    old_unsubscriber = subscriber(
        email="member5@baterias.ac.uk",
        status=SubscriberStatus.UNSUBSCRIBED,
        unsubscribed_at=timezone.now() + timedelta(hours=1),  # left after their opt-in there
    )

    report = pull()
    gets = [r for r in mailchimp.requests if r.method == "GET"]
    lists = [r for r in gets if "status" not in r.query]
    assert [r.query["offset"] for r in lists] == ["0", "1000", "2000"]
    # Archived contacts are listed only when asked for: one more page (none here).
    assert [r.query.get("status") for r in gets[3:]] == ["archived"]
    assert {r.query["count"] for r in lists} == {"1000"}
    assert lists[0].query["fields"].startswith("members.email_address,members.status")
    assert "since_last_changed" not in lists[0].query
    assert report.seen == 2102 and report.pages == 4

    local.refresh_from_db()
    assert local.status == SubscriberStatus.UNSUBSCRIBED
    assert local.mailchimp_last_changed is not None
    old_unsubscriber.refresh_from_db()
    assert old_unsubscriber.status == SubscriberStatus.UNSUBSCRIBED  # never put back
    assert Subscriber.objects.get(email="member7@baterias.ac.uk").status == "subscribed"
    assert not Subscriber.objects.filter(email="waiting@baterias.ac.uk").exists()
    assert SyncState.get_value(MARK_KEY) == report.mark


def test_second_pull_asks_only_for_changes_since_the_mark(mailchimp) -> None:
    mailchimp.freeze_time(timezone.now() - timedelta(hours=2))
    mailchimp.add_member(ANA)
    mailchimp.add_member("bea@litio.cl")
    first = pull()
    assert first.created == 2
    mailchimp.advance(3600)
    mailchimp.unsubscribe_in_mailchimp("bea@litio.cl")
    mailchimp.reset_log()

    second = pull()
    query = mailchimp.requests[0].query
    assert query["since_last_changed"] == first.mark
    # The mark overlaps by a second (whole-second timestamps), so the first pull's
    # newest member is seen again and skipped: applying is idempotent.
    assert (second.seen, second.left, second.skipped, second.created) == (2, 1, 1, 0)
    assert Subscriber.objects.get(email="bea@litio.cl").status == "unsubscribed"
    assert Subscriber.objects.get(email=ANA).status == "subscribed"


def test_pull_takes_a_member_deleted_in_mailchimp_off_the_list(mailchimp) -> None:
    mailchimp.add_member(ANA)
    mailchimp.set_member_status(ANA, "archived")
    person = subscriber(status=SubscriberStatus.SUBSCRIBED)
    pull()
    person.refresh_from_db()
    assert person.status == SubscriberStatus.UNSUBSCRIBED


def test_pull_leaves_people_with_queued_changes_to_the_outbox(mailchimp, changed) -> None:
    mailchimp.add_member(ANA, status="subscribed")
    mailchimp.unsubscribe_in_mailchimp(ANA, by="user")
    person = subscriber(status=SubscriberStatus.SUBSCRIBED)
    changed(person)  # queued, not delivered
    assert pull().skipped == 1
    person.refresh_from_db()
    assert person.status == SubscriberStatus.SUBSCRIBED


def test_pull_takes_profile_and_interests(mailchimp, topics) -> None:
    dle, recycling = (TopicInterest.objects.get(topic=t).interest_id for t in topics)
    person = subscriber(status=SubscriberStatus.SUBSCRIBED)
    mailchimp.advance(0)  # freeze: the member's last_changed must be after the local row
    person.topics.set([topics[0]])
    mailchimp.add_member(
        ANA,
        merge_fields={"FNAME": "Ana María", "LNAME": "Rojas"},
        interests={dle: False, recycling: True},
        language="pt",
    )
    pull()
    person.refresh_from_db()
    assert person.first_name == "Ana María" and person.language == "pt"
    assert list(person.topics.all()) == [topics[1]]


# ---------------------------------------------------------------- setup and commands


def test_setup_creates_category_interests_and_webhook_once(mailchimp, settings) -> None:
    recycling = "Recycling and circular supply chains"
    category = mailchimp.create_interest_category("Topics")
    existing = mailchimp.create_interest(category, recycling)

    out = StringIO()
    call_command("newsletter_mailchimp_setup", stdout=out)
    lst = mailchimp.lists[LIST]
    # "Topics" reused; "Newsletter options" made for the weekly digest's opt-in.
    assert list(lst.interest_categories)[0] == category
    assert len(lst.interest_categories) == 2
    names = sorted(i["name"] for i in lst.interests.values())
    assert names == sorted([*Topic.objects.values_list("name", flat=True), "Weekly digest"])
    assert TopicInterest.objects.get(topic__name=recycling).interest_id == existing
    (hook,) = lst.webhooks.values()
    assert (
        hook["url"]
        == f"http://testserver/newsletter/mailchimp/webhook/{settings.MAILCHIMP_WEBHOOK_SECRET}/"
    )
    assert hook["sources"] == {"user": True, "admin": True, "api": False}
    assert {k for k, v in hook["events"].items() if v} == {
        "subscribe",
        "unsubscribe",
        "profile",
        "cleaned",
        "upemail",
    }

    mailchimp.reset_log()
    call_command("newsletter_mailchimp_setup", stdout=StringIO())
    # Nothing created: topics' category and interests, the digest's, the webhooks.
    assert [r.method for r in mailchimp.requests] == ["GET"] * 5
    assert len(lst.interests) == Topic.objects.count() + 1 and len(lst.webhooks) == 1


def test_setup_adds_an_interest_for_a_new_topic(mailchimp) -> None:
    run_setup()
    TopicFactory(name="Solid-state sodium", slug="solid-state-sodium")
    report = run_setup()
    assert report.interests_created == ["Solid-state sodium"]
    assert TopicInterest.objects.count() == Topic.objects.count()


def test_pull_command_reports(mailchimp) -> None:
    mailchimp.add_member(ANA)
    out = StringIO()
    call_command("newsletter_sync", "--pull", stdout=out)
    assert "1 created" in out.getvalue()


# ---------------------------------------------------------------- contacts archived there


def test_incremental_pull_learns_of_a_contact_archived_since_the_mark(mailchimp) -> None:
    from newsletter.mailchimp.models import ArchivedContact

    mailchimp.freeze_time(timezone.now() - timedelta(hours=2))
    mailchimp.add_member(ANA)
    pull()
    mailchimp.advance(3600)
    mailchimp.archive_in_mailchimp(ANA)
    report = pull()
    assert report.left == 1
    assert Subscriber.objects.get(email=ANA).status == SubscriberStatus.UNSUBSCRIBED
    assert ArchivedContact.holds(ANA)


def test_an_edit_never_restores_a_contact_archived_in_mailchimp(
    mailchimp, changed, deliver
) -> None:
    mailchimp.add_member(ANA)
    mailchimp.archive_in_mailchimp(ANA)
    person = subscriber(status=SubscriberStatus.SUBSCRIBED)
    pull()
    person.refresh_from_db()
    person.first_name = "Ana María"  # an editor's change
    person.save()
    changed(person)
    deliver()
    assert mailchimp.member(ANA)["status"] == "archived"
    assert PendingChange.objects.get(subscriber=person).state == PendingChange.State.DELIVERED


def test_signing_up_again_after_deletion_there_asks_for_double_opt_in(
    mailchimp, changed, deliver
) -> None:
    from newsletter.mailchimp.models import ArchivedContact

    mailchimp.add_member(ANA)
    mailchimp.archive_in_mailchimp(ANA)
    person = subscriber(status=SubscriberStatus.SUBSCRIBED)
    pull()
    person.refresh_from_db()
    person.status = SubscriberStatus.PENDING  # the sign-up form again
    person.save()
    changed(person)
    deliver()
    assert mailchimp.member(ANA)["status"] == "pending"
    assert mailchimp.confirmation_emails == [(LIST, ANA)]
    assert not ArchivedContact.holds(ANA)


def test_a_contact_restored_in_mailchimp_is_no_longer_held_as_archived(mailchimp) -> None:
    from newsletter.mailchimp.models import ArchivedContact

    mailchimp.freeze_time(timezone.now() - timedelta(hours=2))
    mailchimp.add_member(ANA)
    mailchimp.archive_in_mailchimp(ANA)
    pull()
    assert ArchivedContact.holds(ANA)
    mailchimp.advance(3600)
    mailchimp.set_member_status(ANA, "subscribed")  # restored by an admin there
    pull()
    assert not ArchivedContact.holds(ANA)


def test_setup_again_learns_an_interest_renamed_in_mailchimp(mailchimp) -> None:
    """Webhooks name groups, so the stored name must follow a rename done there."""
    run_setup(webhook=False)
    topic = Topic.objects.get(slug="second-life")
    link = TopicInterest.objects.get(topic=topic)
    mailchimp.lists[LIST].interests[link.interest_id]["name"] = "Second life, reuse"
    run_setup(webhook=False)
    link.refresh_from_db()
    assert link.name == "Second life, reuse"

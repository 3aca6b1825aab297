"""The member's language in step both ways: set on every push, read by the pull, and
read back after webhooks, which do not carry it (docs/mailchimp-api.md §4).

Against the fake Marketing API, which stores and returns `language` as Mailchimp does.
"""

from __future__ import annotations

import pytest
from django.test import Client

from newsletter import services
from newsletter.mailchimp.member_read import read_language
from newsletter.mailchimp.pull import pull
from newsletter.models import Subscriber, SubscriberStatus
from tests.newsletter.conftest import WEBHOOK_SECRET
from tests.newsletter.sync_support import ANA, md5, member_requests, subscriber

pytestmark = pytest.mark.django_db

URL = f"/newsletter/mailchimp/webhook/{WEBHOOK_SECRET}/"


def webhook(mailchimp, kind: str, email: str = ANA, **data: str):
    return Client(HTTP_USER_AGENT="MailChimp.com").post(
        URL,
        data=mailchimp.webhook_body(kind, email, **data),
        content_type="application/x-www-form-urlencoded",
    )


def reads(mailchimp, email: str = ANA) -> list:
    return [r for r in member_requests(mailchimp, "GET") if r.path.endswith(md5(email))]


def test_every_push_sets_the_language(mailchimp, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        person = services.subscribe(ANA, language="pt", consent_text="Texto").subscriber
    assert member_requests(mailchimp, "PUT")[-1].body["language"] == "pt"
    assert mailchimp.member(ANA)["language"] == "pt"

    with django_capture_on_commit_callbacks(execute=True):
        services.update_preferences(person, language="es")
    assert member_requests(mailchimp, "PUT")[-1].body["language"] == "es"
    assert mailchimp.rendered_member(ANA)["language"] == "es"


def test_the_pull_takes_a_language_changed_in_mailchimp(mailchimp) -> None:
    person = subscriber(status=SubscriberStatus.SUBSCRIBED, language="en")
    mailchimp.advance(0)  # the member's last_changed comes after the local row
    mailchimp.add_member(ANA, language="es")
    pull()
    person.refresh_from_db()
    assert person.language == "es"


def test_a_profile_webhook_reads_the_language_back(
    mailchimp, django_capture_on_commit_callbacks
) -> None:
    person = subscriber(status=SubscriberStatus.SUBSCRIBED, language="en")
    mailchimp.add_member(ANA, merge_fields={"FNAME": "Ana"}, language="pt")
    mailchimp.reset_log()

    with django_capture_on_commit_callbacks(execute=True):
        assert webhook(mailchimp, "profile").status_code == 200

    person.refresh_from_db()
    assert person.language == "pt"
    assert len(reads(mailchimp)) == 1  # one read of that member, after the webhook
    assert member_requests(mailchimp, "PUT") == []  # and nothing echoed back


def test_an_address_change_webhook_reads_the_language_too(
    mailchimp, django_capture_on_commit_callbacks
) -> None:
    person = subscriber(status=SubscriberStatus.SUBSCRIBED, language="en")
    mailchimp.add_member(ANA, language="es")
    mailchimp.change_email_in_mailchimp(ANA, "ana@nuevo.cl")
    body = {"old_email": ANA, "new_email": "ana@nuevo.cl", "new_id": "x1"}

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            URL,
            data=mailchimp.webhook_body("upemail", "ana@nuevo.cl", **body),
            content_type="application/x-www-form-urlencoded",
        )

    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.email, person.language) == ("ana@nuevo.cl", "es")


def test_a_webhook_that_carries_the_language_needs_no_read(
    mailchimp, django_capture_on_commit_callbacks
) -> None:
    person = subscriber(status=SubscriberStatus.SUBSCRIBED, language="en")
    mailchimp.add_member(ANA)
    mailchimp.reset_log()
    with django_capture_on_commit_callbacks(execute=True):
        webhook(mailchimp, "profile", language="es")
    person.refresh_from_db()
    assert person.language == "es"
    assert reads(mailchimp) == []


def test_someone_who_subscribed_in_mailchimp_gets_their_language(
    mailchimp, django_capture_on_commit_callbacks
) -> None:
    mailchimp.add_member(ANA, language="pt")
    with django_capture_on_commit_callbacks(execute=True):
        webhook(mailchimp, "subscribe")
    assert Subscriber.objects.get(email=ANA).language == "pt"


def test_the_read_leaves_a_local_change_on_its_way_alone(mailchimp, changed) -> None:
    person = subscriber(status=SubscriberStatus.SUBSCRIBED, language="es")
    mailchimp.add_member(ANA, language="en")
    changed(person)  # the person chose Spanish here; not delivered yet
    assert read_language(person.pk) == "skipped: local change queued"
    person.refresh_from_db()
    assert person.language == "es"


def test_a_language_the_site_does_not_offer_changes_nothing(mailchimp) -> None:
    person = subscriber(status=SubscriberStatus.SUBSCRIBED, language="pt")
    mailchimp.add_member(ANA, language="de")
    assert read_language(person.pk) == "no language"
    person.refresh_from_db()
    assert person.language == "pt"


def test_mailchimps_regional_codes_map_to_ours(mailchimp) -> None:
    person = subscriber(status=SubscriberStatus.SUBSCRIBED, language="en")
    mailchimp.add_member(ANA, language="pt_PT")
    assert read_language(person.pk) == "language: pt"


def test_a_member_gone_from_mailchimp_is_left_alone(mailchimp) -> None:
    person = subscriber(status=SubscriberStatus.SUBSCRIBED, language="es")
    assert read_language(person.pk) == "not a member"
    person.refresh_from_db()
    assert person.language == "es"

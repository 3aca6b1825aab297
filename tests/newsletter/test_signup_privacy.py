"""Sign-up answers and e-mails that give nothing away and carry no one else's words.

* The sign-up view only enqueues the sign-up: the same task, the same queries,
  no e-mail and no Mailchimp call, whether or not the address is on the list.
* The confirmation e-mail holds nothing a visitor typed (no name).
* Opening any link in a list e-mail (as mail scanners do) changes nothing.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import default_task_backend

from newsletter import emails, tasks
from newsletter.forms import CONSENT_TEXT
from newsletter.mailchimp.models import PendingChange
from newsletter.models import ConsentKind, Subscriber, SubscriberStatus

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletter/subscribe/"
STRANGER_NAME = "WINNER! Claim your prize at https://evil.example/claim"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://battery.example"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def recorded_tasks(settings):
    """A task backend that only records what is enqueued (runs nothing)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend.results
    default_task_backend.clear()


def post_signup(client, email: str, kind: str):
    data = {"kind": kind, "source": "/news/", "email": email, "website": ""}
    if kind == "page":
        data |= {"first_name": "Ana", "language": "es"}
    return client.post(SUBSCRIBE, data, REMOTE_ADDR="203.0.113.9")


@pytest.mark.parametrize("kind", ["footer", "page"])
def test_sign_up_view_sends_nothing_and_does_the_same_work_for_any_address(
    client, kind, mailchimp, recorded_tasks
):
    """New and already subscribed addresses: one identical task, identical queries,
    no e-mail, no Mailchimp call. Everything address-dependent runs in the task."""
    Subscriber.objects.create(email="member@example.org", status=SubscriberStatus.SUBSCRIBED)
    mailchimp.reset_log()
    recorded_tasks.clear()  # e.g. Wagtail's reference index, for the row above
    work = {}
    for email in ("new@example.org", "member@example.org"):
        with CaptureQueriesContext(connection) as queries:
            response = post_signup(client, email, kind)
        assert response.status_code == 302 and response["Location"] == "/newsletter/thanks/"
        work[email] = [query["sql"] for query in queries.captured_queries]

    assert work["new@example.org"] == work["member@example.org"]
    assert all("newsletter_subscriber" not in sql for sql in work["new@example.org"])
    assert mail.outbox == []
    assert mailchimp.call_count == 0
    assert not PendingChange.objects.exists()
    assert not Subscriber.objects.filter(email="new@example.org").exists()

    new, member = recorded_tasks
    assert new.task.name == member.task.name == tasks.process_signup.name
    assert new.args == ["new@example.org"] and member.args == ["member@example.org"]
    assert new.kwargs == member.kwargs
    assert new.kwargs["consent_text"] == str(CONSENT_TEXT)

    # The worker then does what each address calls for.
    for result in recorded_tasks:
        result.task.call(*result.args, **result.kwargs)
    assert Subscriber.objects.get(email="new@example.org").status == SubscriberStatus.PENDING
    assert [message.to for message in mail.outbox] == [["member@example.org"]]  # "already"
    assert PendingChange.objects.filter(email="new@example.org").exists()


def test_honeypot_and_invalid_posts_enqueue_nothing(client, recorded_tasks):
    client.post(SUBSCRIBE, {"kind": "footer", "email": "a@example.org", "website": "x"})
    client.post(SUBSCRIBE, {"kind": "footer", "email": "not an address"})
    assert recorded_tasks == []


def _confirmation_parts(message) -> str:
    return "\n".join([message.subject, message.body, message.alternatives[0][0]])


@pytest.mark.parametrize("status", [None, SubscriberStatus.PENDING, SubscriberStatus.UNSUBSCRIBED])
def test_confirmation_email_carries_no_name_typed_into_the_form(client, status):
    if status is not None:
        Subscriber.objects.create(email="victim@example.org", status=status)
    client.post(
        SUBSCRIBE,
        {
            "kind": "page",
            "email": "victim@example.org",
            "first_name": STRANGER_NAME,
            "last_name": "https://evil.example/second",
        },
    )
    (message,) = mail.outbox
    assert "/newsletter/confirm/" in message.body
    text = _confirmation_parts(message)
    assert "WINNER" not in text and "evil.example" not in text
    assert not re.search(r"^\s*(Hello|Dear)\b", message.body)


def test_already_subscribed_notice_carries_no_name_either(client):
    Subscriber.objects.create(
        email="member@example.org", status=SubscriberStatus.SUBSCRIBED, first_name=STRANGER_NAME
    )
    client.post(SUBSCRIBE, {"kind": "page", "email": "member@example.org", "first_name": "X"})
    (message,) = mail.outbox
    assert "already subscribed" in message.body
    assert "WINNER" not in _confirmation_parts(message)


def _links(message) -> set[str]:
    bodies = [message.body, message.alternatives[0][0]]
    return {
        link.replace("https://battery.example", "")
        for body in bodies
        for link in re.findall(r"https://battery\.example/[^\s\"<>]+", body)
    }


def test_opening_every_link_in_list_e_mail_changes_nothing(client):
    """What a mail scanner does: GET and HEAD each link. Nobody is confirmed or unsubscribed."""
    client.post(SUBSCRIBE, {"kind": "footer", "email": "new@example.org"})
    member = Subscriber.objects.create(email="ana@example.org", status=SubscriberStatus.SUBSCRIBED)
    emails.send_list_email(member, "Issue 1", "News.")
    links = set().union(*(_links(message) for message in mail.outbox))
    assert any("/newsletter/confirm/" in link for link in links)
    assert any("/newsletter/unsubscribe/" in link for link in links)

    scanner = client.__class__()
    for link in sorted(links):
        assert scanner.get(link).status_code == 200, link
        scanner.head(link)

    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses == {
        "new@example.org": SubscriberStatus.PENDING,
        "ana@example.org": SubscriberStatus.SUBSCRIBED,
    }
    assert not Subscriber.objects.filter(
        consents__kind__in=[ConsentKind.CONFIRMATION, ConsentKind.WITHDRAWAL]
    ).exists()

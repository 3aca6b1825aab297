"""Tests of the Mailchimp fake, through the real ``mailchimp_marketing`` client.

They pin down the behaviours the newsletter sync relies on (comments cite
``docs/mailchimp-api.md``), so a change to the fake that breaks fidelity fails here first.
No Django: these run with ``-p no:django``.
"""

from __future__ import annotations

import io
import json
import tarfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import mailchimp_marketing
import pytest
import requests
from mailchimp_marketing.api_client import ApiClientError

from tests.fakes.mailchimp import FakeMailchimp, subscriber_hash

LIST = FakeMailchimp.DEFAULT_LIST_ID
ALICE = "Alice.Volta@batteries.ac.uk"


@pytest.fixture(autouse=True)
def _media_root() -> None:
    """Shadow tests/conftest.py's autouse fixture, which needs pytest-django's ``settings``:
    these tests touch no files and must also run with ``-p no:django``."""


@pytest.fixture
def fake() -> Iterator[FakeMailchimp]:
    with FakeMailchimp() as fake:
        yield fake
    assert fake.server_errors == []  # a bug in the fake shows up as a 500 plus a traceback


def make_client(fake: FakeMailchimp, timeout: float = 5) -> mailchimp_marketing.Client:
    client = mailchimp_marketing.Client()
    client.set_config({"api_key": fake.api_key, "server": "us1", "timeout": timeout})
    client.api_client.host = fake.url
    return client


@pytest.fixture
def mc(fake: FakeMailchimp) -> mailchimp_marketing.Client:
    return make_client(fake)


def problem(err: ApiClientError) -> dict:
    """problem+json is not "application/json", so the SDK leaves it as a string
    (docs/mailchimp-api.md §7)."""
    assert isinstance(err.text, str)
    return json.loads(err.text)


def upsert(mc: mailchimp_marketing.Client, email: str, **body: object) -> dict:
    return mc.lists.set_list_member(LIST, subscriber_hash(email), {"email_address": email, **body})


def test_ping_and_bad_key(fake: FakeMailchimp, mc: mailchimp_marketing.Client) -> None:
    assert mc.ping.get() == {"health_status": "Everything's Chimpy!"}
    bad = make_client(fake)
    bad.set_config({"api_key": "wrong-us1", "server": "us1", "timeout": 5})
    with pytest.raises(ApiClientError) as exc:
        bad.ping.get()
    assert exc.value.status_code == 401
    assert problem(exc.value)["title"] == "API Key Invalid"
    assert fake.call_count == 2


def test_upsert_status_if_new_never_flips_existing_status(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    created = upsert(mc, ALICE, status_if_new="subscribed", merge_fields={"FNAME": "Alice"})
    assert created["id"] == subscriber_hash(ALICE) == fake.member(ALICE)["id"]
    assert created["status"] == "subscribed"
    assert created["merge_fields"] == {"FNAME": "Alice", "LNAME": ""}
    assert created["last_changed"].endswith("+00:00")
    assert "unsubscribe_reason" not in created

    mc.lists.update_list_member(LIST, subscriber_hash(ALICE), {"status": "unsubscribed"})
    again = upsert(mc, ALICE, status_if_new="subscribed")
    assert again["status"] == "unsubscribed"
    assert again["unsubscribe_reason"] == "N/A (Unsubscribed by an admin)"

    # An API (admin) unsubscribe may be reversed through the API.
    assert upsert(mc, ALICE, status="subscribed")["status"] == "subscribed"


def test_post_on_existing_or_fake_address_is_rejected(mc: mailchimp_marketing.Client) -> None:
    mc.lists.add_list_member(LIST, {"email_address": ALICE, "status": "subscribed"})
    with pytest.raises(ApiClientError) as exc:
        mc.lists.add_list_member(LIST, {"email_address": ALICE.upper(), "status": "pending"})
    assert exc.value.status_code == 400
    assert problem(exc.value)["title"] == "Member Exists"

    with pytest.raises(ApiClientError) as exc:
        upsert(mc, "fooboo@example.com", status_if_new="subscribed")
    body = problem(exc.value)
    assert body["title"] == "Invalid Resource"
    assert "looks fake or invalid" in body["detail"]


def test_hash_mismatch_and_patch_to_existing_address(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    fake.add_member(ALICE)
    fake.add_member("bob.faraday@batteries.ac.uk")
    with pytest.raises(ApiClientError) as exc:
        mc.lists.set_list_member(
            LIST, "0" * 32, {"email_address": ALICE, "status_if_new": "subscribed"}
        )
    assert problem(exc.value)["title"] == "Member Exists"

    with pytest.raises(ApiClientError) as exc:
        mc.lists.update_list_member(
            LIST, subscriber_hash(ALICE), {"email_address": "bob.faraday@batteries.ac.uk"}
        )
    assert problem(exc.value)["detail"] == (
        '"bob.faraday@batteries.ac.uk" is already in this list with a status of "subscribed".'
    )

    moved = mc.lists.update_list_member(
        LIST, subscriber_hash(ALICE), {"email_address": "alice@newlab.ac.uk"}
    )
    assert moved["id"] == subscriber_hash("alice@newlab.ac.uk")
    assert fake.member(ALICE) is None


def test_compliance_state_error_is_a_problem_json_string(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    fake.add_member(ALICE)
    fake.unsubscribe_in_mailchimp(ALICE, by="user")
    with pytest.raises(ApiClientError) as exc:
        upsert(mc, ALICE, status="subscribed")
    assert exc.value.status_code == 400
    body = problem(exc.value)
    assert body["title"] == "Member In Compliance State"
    assert body["detail"].startswith(f"{ALICE} is in a compliance state")
    assert set(body) >= {"type", "title", "status", "detail", "instance"}

    # Re-opt-in through pending is allowed and sends a confirmation email.
    assert upsert(mc, ALICE, status="pending")["status"] == "pending"
    assert fake.confirmation_emails == [(LIST, ALICE)]


def test_forgotten_email_cannot_come_back(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    fake.add_member(ALICE)
    result = mc.lists.delete_list_member_permanent(LIST, subscriber_hash(ALICE))
    assert isinstance(result, requests.Response) and result.status_code == 204
    assert result.headers["Content-Type"] == "application/json"

    with pytest.raises(ApiClientError) as exc:
        mc.lists.get_list_member(LIST, subscriber_hash(ALICE))
    assert exc.value.status_code == 404
    assert problem(exc.value)["title"] == "Resource Not Found"

    with pytest.raises(ApiClientError) as exc:
        upsert(mc, ALICE, status_if_new="subscribed")
    assert problem(exc.value)["title"] == "Forgotten Email Not Subscribed"


def test_archive_refuses_pending_members_with_405(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    fake.add_member(ALICE, status="pending")
    with pytest.raises(ApiClientError) as exc:
        mc.lists.delete_list_member(LIST, subscriber_hash(ALICE))
    assert exc.value.status_code == 405

    fake.set_member_status(ALICE, "subscribed")
    mc.lists.delete_list_member(LIST, ALICE)  # the address works as the path segment
    assert fake.member(ALICE)["status"] == "archived"
    restored = upsert(mc, ALICE, status_if_new="subscribed")
    assert restored["status"] == "subscribed"


def test_member_shape_lists_every_merge_tag_interest_and_tag(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    category = fake.create_interest_category("Topics")
    anodes = fake.create_interest(category, "Anodes")
    cathodes = fake.create_interest(category, "Cathodes")
    upsert(mc, ALICE, status_if_new="subscribed", interests={anodes: True})
    mc.lists.update_list_member_tags(
        LIST, subscriber_hash(ALICE), {"tags": [{"name": "UK", "status": "active"}]}
    )
    member = mc.lists.get_list_member(LIST, subscriber_hash(ALICE))
    assert member["interests"] == {anodes: True, cathodes: False}
    assert [t["name"] for t in member["tags"]] == ["UK"]
    assert member["list_id"] == LIST and member["email_address"] == ALICE

    interests = mc.lists.list_interest_category_interests(LIST, category)
    assert {i["name"]: i["subscriber_count"] for i in interests["interests"]} == {
        "Anodes": "1",
        "Cathodes": "0",
    }


def test_paging_since_last_changed_ignores_the_utc_offset(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    fake.freeze_time(datetime(2024, 5, 1, 10, 0, tzinfo=UTC))
    emails = [f"researcher{i}@batteries.ac.uk" for i in range(25)]
    for email in emails:
        fake.add_member(email)
    fake.advance(3600)
    for email in emails[:3]:
        fake.unsubscribe_in_mailchimp(email)

    seen = []
    offset = 0
    while True:
        page = mc.lists.get_list_members_info(
            LIST,
            since_last_changed="2024-05-01T10:30:00-02:00",  # acts as 10:30Z
            count=2,
            offset=offset,
            fields=["members.email_address", "members.status", "total_items"],
        )
        assert page["total_items"] == 3
        assert all(set(m) == {"email_address", "status"} for m in page["members"])
        seen += page["members"]
        offset += 2
        if offset >= page["total_items"]:
            break
    assert sorted(m["email_address"] for m in seen) == sorted(emails[:3])
    assert {m["status"] for m in seen} == {"unsubscribed"}
    assert mc.lists.get_list_members_info(LIST)["total_items"] == 25
    assert len(mc.lists.get_list_members_info(LIST)["members"]) == 10  # default count


def test_batch_operations_result_tarball(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    emails = [f"member{i}@batteries.ac.uk" for i in range(1200)] + ["alex@gmail.com"]
    operations = [
        {
            "method": "PUT",
            "path": f"/lists/{LIST}/members/{subscriber_hash(email)}",
            "body": json.dumps({"email_address": email, "status_if_new": "subscribed"}),
            "operation_id": f"row-{i}",
        }
        for i, email in enumerate(emails)
    ]
    started = mc.batches.start({"operations": operations})
    assert started["status"] == "pending" and started["total_operations"] == 1201

    status = mc.batches.status(started["id"])
    assert status["status"] == "finished"
    assert status["errored_operations"] == 1

    archive = requests.get(status["response_body_url"], timeout=5)
    results = []
    with tarfile.open(fileobj=io.BytesIO(archive.content), mode="r:gz") as tar:
        for info in tar.getmembers():
            if info.isfile():
                results += json.load(tar.extractfile(info))
    assert len(results) == 1201
    by_id = {r["operation_id"]: r for r in results}
    assert by_id["row-0"]["status_code"] == 200
    assert json.loads(by_id["row-0"]["response"])["status"] == "subscribed"
    assert by_id["row-1200"]["status_code"] == 400
    assert "looks fake" in json.loads(by_id["row-1200"]["response"])["detail"]
    assert len(fake.lists[LIST].members) == 1200
    assert fake.call_count == 2  # the tarball download is not an API call


def test_batch_subscribe_reports_new_updated_and_errors(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    fake.add_member(ALICE)
    body = {
        "members": [
            {"email_address": ALICE, "status": "subscribed"},
            {"email_address": "new@batteries.ac.uk", "status": "subscribed"},
        ]
    }
    result = mc.lists.batch_list_members(LIST, body)
    assert result["total_created"] == 1 and result["error_count"] == 1
    assert result["errors"][0]["error_code"] == "ERROR_CONTACT_EXISTS"
    result = mc.lists.batch_list_members(LIST, {**body, "update_existing": True})
    assert result["total_updated"] == 2 and result["error_count"] == 0


def test_faults_bodyless_429_is_returned_not_raised(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    fake.fail_next(1, status=429, body=False)
    result = mc.ping.get()
    assert isinstance(result, requests.Response)
    assert result.status_code == 429 and not result.ok
    assert "Content-Type" not in result.headers

    fake.fail_next(1, status=503)
    with pytest.raises(ApiClientError) as exc:
        mc.ping.get()
    assert exc.value.status_code == 503
    assert mc.ping.get()["health_status"] == "Everything's Chimpy!"


def test_more_than_max_connections_in_flight_get_429(fake: FakeMailchimp) -> None:
    fake.max_connections, fake.delay = 2, 0.4
    statuses: list[int | None] = []

    def call() -> None:
        try:
            make_client(fake).ping.get()
            statuses.append(200)
        except ApiClientError as err:
            statuses.append(err.status_code)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 429, 429]


def test_slow_answers_time_the_client_out(fake: FakeMailchimp) -> None:
    fake.delay = 0.5
    with pytest.raises(ApiClientError) as exc:
        make_client(fake, timeout=0.1).ping.get()
    assert exc.value.status_code is None
    assert isinstance(exc.value.text, requests.Timeout)


def test_stopped_server_is_a_network_error_and_restart_keeps_state(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    upsert(mc, ALICE, status_if_new="subscribed")
    port = fake.port
    fake.stop()
    with pytest.raises(ApiClientError) as exc:
        mc.ping.get()
    assert exc.value.status_code is None
    assert isinstance(exc.value.text, requests.ConnectionError)

    fake.start()
    assert fake.port == port
    assert mc.lists.get_list_member(LIST, subscriber_hash(ALICE))["status"] == "subscribed"


def test_campaign_send_needs_content_settings_and_recipients(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    fake.add_member(ALICE)
    campaign = mc.campaigns.create({"type": "regular", "recipients": {"list_id": LIST}})
    assert campaign["status"] == "save"
    with pytest.raises(ApiClientError) as exc:
        mc.campaigns.send(campaign["id"])
    body = problem(exc.value)
    assert (body["title"], body["detail"]) == ("Bad Request", "Your Campaign is not ready to send.")

    settings = {"subject_line": "Issue 1", "from_name": "BattNet", "reply_to": "news@batt.net"}
    mc.campaigns.update(campaign["id"], {"settings": settings})
    mc.campaigns.set_content(campaign["id"], {"html": "<p>Hello</p>"})
    assert mc.campaigns.get_send_checklist(campaign["id"])["is_ready"] is True

    with pytest.raises(ApiClientError) as exc:
        mc.campaigns.schedule(campaign["id"], {"schedule_time": "2099-01-01T10:07:00+00:00"})
    assert problem(exc.value)["detail"] == "This campaign cannot be scheduled: ."

    assert mc.campaigns.send(campaign["id"]).status_code == 204
    assert mc.campaigns.get(campaign["id"])["status"] == "sent"
    assert fake.sent_campaigns[0]["recipients"] == [ALICE]

    with pytest.raises(ApiClientError) as exc:
        mc.campaigns.update("nope", {"settings": settings})
    assert exc.value.status_code == 404


def test_webhook_duplicate_url_is_refused(mc: mailchimp_marketing.Client) -> None:
    hook = {"url": "https://battnet.org/hooks/mc?secret=1", "events": {"unsubscribe": True}}
    created = mc.lists.create_list_webhook(LIST, hook)
    assert created["events"]["unsubscribe"] is True and created["list_id"] == LIST
    with pytest.raises(ApiClientError) as exc:
        mc.lists.create_list_webhook(LIST, {**hook, "url": hook["url"].replace("1", "2")})
    assert exc.value.status_code == 400
    assert mc.lists.get_list_webhooks(LIST)["total_items"] == 1


def test_archived_members_are_listed_only_when_asked_for(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    """Like Mailchimp, the member list leaves archived contacts out unless
    `status=archived` asks for them (a sync that never asks never learns of them)."""
    fake.add_member(ALICE)
    fake.add_member("bob@batteries.ac.uk")
    mc.lists.delete_list_member(LIST, subscriber_hash(ALICE))

    listed = mc.lists.get_list_members_info(LIST)
    assert [m["email_address"] for m in listed["members"]] == ["bob@batteries.ac.uk"]
    assert listed["total_items"] == 1

    archived = mc.lists.get_list_members_info(LIST, status="archived")
    assert [(m["email_address"], m["status"]) for m in archived["members"]] == [(ALICE, "archived")]


def test_webhook_payload_joins_group_names_with_commas(fake: FakeMailchimp) -> None:
    """Mailchimp's webhooks name a member's groups, joined by ", ", commas in names
    left as they are: the payload the site must be able to read."""
    from urllib.parse import parse_qs

    cid = fake.create_interest_category("Topics")
    cell = fake.create_interest(cid, "Cell design, manufacturing and scale-up")
    fake.create_interest(cid, "Recycling")
    solid = fake.create_interest(cid, "Baterías de estado sólido")
    fake.add_member(ALICE, merge_fields={"FNAME": "Alice"}, interests={cell: True, solid: True})

    form = parse_qs(fake.webhook_body("profile", ALICE), keep_blank_values=True)
    assert form["type"] == ["profile"]
    assert form["data[email]"] == [ALICE]
    assert form["data[merges][FNAME]"] == ["Alice"]
    both = "Cell design, manufacturing and scale-up, Baterías de estado sólido"
    assert form["data[merges][INTERESTS]"] == [both]
    assert form["data[merges][GROUPINGS][0][groups]"] == [both]
    assert form["data[merges][GROUPINGS][0][unique_id]"] == [cid]
    assert len(form["fired_at"][0]) == len("2026-03-26 21:35:57")

    deleted = parse_qs(fake.webhook_body("unsubscribe", ALICE, action="delete"))
    assert deleted["data[action]"] == ["delete"]

"""The fake Mailchimp's members' language, campaign segments, and scripted faults.

Through the real ``mailchimp_marketing`` client, like tests/fakes/test_mailchimp_fake.py:
the language is stored and returned as Mailchimp does (docs/mailchimp-api.md §1), and
a campaign reaches exactly the members its ``segment_opts`` conditions select
(docs/mailchimp-api.md §9). No Django: these run with ``-p no:django``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import mailchimp_marketing
import pytest
from mailchimp_marketing.api_client import ApiClientError

from tests.fakes.mailchimp import FakeMailchimp, subscriber_hash

LIST = FakeMailchimp.DEFAULT_LIST_ID
ALICE = "Alice.Volta@batteries.ac.uk"


@pytest.fixture(autouse=True)
def _media_root() -> None:
    """Shadow tests/conftest.py's autouse fixture (it needs pytest-django)."""


@pytest.fixture
def fake() -> Iterator[FakeMailchimp]:
    with FakeMailchimp() as fake:
        yield fake
    assert fake.server_errors == []


@pytest.fixture
def mc(fake: FakeMailchimp) -> mailchimp_marketing.Client:
    client = mailchimp_marketing.Client()
    client.set_config({"api_key": fake.api_key, "server": "us1", "timeout": 5})
    client.api_client.host = fake.url
    return client


def problem(err: ApiClientError) -> dict:
    assert isinstance(err.text, str)  # problem+json arrives as a string (§7)
    return json.loads(err.text)


def upsert(mc: mailchimp_marketing.Client, email: str, **body: object) -> dict:
    return mc.lists.set_list_member(LIST, subscriber_hash(email), {"email_address": email, **body})


def ready_campaign(mc: mailchimp_marketing.Client, segment_opts: dict | None) -> str:
    recipients: dict = {"list_id": LIST}
    if segment_opts is not None:
        recipients["segment_opts"] = segment_opts
    settings = {"subject_line": "Issue", "from_name": "BattNet", "reply_to": "news@batt.net"}
    campaign = mc.campaigns.create(
        {"type": "regular", "recipients": recipients, "settings": settings}
    )
    mc.campaigns.set_content(campaign["id"], {"html": "<p>Hello</p>"})
    return campaign["id"]


def language(op: str, value: str) -> dict:
    return {"condition_type": "Language", "field": "language", "op": op, "value": value}


def test_the_member_language_is_stored_and_returned(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    upsert(mc, ALICE, status_if_new="subscribed", language="es")
    assert mc.lists.get_list_member(LIST, subscriber_hash(ALICE))["language"] == "es"
    mc.lists.update_list_member(LIST, subscriber_hash(ALICE), {"language": "pt"})
    listed = mc.lists.get_list_members_info(LIST, fields=["members.language"])
    assert listed["members"] == [{"language": "pt"}]


def test_language_conditions_choose_the_recipients(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    fake.add_member("en@uni.example.ac.uk", language="en")
    fake.add_member("es@uni.example.ac.uk", language="es")
    fake.add_member("pt@uni.example.ac.uk", language="pt")
    fake.add_member("none@uni.example.ac.uk")
    fake.add_member("left@uni.example.ac.uk", status="unsubscribed", language="es")
    spanish = ready_campaign(mc, {"match": "all", "conditions": [language("is", "es")]})
    others = ready_campaign(
        mc, {"match": "all", "conditions": [language("not", "es"), language("not", "pt")]}
    )
    either = ready_campaign(
        mc, {"match": "any", "conditions": [language("is", "es"), language("is", "pt")]}
    )
    assert mc.campaigns.get(spanish)["recipients"]["recipient_count"] == 1
    for campaign in (spanish, others, either):
        mc.campaigns.send(campaign)
    sent = [sorted(s["recipients"]) for s in fake.sent_campaigns]
    assert sent == [
        ["es@uni.example.ac.uk"],
        ["en@uni.example.ac.uk", "none@uni.example.ac.uk"],
        ["es@uni.example.ac.uk", "pt@uni.example.ac.uk"],
    ]


def test_interest_and_language_conditions_together(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    category = fake.create_interest_category("Topics")
    lithium = fake.create_interest(category, "Lithium")
    fake.add_member("a@uni.example.ac.uk", language="es", interests={lithium: True})
    fake.add_member("b@uni.example.ac.uk", language="es", interests={lithium: False})
    fake.add_member("c@uni.example.ac.uk", language="en", interests={lithium: True})
    interests = {
        "condition_type": "Interests",
        "field": f"interests-{category}",
        "op": "interestcontains",
        "value": [lithium],
    }
    campaign = ready_campaign(mc, {"match": "all", "conditions": [interests, language("is", "es")]})
    mc.campaigns.send(campaign)
    assert fake.sent_campaigns[0]["recipients"] == ["a@uni.example.ac.uk"]


def test_an_empty_segment_is_not_ready_and_the_checklist_says_why(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    fake.add_member(ALICE, language="en")
    campaign = ready_campaign(mc, {"match": "all", "conditions": [language("is", "pt")]})
    with pytest.raises(ApiClientError) as exc:
        mc.campaigns.send(campaign)
    assert problem(exc.value)["detail"] == "Your Campaign is not ready to send."
    details = [i["details"] for i in mc.campaigns.get_send_checklist(campaign)["items"]]
    assert 'Your segment of list "Battery Researchers" is empty.' in details


@pytest.mark.parametrize(
    "condition",
    [
        {"condition_type": "Language", "field": "lang", "op": "is", "value": "es"},
        {"condition_type": "Language", "field": "language", "op": "equals", "value": "es"},
        {"condition_type": "Language", "field": "language", "op": "is", "value": ""},
        {
            "condition_type": "Interests",
            "field": "interests-x",
            "op": "interestcontains",
            "value": ["no-such-interest"],
        },
    ],
)
def test_a_malformed_condition_is_refused(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client, condition: dict
) -> None:
    with pytest.raises(ApiClientError) as exc:
        mc.campaigns.create(
            {
                "type": "regular",
                "recipients": {
                    "list_id": LIST,
                    "segment_opts": {"match": "all", "conditions": [condition]},
                },
            }
        )
    body = problem(exc.value)
    assert body["title"] == "Invalid Resource"
    assert body["errors"][0]["field"].startswith("recipients.segment_opts.conditions.0")
    assert fake.campaigns == {}


def test_fail_matching_faults_only_the_matching_requests(
    fake: FakeMailchimp, mc: mailchimp_marketing.Client
) -> None:
    fake.add_member(ALICE)
    first, second = ready_campaign(mc, None), ready_campaign(mc, None)
    fake.fail_matching("POST", r"/campaigns/[^/]+/actions/send", status=503, after=1)
    mc.campaigns.send(first)  # the first matching request goes through
    with pytest.raises(ApiClientError) as exc:
        mc.campaigns.send(second)
    assert exc.value.status_code == 503
    assert mc.campaigns.get(second)["status"] == "save"  # faulted: not applied
    mc.campaigns.send(second)  # once only
    assert len(fake.sent_campaigns) == 2

"""A translated issue through Mailchimp: one campaign per language, each sent exactly once.

Against the fake Marketing API, which evaluates `segment_opts` conditions (Language
and Interests) the way Mailchimp does, so who receives which campaign is what the
fake actually sends to, not what the request said.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse

from newsletter.issues import services
from newsletter.issues.campaigns import CampaignError
from newsletter.issues.models import Dispatch, DispatchState
from newsletter.mailchimp.audience_setup import run_setup
from tests.factories import NewsPageFactory
from tests.fakes.mailchimp import FakeMailchimp
from tests.newsletter.issue_support import NewsletterIssuePageFactory, make_editor, translate

pytestmark = pytest.mark.django_db

LIST = FakeMailchimp.DEFAULT_LIST_ID
SEND = r"/campaigns/[^/]+/actions/send"


@pytest.fixture
def fake(settings) -> Iterator[FakeMailchimp]:
    with FakeMailchimp() as fake:
        settings.MAILCHIMP_API_KEY = fake.api_key
        settings.MAILCHIMP_AUDIENCE_ID = LIST
        settings.MAILCHIMP_API_URL = fake.url
        fake.add_member("ana@batteries.ac.uk", language="en")
        fake.add_member("beto@litio.cl", language="es")
        fake.add_member("carla@usp.br", language="pt")
        fake.add_member("dieter@kit.de", language="de")  # a language with no translation
        fake.add_member("eva@uni.example.org", language="")  # none known
        yield fake
    assert fake.server_errors == []


@pytest.fixture
def issue():
    issue = NewsletterIssuePageFactory(subject="Batteries in June", news=[NewsPageFactory()])
    translate(issue, "es", subject="Baterías en junio")
    translate(issue, "pt-br", subject="Baterias em junho")
    return issue


def sent_by_subject(fake: FakeMailchimp) -> dict[str, list[str]]:
    return {
        sent["campaign"]["settings"]["subject_line"]: sorted(sent["recipients"])
        for sent in fake.sent_campaigns
    }


def language_conditions(fake: FakeMailchimp, subject: str) -> dict:
    (campaign,) = [c for c in fake.campaigns.values() if c["settings"]["subject_line"] == subject]
    return campaign["recipients"]["segment_opts"]


def test_one_campaign_per_language_each_to_its_language(fake, issue) -> None:
    dispatch = services.send_now(issue)

    assert sent_by_subject(fake) == {
        "Batteries in June": ["ana@batteries.ac.uk", "dieter@kit.de", "eva@uni.example.org"],
        "Baterías en junio": ["beto@litio.cl"],
        "Baterias em junho": ["carla@usp.br"],
    }
    assert language_conditions(fake, "Baterías en junio") == {
        "match": "all",
        "conditions": [
            {"condition_type": "Language", "field": "language", "op": "is", "value": "es"}
        ],
    }
    assert language_conditions(fake, "Batteries in June") == {
        "match": "all",
        "conditions": [
            {"condition_type": "Language", "field": "language", "op": "not", "value": "es"},
            {"condition_type": "Language", "field": "language", "op": "not", "value": "pt"},
        ],
    }
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.SENT
    editions = dispatch.all_editions()
    assert [e.language for e in editions] == ["en", "es", "pt"]
    assert all(e.campaign_sent_at for e in editions)
    assert len({e.campaign_id for e in editions}) == 3


def test_languages_and_topics_together(fake, issue) -> None:
    from directory.models import Topic

    lithium = Topic.objects.get(slug="direct-lithium-extraction")
    run_setup(webhook=False)
    interest = lithium.mailchimp_interest.interest_id
    fake.member("beto@litio.cl")["interests"][interest] = True
    fake.member("ana@batteries.ac.uk")["interests"][interest] = True
    issue.target_topics.set([lithium])
    issue.save_revision().publish()

    services.send_now(issue)

    assert sent_by_subject(fake) == {  # no Portuguese reader of the topic: not sent
        "Batteries in June": ["ana@batteries.ac.uk"],
        "Baterías en junio": ["beto@litio.cl"],
    }
    segment = language_conditions(fake, "Baterías en junio")
    assert segment["match"] == "all"
    assert [c["condition_type"] for c in segment["conditions"]] == ["Interests", "Language"]


def test_without_translations_one_campaign_as_before(fake) -> None:
    issue = NewsletterIssuePageFactory(subject="English only", news=[NewsPageFactory()])
    services.send_now(issue)
    (campaign,) = fake.campaigns.values()
    assert "segment_opts" not in campaign["recipients"]
    assert len(sent_by_subject(fake)["English only"]) == 5


def test_a_failure_before_anything_went_leaves_a_draft(fake, issue) -> None:
    fake.fail_matching("POST", SEND, status=503)  # the first send (English) fails
    with pytest.raises(CampaignError, match="try again"):
        services.send_now(issue)
    assert Dispatch.objects.get(issue=issue).state == DispatchState.DRAFT
    assert fake.sent_campaigns == []

    services.send_now(issue)
    assert len(fake.sent_campaigns) == 3


def test_a_send_that_stops_after_one_language_resumes_with_the_rest(fake, issue) -> None:
    fake.fail_matching("POST", SEND, status=503, after=1)  # English goes, Spanish fails
    with pytest.raises(CampaignError) as caught:
        services.send_now(issue)
    assert "press Send now to send the rest" in caught.value.message
    dispatch = Dispatch.objects.get(issue=issue)
    assert dispatch.state == DispatchState.SENDING  # some went: never a draft again
    assert services.partly_sent(dispatch)
    assert list(sent_by_subject(fake)) == ["Batteries in June"]

    services.send_now(issue)

    assert sorted(sent_by_subject(fake)) == [
        "Baterias em junho",
        "Baterías en junio",
        "Batteries in June",
    ]
    assert len(fake.sent_campaigns) == 3  # the English campaign was not sent again
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.SENT and dispatch.last_error == ""
    with pytest.raises(CampaignError, match="already been sent"):
        services.send_now(issue)


def test_a_lost_answer_is_not_a_second_send(fake, issue) -> None:
    services.send_now(issue)
    dispatch = Dispatch.objects.get(issue=issue)
    spanish = dispatch.editions.get(language="es")
    # As if the process had died after Mailchimp took the Spanish send, before marking it:
    spanish.campaign_sent_at = None
    spanish.save()
    Dispatch.objects.filter(pk=dispatch.pk).update(
        state=DispatchState.SENDING, last_error="Interrupted."
    )

    services.send_now(issue)  # resumes: asks Mailchimp, finds it sent, sends nothing

    assert len(fake.sent_campaigns) == 3
    spanish.refresh_from_db()
    assert spanish.campaign_sent_at is not None


def test_an_interrupted_send_is_noticed_by_the_status_page(fake, issue, client, django_user_model):
    services.send_now(issue)
    dispatch = Dispatch.objects.get(issue=issue)
    dispatch.editions.filter(language="pt").update(campaign_sent_at=None)
    portuguese = dispatch.editions.get(language="pt")
    fake.campaigns[portuguese.campaign_id].update(status="save")  # it never went
    fake.sent_campaigns.pop()
    Dispatch.objects.filter(pk=dispatch.pk).update(state=DispatchState.SENDING)
    Dispatch.objects.filter(pk=dispatch.pk).update(
        updated_at=dispatch.updated_at.replace(year=dispatch.updated_at.year - 1)
    )
    client.force_login(make_editor(django_user_model, "sender", can_send=True))

    page = client.get(reverse("newsletter_issues_sending", args=[issue.pk])).content.decode()

    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.SENDING and "interrupted" in dispatch.last_error
    assert "data-partly-sent" in page
    services.send_now(issue)
    assert sorted(s["campaign"]["settings"]["subject_line"] for s in fake.sent_campaigns) == [
        "Baterias em junho",
        "Baterías en junio",
        "Batteries in June",
    ]


def test_the_sending_page_shows_each_language_campaign(fake, issue, client, django_user_model):
    services.send_now(issue)
    client.force_login(make_editor(django_user_model, "sender", can_send=True))
    page = client.get(reverse("newsletter_issues_sending", args=[issue.pk])).content.decode()
    for language in ("en", "es", "pt"):
        assert f'data-newsletter-campaign="{language}"' in page
    assert "Español: campaign sent · 1 e-mail sent" in page
    assert "English: campaign sent · 3 e-mails sent" in page


def test_a_test_of_the_spanish_campaign(fake, issue) -> None:
    services.send_test(issue, email="editor@batteries.ac.uk", language="es")
    (test,) = fake.test_emails
    assert fake.campaigns[test["campaign_id"]]["settings"]["subject_line"] == "Baterías en junio"
    assert fake.sent_campaigns == []


def test_schedule_skips_a_language_with_nobody_and_cancel_looks_again(fake, issue) -> None:
    from tests.newsletter.test_issue_campaigns import next_quarter_hour

    fake.member("carla@usp.br")["status"] = "unsubscribed"
    services.schedule(issue, when=next_quarter_hour())
    dispatch = Dispatch.objects.get(issue=issue)
    assert dispatch.state == DispatchState.SCHEDULED
    assert dispatch.editions.get(language="pt").campaign_status == "empty"
    services.unschedule(issue)
    assert dispatch.editions.get(language="pt").campaign_status == "save"


def test_schedule_and_cancel_every_language(fake, issue) -> None:
    from tests.newsletter.test_issue_campaigns import next_quarter_hour

    services.schedule(issue, when=next_quarter_hour())
    assert sorted(c["status"] for c in fake.campaigns.values()) == ["schedule"] * 3
    services.unschedule(issue)
    assert sorted(c["status"] for c in fake.campaigns.values()) == ["save"] * 3
    assert Dispatch.objects.get(issue=issue).state == DispatchState.DRAFT


def test_a_translation_unpublished_before_sending_drops_its_campaign(
    fake, issue, django_capture_on_commit_callbacks
) -> None:
    services.send_test(issue, email="editor@batteries.ac.uk", language="es")
    (draft,) = fake.campaigns  # the Spanish one, made for the test
    spanish = issue.get_translations().get(locale__language_code="es")
    spanish.unpublish()
    with django_capture_on_commit_callbacks(execute=True):  # deleted once frozen
        services.send_now(issue)
    assert sorted(sent_by_subject(fake)) == ["Baterias em junho", "Batteries in June"]
    assert "beto@litio.cl" in sent_by_subject(fake)["Batteries in June"]
    assert draft not in fake.campaigns  # the Spanish draft was deleted in Mailchimp
    assert len(fake.campaigns) == 2


def test_a_language_with_nobody_to_send_to_is_skipped(fake, issue) -> None:
    fake.member("carla@usp.br")["status"] = "unsubscribed"  # no Portuguese reader left
    services.send_now(issue)
    assert sorted(sent_by_subject(fake)) == ["Baterías en junio", "Batteries in June"]
    dispatch = Dispatch.objects.get(issue=issue)
    assert dispatch.state == DispatchState.SENT
    portuguese = dispatch.editions.get(language="pt")
    assert (portuguese.campaign_status, portuguese.went_out) == ("empty", False)
    services.status(issue)  # refreshing leaves it as it is
    portuguese.refresh_from_db()
    assert portuguese.campaign_status == "empty"


def test_the_editor_panels_show_the_languages_without_calling_mailchimp(
    fake, issue, admin_client
) -> None:
    services.send_now(issue)
    fake.reset_log()
    english = admin_client.get(reverse("wagtailadmin_pages:edit", args=[issue.pk]))
    page = english.content.decode()
    assert 'data-newsletter-campaign="es"' in page and "campaign sending" in page
    spanish = issue.get_translations().get(locale__language_code="es")
    page = admin_client.get(reverse("wagtailadmin_pages:edit", args=[spanish.pk])).content
    assert "This is a translation" in page.decode()
    assert reverse("wagtailadmin_pages:edit", args=[issue.pk]) in page.decode()
    assert fake.call_count == 0
    sending = admin_client.get(reverse("newsletter_issues_sending", args=[spanish.pk]))
    assert sending["Location"] == reverse("newsletter_issues_sending", args=[issue.pk])

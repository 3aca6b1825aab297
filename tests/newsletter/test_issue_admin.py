"""Finding issues in the admin, the archive page, sending unpublished issues, test e-mails."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from newsletter.issues import services
from newsletter.issues.models import Dispatch, DispatchState, NewsletterIndexPage
from newsletter.models import Subscriber, SubscriberStatus
from tests.factories import NewsPageFactory
from tests.newsletter.issue_support import (
    NewsletterIssuePageFactory,
    make_editor,
    make_subscriber,
)
from website.models import HomePage

pytestmark = pytest.mark.django_db


def unpublished_issue(**kwargs):
    """An issue saved as a draft only, the way an editor's "Save draft" leaves it."""
    issue = NewsletterIssuePageFactory(news=[NewsPageFactory()], **kwargs)
    issue.unpublish()
    issue.save_revision()
    issue.refresh_from_db()
    assert not issue.live
    return issue


# --- Finding issues ------------------------------------------------------------------


def test_the_newsletter_menu_has_issues(admin_client) -> None:
    home = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("newsletter_issue_list:index") in home


def test_the_issue_list_shows_every_issue_and_its_sending_state(admin_client) -> None:
    sent = NewsletterIssuePageFactory(title="March issue")
    NewsletterIssuePageFactory(title="April issue")
    Dispatch.objects.create(
        issue=sent, backend="local", state=DispatchState.SENT, finished_at=timezone.now()
    )

    response = admin_client.get(reverse("newsletter_issue_list:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "March issue" in html and "April issue" in html
    assert "Sent on" in html
    assert "Not sent" in html
    assert reverse("newsletter_issue_list:choose_parent") in html  # "Add"


def test_composing_from_the_list_opens_the_editor_in_the_archive(admin_client) -> None:
    archive = NewsletterIndexPage.objects.get()

    response = admin_client.get(reverse("newsletter_issue_list:choose_parent"))

    assert response.status_code == 302
    assert response.url == reverse(
        "wagtailadmin_pages:add", args=["newsletter_issues", "newsletterissuepage", archive.pk]
    )


def test_the_migrations_create_the_archive_below_the_home_page(client) -> None:
    archive = NewsletterIndexPage.objects.get()
    assert archive.slug == "newsletter-archive"
    assert archive.live
    assert archive.get_parent().specific_class is HomePage
    assert Page.objects.get(pk=archive.get_parent().pk).numchild == len(
        archive.get_parent().get_children()
    )
    assert client.get(archive.url).status_code == 200


# --- Sending an unpublished issue ----------------------------------------------------


def test_send_now_publishes_an_unpublished_issue_with_the_send(
    admin_client, django_capture_on_commit_callbacks
) -> None:
    make_subscriber("reader@uni.example.org")
    issue = unpublished_issue(subject="Draft only")
    url = reverse("newsletter_issues_sending", args=[issue.pk])
    assert "data-needs-publishing" in admin_client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"action": "send", "send-confirm": "on"}, follow=True)

    issue.refresh_from_db()
    assert issue.live and not issue.has_unpublished_changes
    assert Dispatch.objects.get(issue=issue).state == DispatchState.SENT
    assert [m.subject for m in mail.outbox] == ["Draft only"]
    messages = [str(m) for m in response.context["messages"]]
    assert any("The issue was published" in m for m in messages)


def test_send_now_publishes_unpublished_changes_of_a_live_issue(admin_client) -> None:
    issue = NewsletterIssuePageFactory(news=[NewsPageFactory()], subject="Old subject")
    issue.subject = "New subject"
    issue.save_revision()
    url = reverse("newsletter_issues_sending", args=[issue.pk])

    admin_client.post(url, {"action": "send", "send-confirm": "on"})

    issue.refresh_from_db()
    assert issue.subject == "New subject"
    assert not issue.has_unpublished_changes


def test_scheduling_publishes_an_unpublished_issue(admin_client) -> None:
    issue = unpublished_issue()
    when = (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    url = reverse("newsletter_issues_sending", args=[issue.pk])

    admin_client.post(
        url,
        {
            "action": "schedule",
            "schedule-when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
        },
    )

    issue.refresh_from_db()
    assert issue.live
    assert Dispatch.objects.get(issue=issue).state == DispatchState.SCHEDULED


def test_a_sender_who_may_not_publish_is_refused_with_a_clear_message(
    client, django_user_model
) -> None:
    make_subscriber("reader@uni.example.org")
    issue = unpublished_issue()
    client.force_login(make_editor(django_user_model, "sender", can_send=True))
    url = reverse("newsletter_issues_sending", args=[issue.pk])
    assert "you may not publish it" in client.get(url).content.decode()

    response = client.post(url, {"action": "send", "send-confirm": "on"}, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert any("is not published" in m and "may not publish it" in m for m in messages)
    issue.refresh_from_db()
    assert not issue.live
    assert not Dispatch.objects.filter(state__in=[DispatchState.QUEUED, DispatchState.SENT])
    assert mail.outbox == []


def test_an_empty_unpublished_issue_is_refused_before_it_is_published(admin_client) -> None:
    issue = NewsletterIssuePageFactory(introduction="")
    issue.unpublish()
    url = reverse("newsletter_issues_sending", args=[issue.pk])

    admin_client.post(url, {"action": "send", "send-confirm": "on"})

    issue.refresh_from_db()
    assert not issue.live


def test_a_published_issue_is_sent_as_before(admin_client) -> None:
    issue = NewsletterIssuePageFactory(news=[NewsPageFactory()])
    assert services.publish_for_sending(issue, user=None) is False


# --- Test e-mails --------------------------------------------------------------------


def _links(message) -> set[str]:
    html = next(body for body, mime in message.alternatives if mime == "text/html")
    return set(re.findall(r"https?://[^\s\"'<>]+", message.body + html))


def test_a_test_emails_footer_links_lead_to_the_test_page_not_the_subscribers(client) -> None:
    editor = make_subscriber("editor@uni.example.org")
    issue = NewsletterIssuePageFactory(news=[NewsPageFactory()])

    services.send_test(issue, email="editor@uni.example.org")

    (message,) = mail.outbox
    links = _links(message)
    test_links = {link for link in links if "/newsletter/test-e-mail/" in link}
    assert {link.rsplit("=", 1)[1] for link in test_links} == {"preferences", "unsubscribe"}
    assert not [link for link in links if "/newsletter/preferences/" in link]
    assert not [link for link in links if "/newsletter/unsubscribe/" in link]
    assert "/newsletter/test-e-mail/?link=unsubscribe" in message.extra_headers["List-Unsubscribe"]

    for link in test_links:
        path = link.removeprefix("http://testserver")
        page = client.get(path)
        assert page.status_code == 200
        assert "This was a test e-mail" in page.content.decode()
    # A mail client's one-click unsubscribe changes nothing either.
    assert client.post("/newsletter/test-e-mail/?link=unsubscribe").status_code == 200
    editor.refresh_from_db()
    assert editor.status == SubscriberStatus.SUBSCRIBED
    assert Subscriber.objects.count() == 1


def test_a_test_to_an_address_not_on_the_list_also_links_to_the_test_page() -> None:
    issue = NewsletterIssuePageFactory(news=[NewsPageFactory()])
    services.send_test(issue, email="someone@uni.example.org")
    links = _links(mail.outbox[0])
    assert any("/newsletter/test-e-mail/?link=preferences" in link for link in links)
    assert not [link for link in links if "/newsletter/preferences/" in link]

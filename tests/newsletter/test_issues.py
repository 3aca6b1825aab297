"""Composing an issue in Wagtail, previewing it as the e-mail, and who may send it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
)

from newsletter.issues.models import (
    Dispatch,
    DispatchState,
    IssueMode,
    NewsletterIndexPage,
    NewsletterIssuePage,
)
from newsletter.issues.rendering import html_to_text
from tests.factories import NewsPageFactory, TopicFactory
from tests.newsletter.issue_support import (
    NewsletterIssuePageFactory,
    make_editor,
    make_subscriber,
    newsletter_index,
)

pytestmark = pytest.mark.django_db


class TestIssuePages(WagtailPageTestCase):
    """The tree rules, the admin form (inline items), and the e-mail preview mode."""

    def setUp(self) -> None:
        self.user = self.login()
        self.index = newsletter_index()

    def test_tree_rules(self) -> None:
        self.assertAllowedParentPageTypes(NewsletterIssuePage, {NewsletterIndexPage})
        self.assertAllowedSubpageTypes(NewsletterIssuePage, {})
        self.assertAllowedSubpageTypes(NewsletterIndexPage, {NewsletterIssuePage})
        self.assertCanCreateAt(NewsletterIndexPage, NewsletterIssuePage)

    def test_editor_creates_an_issue_with_chosen_items(self) -> None:
        news = NewsPageFactory(title="Sodium-ion pilot line opens")
        self.assertCanCreate(
            self.index,
            NewsletterIssuePage,
            nested_form_data(
                {
                    "title": "March issue",
                    "slug": "march",
                    "subject": "March: sodium-ion news",
                    "preview_text": "",
                    "introduction": rich_text("<p>Hello researchers.</p>"),
                    "mode": IssueMode.CHOSEN,
                    "digest_count": 5,
                    "digest_days": 30,
                    "items": inline_formset([{"news_page": news.pk}]),
                    "opportunity_items": inline_formset([]),
                    "event_items": inline_formset([]),
                }
            ),
        )
        issue = NewsletterIssuePage.objects.get(slug="march")
        assert [item.news_page_id for item in issue.items.all()] == [news.pk]

    def test_preview_shows_the_email(self) -> None:
        news = NewsPageFactory(title="Brine extraction in Atacama")
        issue = NewsletterIssuePageFactory(subject="Atacama special", news=[news])
        self.assertPageIsPreviewable(issue, mode="email")
        self.assertPageIsPreviewable(issue, mode="text")
        self.assertPageIsPreviewable(issue, mode="")

        # What the preview panel shows: the editor's unsaved form, rendered as the e-mail.
        self.client.force_login(self.user)
        edit = self.client.get(reverse("wagtailadmin_pages:edit", args=[issue.pk]))
        data = querydict_from_html(edit.content.decode(), form_id="page-edit-form")
        data["subject"] = "Atacama special, unsaved edit"
        preview = reverse("wagtailadmin_pages:preview_on_edit", args=[issue.pk])
        self.client.post(preview, data=data, QUERYSTRING="mode=email")
        html = self.client.get(preview, {"mode": "email"}).content.decode()
        assert "Atacama special, unsaved edit" in html
        assert "Brine extraction in Atacama" in html
        assert "/newsletter/preferences/" in html  # the footer every recipient gets
        text = self.client.get(preview, {"mode": "text"})
        assert text["Content-Type"].startswith("text/plain")
        assert "Read more: http://testserver/news/" in text.content.decode()

        # "View draft" opens on the e-mail, the first preview mode.
        draft = self.client.get(reverse("wagtailadmin_pages:view_draft", args=[issue.pk]))
        assert "Atacama special" in draft.content.decode()

    def test_editor_sees_the_status_panel_and_the_send_links(self) -> None:
        issue = NewsletterIssuePageFactory()
        sending_url = reverse("newsletter_issues_sending", args=[issue.pk])
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[issue.pk]))
        self.assertContains(response, "Test, send or schedule")
        self.assertContains(response, "Send newsletter…")  # action menu and header
        self.assertContains(response, sending_url)
        listing = self.client.get(reverse("wagtailadmin_explore", args=[self.index.pk]))
        self.assertContains(listing, sending_url)  # the "more" menu of the page listing


def test_chosen_items_keep_their_order_and_skip_unpublished() -> None:
    first, second = NewsPageFactory(title="First"), NewsPageFactory(title="Second")
    draft = NewsPageFactory(title="Draft", live=False)
    issue = NewsletterIssuePageFactory(news=[second, draft, first])
    assert [page.title for page in issue.news_items()] == ["Second", "First"]


def test_digest_takes_the_latest_news_about_the_chosen_topics() -> None:
    lithium, sodium = TopicFactory(name="Lithium"), TopicFactory(name="Sodium")
    today = timezone.localdate()
    old = NewsPageFactory(title="Old lithium", date=today - timedelta(days=60))
    recent = [
        NewsPageFactory(title=f"Lithium {n}", date=today - timedelta(days=n)) for n in range(4)
    ]
    other = NewsPageFactory(title="Sodium only", date=today)
    for page in [old, *recent]:
        page.topics.set([lithium])
        page.save()
    other.topics.set([sodium])
    other.save()
    issue = NewsletterIssuePageFactory(mode=IssueMode.DIGEST, digest_count=3, digest_days=30)
    issue.digest_topics.set([lithium])
    issue.save()
    assert [page.title for page in issue.news_items()] == ["Lithium 0", "Lithium 1", "Lithium 2"]


def test_email_rendering_is_absolute_simple_and_has_a_text_part() -> None:
    news = NewsPageFactory(title="Recycling plant", summary="Black mass, at scale.")
    issue = NewsletterIssuePageFactory(
        subject="Recycling",
        introduction=f'<p>See <a linktype="page" id="{news.pk}">our story</a>.</p>',
        news=[news],
    )
    rendered = issue.render_email()
    assert rendered.subject == "Recycling"
    assert f'href="http://testserver{news.url}"' in rendered.html
    assert "<style" not in rendered.html  # inline styles only
    assert "Lithium, sodium and recycling this month" in rendered.html  # preheader
    assert "Black mass, at scale." in rendered.text
    assert f"our story (http://testserver{news.url})" in rendered.text
    assert "*|UNSUB|*" not in rendered.html  # Mailchimp's footer only for Mailchimp
    assert "*|UNSUB|*" in issue.render_email(footer="mailchimp").html


def test_html_to_text_keeps_lists_and_links() -> None:
    text = html_to_text('<p>One</p><ul><li>a</li><li><a href="https://x.org">b</a></li></ul>')
    assert text == "One\n\n- a\n- b (https://x.org)"


def test_archive_lists_only_sent_issues(client) -> None:
    sent = NewsletterIssuePageFactory(subject="Sent one")
    NewsletterIssuePageFactory(subject="Never sent")
    Dispatch.objects.create(
        issue=sent, backend="local", state=DispatchState.SENT, finished_at=timezone.now()
    )
    index = newsletter_index()
    response = client.get(index.url)
    html = response.content.decode()
    assert "Sent one" in html
    assert "Never sent" not in html
    assert client.get(sent.url).status_code == 200


@pytest.mark.parametrize("action", ["test", "send", "schedule"])
def test_editor_without_the_permission_cannot_send(client, django_user_model, action) -> None:
    make_subscriber("reader@uni.example.org")
    issue = NewsletterIssuePageFactory()
    client.force_login(make_editor(django_user_model, "noperm", can_send=False))
    url = reverse("newsletter_issues_sending", args=[issue.pk])
    # Wagtail's admin turns PermissionDenied into a redirect home with a message.
    denied = client.get(url)
    assert (denied.status_code, denied.url) == (302, reverse("wagtailadmin_home"))
    data = {
        "action": action,
        "test-email": "noperm@uni.example.org",
        "send-confirm": "on",
        "schedule-when": (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%d %H:00"),
    }
    response = client.post(url, data)
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    assert not Dispatch.objects.exists()
    assert mail.outbox == []


def test_editor_with_the_permission_can_send(
    client, django_user_model, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    make_subscriber("reader@uni.example.org")
    issue = NewsletterIssuePageFactory()
    client.force_login(make_editor(django_user_model, "sender", can_send=True))
    url = reverse("newsletter_issues_sending", args=[issue.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "1 confirmed subscriber" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "send", "send-confirm": "on"})
    assert response.status_code == 302
    assert Dispatch.objects.get(issue=issue).state == DispatchState.SENT
    assert [m.to for m in mailoutbox] == [["reader@uni.example.org"]]


def test_send_needs_the_confirmation_box(client, django_user_model) -> None:
    issue = NewsletterIssuePageFactory()
    client.force_login(make_editor(django_user_model, "sender", can_send=True))
    url = reverse("newsletter_issues_sending", args=[issue.pk])
    response = client.post(url, {"action": "send"})
    assert response.status_code == 200  # the form again, with its error
    assert not Dispatch.objects.exists()


def test_send_menu_item_and_header_button_only_for_senders(client, django_user_model) -> None:
    from newsletter.issues.wagtail_hooks import SendButton

    issue = NewsletterIssuePageFactory()
    sender = make_editor(django_user_model, "sender", can_send=True)
    other = make_editor(django_user_model, "other", can_send=False)
    assert SendButton(page=issue).is_shown(sender)
    assert not SendButton(page=issue).is_shown(other)
    assert not SendButton(page=newsletter_index()).is_shown(sender)

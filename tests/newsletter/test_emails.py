"""Every list e-mail: text + HTML, the preferences footer, RFC 2369/8058 headers."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail import get_connection

from newsletter import emails, services, tokens
from newsletter.models import Subscriber, SubscriberStatus

pytestmark = pytest.mark.django_db

BASE = "https://battery.example"


@pytest.fixture(autouse=True)
def _site(settings):
    cache.clear()
    settings.WAGTAILADMIN_BASE_URL = BASE
    settings.DEFAULT_FROM_EMAIL = "Battery Network <news@battery.example>"
    yield
    cache.clear()


@pytest.fixture
def subscriber():
    return Subscriber.objects.create(email="ana@example.org", status=SubscriberStatus.SUBSCRIBED)


def html_of(message) -> str:
    (content, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return content


def assert_list_message(message, subscriber: Subscriber) -> None:
    """The promises every list e-mail keeps."""
    header = message.extra_headers["List-Unsubscribe"]
    https_part, *mailto_parts = (part.strip() for part in header.split(","))
    match = re.fullmatch(rf"<{re.escape(BASE)}/newsletter/unsubscribe/([^/]+)/>", https_part)
    assert match, https_part
    token = match.group(1)
    assert tokens.read_manage_token(token) == subscriber
    preferences = f"{BASE}/newsletter/preferences/{token}/"
    assert mailto_parts == []  # no NEWSLETTER_UNSUBSCRIBE_MAILTO: no mailto
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert preferences in message.body
    assert preferences in html_of(message)
    assert message.to == [subscriber.email]
    # And they are real headers on the wire, not just attributes.
    raw = message.message()
    assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert raw["List-Unsubscribe"].replace("\n", "").replace(" ", "") == header.replace(" ", "")


def test_list_unsubscribe_has_a_mailto_only_when_configured(subscriber, settings):
    assert "mailto:" not in emails.list_headers(subscriber)["List-Unsubscribe"]
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "unsubscribe@battery.example"
    message = emails.build_list_email(subscriber, "Issue 1", "Hello.")
    header = message.extra_headers["List-Unsubscribe"]
    https_part, mailto_part = (part.strip() for part in header.split(","))
    assert https_part.startswith(f"<{BASE}/newsletter/unsubscribe/")
    assert mailto_part.startswith("<mailto:unsubscribe@battery.example?subject=")
    token = https_part.rstrip("/>").rsplit("/", 1)[1]
    assert unquote(mailto_part).endswith(f"?subject=unsubscribe {token}>")


def test_build_list_email_has_text_html_footer_and_headers(subscriber):
    message = emails.build_list_email(
        subscriber, "Issue 1", "Hello researchers.", "<html><body><p>Hello</p></body></html>"
    )
    assert message.subject == "Issue 1"
    assert message.body.startswith("Hello researchers.")
    assert_list_message(message, subscriber)
    html = html_of(message)
    # The footer goes inside the document, before </body>.
    assert html.index("/newsletter/preferences/") < html.index("</body>")
    assert html.rstrip().endswith("</html>")


def test_html_fragment_gets_footer_and_text_only_gets_html(subscriber):
    fragment = emails.build_list_email(subscriber, "S", "Text", "<p>Fragment</p>")
    assert html_of(fragment).startswith("<p>Fragment</p>")
    assert "/newsletter/preferences/" in html_of(fragment)
    text_only = emails.build_list_email(subscriber, "S", "Line one\n\nhttps://x.example/a")
    assert "<p>Line one</p>" in html_of(text_only)
    assert_list_message(text_only, subscriber)


def test_links_are_absolute_from_wagtailadmin_base_url(subscriber):
    message = emails.build_list_email(subscriber, "S", "T")
    for url in re.findall(r"https?://\S+", message.body):
        assert url.startswith(BASE + "/newsletter/")


def test_send_list_email_sends_through_the_given_connection(subscriber):
    connection = get_connection("django.core.mail.backends.locmem.EmailBackend")
    assert emails.send_list_email(subscriber, "S", "T", "<p>H</p>", connection=connection) == 1
    assert len(mail.outbox) == 1
    assert_list_message(mail.outbox[0], subscriber)


@pytest.mark.parametrize(
    "status", [SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.CLEANED, SubscriberStatus.PENDING]
)
def test_list_email_never_reaches_people_not_subscribed(status):
    subscriber = Subscriber.objects.create(email="gone@example.org", status=status)
    with pytest.raises(emails.NotMailable):
        emails.build_list_email(subscriber, "S", "T")
    assert emails.send_list_email(subscriber, "S", "T") == 0
    assert mail.outbox == []


def test_every_message_the_list_sends_carries_the_headers(subscriber):
    """Confirmation, re-sent confirmation and 'already subscribed' alike."""
    services.subscribe("new@example.org", consent_text="c")
    services.subscribe("new@example.org", consent_text="c")
    services.subscribe("ana@example.org", consent_text="c")
    left = Subscriber.objects.create(email="left@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    services.subscribe(left.email, consent_text="c")
    emails.send_list_email(subscriber, "Issue", "Body")
    assert len(mail.outbox) == 5
    for message in mail.outbox:
        assert_list_message(message, Subscriber.objects.get(email=message.to[0]))
        assert message.alternatives, "every message has an HTML part"


def test_confirmation_email_links_to_a_working_confirmation(client, subscriber):
    services.subscribe("new@example.org", consent_text="The exact consent words.")
    message = mail.outbox[0]
    assert "The exact consent words." in message.body
    link = re.search(r"https://battery\.example(/newsletter/confirm/[^/\s]+/)", message.body)
    assert link and link.group(0) in html_of(message)
    assert client.get(link.group(1)).status_code == 200  # the page with the button
    assert Subscriber.objects.get(email="new@example.org").status == SubscriberStatus.PENDING
    response = client.post(link.group(1))
    assert response.status_code == 200
    assert Subscriber.objects.get(email="new@example.org").status == SubscriberStatus.SUBSCRIBED


def test_footer_preferences_link_opens_the_preferences_page(client, subscriber):
    emails.send_list_email(subscriber, "Issue", "Body")
    path = urlsplit(re.search(r"https://\S+/preferences/\S+/", mail.outbox[0].body).group(0)).path
    response = client.get(path)
    assert response.status_code == 200
    assert "a•••@example.org" in response.content.decode()  # masked: the page may be shared

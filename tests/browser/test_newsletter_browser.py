"""The mailing list in a real headless Chromium: sign up, confirm, preferences, unsubscribe.

The e-mail is read from `django.core.mail.outbox`: the live server runs in a
thread of this process with the locmem backend, so what it sends lands there.
Uses the session browser from tests/browser/conftest.py (skips without Chromium).
"""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail

from directory.models import Topic
from newsletter import emails
from newsletter.models import Subscriber, SubscriberStatus

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("live_links"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def expect():
    from playwright.sync_api import expect

    return expect


def link_in_last_email(kind: str) -> str:
    """The absolute URL of the given kind (confirm, preferences, unsubscribe) in the last e-mail."""
    assert mail.outbox, "no e-mail was sent"
    match = re.search(rf"http://\S+/newsletter/{kind}/[^/\s]+/", mail.outbox[-1].body)
    assert match, f"no {kind} link in: {mail.outbox[-1].body}"
    return match.group(0)


def test_sign_up_confirm_change_preferences_and_unsubscribe_without_javascript(
    browser, live_server, expect
):
    """The whole life of a subscription, with JavaScript off: nothing needs it."""
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        # 1. Sign up in the footer of the home page.
        page.goto(live_server.url + "/")
        footer = page.locator("footer")
        footer.get_by_label("Your e-mail address").fill("Ana.Browser@Example.org")
        footer.get_by_role("button", name="Subscribe").click()
        expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
        subscriber = Subscriber.objects.get(email="ana.browser@example.org")
        assert subscriber.status == SubscriberStatus.PENDING
        assert subscriber.consents.get().source_url == live_server.url + "/"

        # 2. The link in the confirmation e-mail opens a page whose button confirms.
        page.goto(link_in_last_email("confirm"))
        expect(page.get_by_role("heading", name="Confirm your subscription")).to_be_visible()
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.PENDING  # opening the link is not enough
        page.get_by_role("button", name="Confirm my subscription").click()
        expect(page.get_by_role("heading", name="Subscription confirmed")).to_be_visible()
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.SUBSCRIBED

        # 3. A later e-mail's footer leads to the preferences page.
        emails.send_list_email(subscriber, "Issue 1", "This month's news.")
        page.goto(link_in_last_email("preferences"))
        expect(page.get_by_role("heading", name="Your newsletter preferences")).to_be_visible()
        topic = Topic.objects.get(slug="second-life")
        page.get_by_role("radio", name="Español").check()
        page.get_by_role("checkbox", name=topic.name).check()
        page.get_by_role("button", name="Save preferences").click()
        expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
        subscriber.refresh_from_db()
        assert subscriber.language == "es"
        assert list(subscriber.topics.all()) == [topic]
        expect(page.get_by_role("checkbox", name=topic.name)).to_be_checked()

        # 4. The e-mail's unsubscribe link asks first, then unsubscribes.
        page.goto(link_in_last_email("unsubscribe"))
        expect(page.get_by_role("heading", name="Unsubscribe from the newsletter")).to_be_visible()
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.SUBSCRIBED  # opening the page is not enough
        page.get_by_role("button", name="Unsubscribe").click()
        expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    finally:
        context.close()


def _tab_until(page, predicate_js: str, limit: int = 80) -> list[dict]:
    """Press Tab until the focused element matches; returns every element focused on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(
            "() => { const e = document.activeElement;"
            " return {id: e.id, name: e.getAttribute('name'), tag: e.tagName,"
            " text: (e.innerText || '').trim()}; }"
        )
        seen.append(info)
        if page.evaluate(f"() => {{ const e = document.activeElement; return {predicate_js}; }}"):
            return seen
    raise AssertionError(f"never reached {predicate_js}: {seen}")


def test_keyboard_only_sign_up_in_the_footer(tab, live_server, expect):
    tab.goto(live_server.url + "/news/")
    seen = _tab_until(tab, "e.id === 'footer-newsletter-email'")
    assert seen[0]["text"] == "Skip to main content"
    assert all(item["name"] != "website" for item in seen), "the honeypot took focus"
    tab.keyboard.type("keys@example.org")
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert Subscriber.objects.get(email="keys@example.org").status == SubscriberStatus.PENDING
    assert "/newsletter/confirm/" in mail.outbox[-1].body


def test_keyboard_only_full_form_with_topics(tab, live_server, expect):
    topic = Topic.objects.get(slug="second-life")
    tab.goto(live_server.url + "/newsletter/")
    _tab_until(tab, "e.id === 'id_email'")
    tab.keyboard.type("full.form@example.org")
    # Radios: Tab enters the group, arrow keys choose.
    _tab_until(tab, "e.name === 'language'", limit=10)
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("ArrowDown")
    seen = _tab_until(tab, f"e.name === 'topics' && e.value === '{topic.pk}'", limit=40)
    tab.keyboard.press("Space")
    seen += _tab_until(tab, "e.tagName === 'BUTTON' && e.closest('main') !== null", limit=10)
    assert all(item["name"] != "website" for item in seen), "the honeypot took focus"
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("heading", name="Check your inbox")).to_be_visible()
    subscriber = Subscriber.objects.get(email="full.form@example.org")
    assert subscriber.language == "pt"
    assert list(subscriber.topics.all()) == [topic]


def test_honeypot_is_invisible_to_people_and_assistive_technology(tab, live_server, expect):
    tab.goto(live_server.url + "/newsletter/")
    assert tab.get_by_role("textbox", name="Leave this field empty").count() == 0
    honeypot = tab.locator("#footer-newsletter-website")
    box = honeypot.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, "the honeypot is on screen"
    # Every visible input has a label that names it.
    expect(tab.get_by_role("textbox", name="E-mail address", exact=True)).to_be_visible()
    expect(tab.get_by_role("textbox", name="Your e-mail address")).to_be_visible()


def test_error_is_announced_and_tied_to_the_field(tab, live_server, expect):
    tab.goto(live_server.url + "/newsletter/")
    # Let the server validate (the browser's own check would stop the request first).
    tab.evaluate("() => document.querySelector('.newsletter-form').noValidate = true")
    tab.get_by_role("textbox", name="E-mail address", exact=True).fill("not-an-address")
    tab.locator("main").get_by_role("button", name="Subscribe").click()
    expect(tab.get_by_role("alert")).to_contain_text("There is a problem")
    field = tab.get_by_role("textbox", name="E-mail address", exact=True)
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("Enter an e-mail address"))
    assert not Subscriber.objects.exists()

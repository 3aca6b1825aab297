"""The public pages: sign-up (footer and page), confirmation, preferences, unsubscribe,
and the Wagtail admin for subscribers."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.test import Client

from newsletter import tokens
from newsletter.forms import CONSENT_TEXT
from newsletter.models import ConsentKind, Subscriber, SubscriberStatus, subscriber_changed
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletter/subscribe/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def changes():
    seen: list[dict] = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    subscriber_changed.connect(receiver, dispatch_uid="test-views-changed")
    yield seen
    subscriber_changed.disconnect(dispatch_uid="test-views-changed")


def subscriber(email="ana@example.org", status=SubscriberStatus.SUBSCRIBED) -> Subscriber:
    return Subscriber.objects.create(email=email, status=status)


def footer_post(client, email, **extra):
    data = {"kind": "footer", "source": "/news/", "email": email, "website": "", **extra}
    return client.post(SUBSCRIBE, data, REMOTE_ADDR=extra.pop("ip", "203.0.113.9"))


def page(response) -> str:
    """The page without the per-render CSRF token, so two answers can be compared."""
    return CSRF_INPUT.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


# --- sign-up forms -------------------------------------------------------------


def test_footer_form_is_on_every_page_and_accessible(client):
    html = client.get("/").content.decode()
    assert 'action="/newsletter/subscribe/"' in html
    # No per-visitor token: the page may come from the shared page cache (docs/caching.md).
    assert 'name="csrfmiddlewaretoken"' not in html
    assert '<label for="footer-newsletter-email">' in html
    assert 'id="footer-newsletter-email" name="email" required' in html
    assert str(CONSENT_TEXT) in html
    honeypot = re.search(
        r'<div class="([^"]+)" aria-hidden="true">\s*<label[^>]*>[^<]*</label>\s*'
        r"<input ([^>]+)>",
        html,
    )
    assert honeypot, "honeypot hidden from assistive technology"
    # Off-screen through the site stylesheet (no inline style under the CSP).
    css = (django_settings.PROJECT_DIR / "static/website/css/site.css").read_text()
    rule = re.search(re.escape("." + honeypot.group(1)) + r"\b[^{]*\{([^}]*)\}", css)
    assert rule and "left: -10000px" in rule.group(1)
    assert 'name="website"' in honeypot.group(2) and 'tabindex="-1"' in honeypot.group(2)
    assert 'autocomplete="off"' in honeypot.group(2)


def test_newsletter_page_has_the_full_form(client):
    TopicFactory(name="Recycling test topic")
    response = client.get("/newsletter/")
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("E-mail address", "First name", "Language of the newsletter", "Topics"):
        assert label in html
    assert "Recycling test topic" in html
    assert "<legend>Topics you are interested in (optional)</legend>" in html
    assert str(CONSENT_TEXT) in html


def test_sign_up_from_footer_creates_pending_and_records_consent(client):
    response = footer_post(client, "New@Example.org")
    assert response.status_code == 302 and response["Location"] == "/newsletter/thanks/"
    created = Subscriber.objects.get()
    assert created.email == "new@example.org"
    assert created.status == SubscriberStatus.PENDING
    consent = created.consents.get()
    assert consent.text == str(CONSENT_TEXT)
    assert consent.ip_address == "203.0.113.9"
    assert consent.source_url == "http://testserver/news/"
    assert len(mail.outbox) == 1
    thanks = client.get("/newsletter/thanks/")
    assert "Check your inbox" in thanks.content.decode()


def test_sign_up_from_full_form_keeps_choices(client):
    topic = TopicFactory()
    client.post(
        SUBSCRIBE,
        {
            "kind": "page",
            "source": "/newsletter/",
            "email": "ana@example.org",
            "first_name": "Ana",
            "last_name": "Pérez",
            "language": "es",
            "topics": [topic.pk],
        },
    )
    created = Subscriber.objects.get()
    assert (created.first_name, created.language) == ("Ana", "es")
    assert list(created.topics.all()) == [topic]


def test_source_outside_the_site_is_not_recorded(client):
    footer_post(client, "ana@example.org", source="https://evil.example/")
    assert Subscriber.objects.get().consents.get().source_url == "http://testserver/newsletter/"


def test_same_answer_whatever_the_address_no_enumeration(client, settings):
    settings.NEWSLETTER_SIGNUP_RATE = (100, 600)
    subscriber("pending@example.org", SubscriberStatus.PENDING)
    subscriber("subscribed@example.org", SubscriberStatus.SUBSCRIBED)
    subscriber("unsubscribed@example.org", SubscriberStatus.UNSUBSCRIBED)
    subscriber("cleaned@example.org", SubscriberStatus.CLEANED)
    answers = []
    for email in (
        "new@example.org",
        "pending@example.org",
        "subscribed@example.org",
        "unsubscribed@example.org",
        "cleaned@example.org",
    ):
        for kind in ("footer", "page"):
            response = client.post(SUBSCRIBE, {"kind": kind, "email": email, "source": "/"})
            followed = client.get(response["Location"])
            answers.append(
                (
                    response.status_code,
                    response["Location"],
                    response.content,
                    sorted(k for k in response.headers if k.lower() != "date"),
                    followed.status_code,
                    page(followed),
                )
            )
    assert all(answer == answers[0] for answer in answers)
    # ...while each address got the e-mail its state calls for.
    assert len(mail.outbox) == 10
    assert Subscriber.objects.get(email="subscribed@example.org").status == "subscribed"
    assert Subscriber.objects.get(email="unsubscribed@example.org").status == "pending"


def test_honeypot_stops_bots_with_the_same_answer(client):
    response = footer_post(client, "bot-target@example.org", website="http://spam.example")
    assert response.status_code == 302 and response["Location"] == "/newsletter/thanks/"
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_rate_limit_per_ip(client):
    for n in range(5):
        assert footer_post(client, f"p{n}@example.org", ip="198.51.100.5").status_code == 302
    blocked = footer_post(client, "p6@example.org", ip="198.51.100.5")
    assert blocked.status_code == 429
    assert 0 < int(blocked["Retry-After"]) <= 600
    assert "Please wait a few minutes" in blocked.content.decode()
    assert not Subscriber.objects.filter(email="p6@example.org").exists()
    # Another address on the network is not held up.
    assert footer_post(client, "p7@example.org", ip="198.51.100.6").status_code == 302


def test_rate_limit_window_resets(client, clock, settings):
    settings.NEWSLETTER_SIGNUP_RATE = (1, 60)
    assert footer_post(client, "a@example.org").status_code == 302
    assert footer_post(client, "b@example.org").status_code == 429
    clock.shift(61)
    assert footer_post(client, "c@example.org").status_code == 302


def test_trusted_proxy_setting_picks_the_client_address(client, settings):
    settings.NEWSLETTER_TRUSTED_PROXY_COUNT = 1
    client.post(
        SUBSCRIBE,
        {"kind": "footer", "email": "ana@example.org"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.44",
    )
    assert Subscriber.objects.get().consents.get().ip_address == "192.0.2.44"


def test_invalid_address_shows_error_tied_to_field(client):
    response = footer_post(client, "not-an-address")
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    field = re.search(r'<input type="email" name="email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_email_error"' in field
    assert "autofocus" in field
    assert 'value="not-an-address"' in field
    assert re.search(r'<ul class="errorlist" id="id_email_error"><li>Enter an e-mail', html)
    assert not Subscriber.objects.exists()


def test_get_on_subscribe_goes_to_the_form(client):
    assert client.get(SUBSCRIBE)["Location"] == "/newsletter/"


# --- confirmation ----------------------------------------------------------------


def test_confirmation_link_shows_a_button_and_the_post_confirms(changes):
    """Opening the link (a person, or a mail scanner) changes nothing; the button does."""
    pending = subscriber(status=SubscriberStatus.PENDING)
    csrf_client = Client(enforce_csrf_checks=True)
    url = f"/newsletter/confirm/{tokens.make_confirmation_token(pending)}/"
    response = csrf_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    assert f'<form method="post" action="{url}">' in html
    assert '<button type="submit">Confirm my subscription</button>' in html
    assert "ana@example.org" not in html
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.PENDING
    assert changes == []

    assert csrf_client.post(url, {}).status_code == 403  # no CSRF token: refused
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.PENDING

    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "Subscription confirmed" in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.SUBSCRIBED
    assert pending.consents.filter(kind=ConsentKind.CONFIRMATION).exists()
    assert changes[-1]["subscriber"].pk == pending.pk
    assert "already confirmed" in csrf_client.get(url).content.decode()


def test_tampered_confirmation_link_changes_nothing(client):
    pending = subscriber(status=SubscriberStatus.PENDING)
    token = tokens.make_confirmation_token(pending)
    assert client.post(f"/newsletter/confirm/{token[:-3]}abc/").status_code == 400
    response = client.get(f"/newsletter/confirm/{token[:-3]}abc/")
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert "Nothing has been changed" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.PENDING


def test_expired_confirmation_link_says_so_and_changes_nothing(client, clock):
    pending = subscriber(status=SubscriberStatus.PENDING)
    token = tokens.make_confirmation_token(pending)
    clock.shift(8 * 86400)
    assert client.post(f"/newsletter/confirm/{token}/").status_code == 400
    response = client.get(f"/newsletter/confirm/{token}/")
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert 'href="/newsletter/"' in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.PENDING


def test_confirmation_after_unsubscribing_does_not_resubscribe(client):
    pending = subscriber(status=SubscriberStatus.PENDING)
    token = tokens.make_confirmation_token(pending)
    Subscriber.objects.filter(pk=pending.pk).update(status=SubscriberStatus.UNSUBSCRIBED)
    for response in (
        client.get(f"/newsletter/confirm/{token}/"),
        client.post(f"/newsletter/confirm/{token}/"),
    ):
        assert response.status_code == 400
        assert "no longer valid" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.UNSUBSCRIBED


# --- preferences -------------------------------------------------------------------


def test_preferences_change_topics_and_language(client, changes):
    member = subscriber()
    topic = TopicFactory()
    url = f"/newsletter/preferences/{tokens.make_manage_token(member)}/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    assert "Cache-Control" in response and "no-cache" in response["Cache-Control"]
    response = client.post(url, {"language": "pt", "topics": [topic.pk], "first_name": "Ana"})
    assert response.status_code == 302 and response["Location"] == url
    member.refresh_from_db()
    assert (member.language, member.first_name) == ("pt", "Ana")
    assert list(member.topics.all()) == [topic]
    assert member.status == SubscriberStatus.SUBSCRIBED
    assert changes[-1]["subscriber"].pk == member.pk
    assert "Your preferences are saved." in client.get(url).content.decode()


def test_preferences_with_a_tampered_or_stale_link(client):
    member = subscriber()
    token = tokens.make_manage_token(member)
    assert client.get(f"/newsletter/preferences/{token}x/").status_code == 400
    member.email = "changed@example.org"
    member.save()
    response = client.get(f"/newsletter/preferences/{token}/")
    assert response.status_code == 400
    assert "no longer valid" in response.content.decode()
    assert client.post(f"/newsletter/preferences/{token}/", {"language": "pt"}).status_code == 400
    member.refresh_from_db()
    assert member.language == "en"


def test_preferences_require_csrf(changes):
    member = subscriber()
    csrf_client = Client(enforce_csrf_checks=True)
    url = f"/newsletter/preferences/{tokens.make_manage_token(member)}/"
    assert csrf_client.post(url, {"language": "pt"}).status_code == 403
    member.refresh_from_db()
    assert member.language == "en"


# --- unsubscribe --------------------------------------------------------------------


def test_unsubscribe_page_asks_first_then_unsubscribes_with_csrf(changes):
    member = subscriber()
    csrf_client = Client(enforce_csrf_checks=True)
    url = f"/newsletter/unsubscribe/{tokens.make_manage_token(member)}/"
    response = csrf_client.get(url)
    assert response.status_code == 200
    assert '<button type="submit">Unsubscribe</button>' in response.content.decode()
    member.refresh_from_db()
    assert (
        member.status == SubscriberStatus.SUBSCRIBED
    )  # a GET (e.g. a link scanner) changes nothing

    assert csrf_client.post(url, {}).status_code == 403  # no token: refused
    member.refresh_from_db()
    assert member.status == SubscriberStatus.SUBSCRIBED

    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == SubscriberStatus.UNSUBSCRIBED
    assert (
        member.consents.get(kind=ConsentKind.WITHDRAWAL).text == "Unsubscribed (unsubscribe page)."
    )
    assert "You are unsubscribed" in csrf_client.get(url).content.decode()
    assert len(changes) == 1


@pytest.mark.parametrize("multipart", [False, True])
def test_rfc8058_one_click_post_needs_no_csrf_or_page(multipart, changes):
    member = subscriber()
    mail_provider = Client(enforce_csrf_checks=True)
    url = f"/newsletter/unsubscribe/{tokens.make_manage_token(member)}/"
    if multipart:
        response = mail_provider.post(url, {"List-Unsubscribe": "One-Click"})
    else:
        response = mail_provider.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    member.refresh_from_db()
    assert member.status == SubscriberStatus.UNSUBSCRIBED
    assert "RFC 8058" in member.consents.get(kind=ConsentKind.WITHDRAWAL).text
    assert changes[-1]["subscriber"].pk == member.pk


def test_one_click_with_a_bad_token_changes_nothing():
    member = subscriber()
    url = f"/newsletter/unsubscribe/{tokens.make_manage_token(member)}tampered/"
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.status == SubscriberStatus.SUBSCRIBED


def test_other_posts_to_unsubscribe_are_not_csrf_exempt():
    member = subscriber()
    url = f"/newsletter/unsubscribe/{tokens.make_manage_token(member)}/"
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "Something"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.status == SubscriberStatus.SUBSCRIBED


# --- the Wagtail admin -----------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


ADMIN = "/admin/newsletter/subscribers/"


def test_admin_lists_filters_and_searches(admin_client):
    subscriber("ana@example.org", SubscriberStatus.SUBSCRIBED)
    subscriber("bob@example.org", SubscriberStatus.PENDING)
    menu = admin_client.get("/admin/").content.decode()
    assert "Newsletter" in menu and "Subscribers" in menu
    html = admin_client.get(ADMIN).content.decode()
    assert "ana@example.org" in html and "bob@example.org" in html
    assert "Erase" in html and ">Delete<" not in html
    html = admin_client.get(ADMIN, {"status": "pending"}).content.decode()
    assert "bob@example.org" in html and "ana@example.org" not in html
    html = admin_client.get(ADMIN, {"q": "ana"}).content.decode()
    assert "ana@example.org" in html and "bob@example.org" not in html


def test_admin_edit_shows_consents_read_only_and_signals(admin_client, changes):
    from newsletter import services

    member = services.subscribe("ana@example.org", consent_text="Exact consent words").subscriber
    url = f"{ADMIN}edit/{member.pk}/"
    html = admin_client.get(url).content.decode()
    assert "Consent history" in html and "Exact consent words" in html
    assert 'name="text"' not in html  # consents are not editable
    response = admin_client.post(
        url,
        {
            "email": "Ana.New@Example.org",
            "first_name": "Ana",
            "last_name": "",
            "language": "es",
            "status": "pending",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    # A new address waits for its owner (tests/newsletter/test_address_change.py).
    assert (member.email, member.pending_email) == ("ana@example.org", "ana.new@example.org")
    assert (member.first_name, member.language) == ("Ana", "es")
    assert changes[-1]["previous_email"] is None


def test_admin_cannot_put_someone_back_on_the_list(admin_client):
    member = subscriber(status=SubscriberStatus.UNSUBSCRIBED)
    response = admin_client.post(
        f"{ADMIN}edit/{member.pk}/",
        {"email": member.email, "language": "en", "status": "subscribed"},
    )
    assert response.status_code == 200  # the form comes back with an error
    member.refresh_from_db()
    assert member.status == SubscriberStatus.UNSUBSCRIBED


def test_admin_created_subscriber_must_confirm(admin_client):
    response = admin_client.post(
        f"{ADMIN}new/", {"email": "Added@Example.org", "language": "en", "status": "pending"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Subscriber.objects.get()
    assert added.email == "added@example.org"
    assert added.status == SubscriberStatus.PENDING
    assert added.consents.get().kind == ConsentKind.ADMIN
    assert "/newsletter/confirm/" in mail.outbox[0].body


def test_admin_erase_calls_services_erase(admin_client, monkeypatch):
    member = subscriber()
    erased = []
    monkeypatch.setattr("newsletter.services.erase", lambda s: erased.append(s.pk))
    page = admin_client.get(f"{ADMIN}delete/{member.pk}/").content.decode()
    assert "Erase this subscriber permanently?" in page
    response = admin_client.post(f"{ADMIN}delete/{member.pk}/")
    assert response.status_code == 302
    assert erased == [member.pk]


def test_preference_and_unsubscribe_pages_mask_the_address(client):
    member = subscriber("ana.souza@example.org")
    token = tokens.make_manage_token(member)
    for url in (f"/newsletter/preferences/{token}/", f"/newsletter/unsubscribe/{token}/"):
        html = client.get(url).content.decode()
        assert "ana.souza@example.org" not in html
        assert "a•••@example.org" in html
    client.post(f"/newsletter/unsubscribe/{token}/")
    html = client.get(f"/newsletter/preferences/{token}/").content.decode()
    assert "ana.souza@" not in html and "a•••@example.org" in html

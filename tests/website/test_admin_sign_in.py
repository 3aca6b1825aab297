"""The admin sign-in throttle (django-axes): per account and per address, with expiry.

The clock is time-machine's, never a sleep: the lock lifts AXES_COOLOFF_TIME after the
last failure. The attempts live in the database, which every web process shares.
"""

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _throttle_on(settings):
    """The test settings switch django-axes off for the test client's login(); on here."""
    settings.AXES_ENABLED = True


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)


def sign_in(username: str, password: str, address: str = "203.0.113.7", **headers):
    """One POST to Wagtail's sign-in form from a fresh browser."""
    return Client(REMOTE_ADDR=address, **headers).post(
        "/admin/login/", {"username": username, "password": password}
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def fail(times: int, username: str = "editor", address: str = "203.0.113.7", **headers):
    return [sign_in(username, "wrong", address, **headers) for _ in range(times)]


def test_a_correct_password_signs_in(editor, clock):
    assert signed_in(sign_in("editor", PASSWORD))


def test_five_failures_lock_the_account_with_a_polite_page(editor, clock, caplog, settings):
    responses = fail(4)
    assert all(r.status_code == 200 for r in responses)  # the form again, with an error

    with caplog.at_level(logging.WARNING):
        locked = fail(1)[0]
        refused = sign_in("editor", PASSWORD)

    for response in (locked, refused):
        assert response.status_code == 429
        assert response["Retry-After"] == "900"
        html = response.content.decode()
        assert "<h1>Sign-in paused</h1>" in html
        assert "paused for 15 minutes" in html
        assert 'class="site-header"' in html  # the site's own page, not a bare message
    assert "sessionid" not in refused.cookies
    assert any(
        r.name == "website.security" and "Admin sign-in refused" in r.getMessage()
        for r in caplog.records
    )
    assert any(
        r.name.startswith("axes") and "Locking out" in r.getMessage() for r in caplog.records
    )


def test_failures_are_recorded_without_the_password_and_expire(editor, clock):
    fail(2)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "editor",
        "203.0.113.7",
        2,
    )
    assert "wrong" not in attempt.post_data
    # After the cool-off the record goes at the next sign-in attempt of anyone.
    clock.shift(dt.timedelta(minutes=16))
    sign_in("someone", "else", address="192.0.2.1")
    assert not AccessAttempt.objects.filter(username="editor").exists()


def test_the_account_lock_holds_from_any_address(editor, clock):
    for n in range(5):
        fail(1, address=f"198.51.100.{n}")
    assert sign_in("editor", PASSWORD, address="192.0.2.200").status_code == 429


def test_the_address_lock_holds_for_any_account(editor, clock):
    for name in ("alice", "bob", "carol", "dave", "erin"):
        fail(1, username=name)
    assert sign_in("editor", PASSWORD).status_code == 429
    # Another address is not affected by this one's lock.
    assert signed_in(sign_in("editor", PASSWORD, address="192.0.2.200"))


def test_the_lock_expires_after_the_cool_off(editor, clock):
    fail(5)
    clock.shift(dt.timedelta(minutes=14, seconds=59))
    assert sign_in("editor", PASSWORD).status_code == 429
    clock.shift(dt.timedelta(seconds=2))
    assert signed_in(sign_in("editor", PASSWORD))


def test_attempts_during_the_lock_do_not_extend_it(editor, clock):
    """The page says "try again in 15 minutes": a retry must not move that moment."""
    fail(5)
    clock.shift(dt.timedelta(minutes=10))
    fail(3)
    clock.shift(dt.timedelta(minutes=5, seconds=1))
    assert signed_in(sign_in("editor", PASSWORD))


def test_a_success_clears_earlier_failures(editor, clock):
    fail(4)
    assert signed_in(sign_in("editor", PASSWORD))
    fail(4)
    assert signed_in(sign_in("editor", PASSWORD))


def test_a_client_cannot_escape_the_address_lock_with_x_forwarded_for(editor, clock, settings):
    settings.NEWSLETTER_TRUSTED_PROXY_COUNT = 0
    for n, name in enumerate(("alice", "bob", "carol", "dave", "erin")):
        fail(1, username=name, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    refused = sign_in("editor", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert refused.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(editor, clock, settings):
    """With one proxy, X-Forwarded-For's last entry is the client; visitors differ."""
    settings.NEWSLETTER_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for name in ("alice", "bob", "carol", "dave", "erin"):
        fail(1, username=name, address=proxy, HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.9")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.9"}
    assert (
        sign_in("editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429
    )
    assert signed_in(sign_in("editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="192.0.2.10"))


def test_the_django_admin_sign_in_is_throttled_too(editor, clock):
    fail(5)
    response = Client(REMOTE_ADDR="203.0.113.7").post(
        "/django-admin/login/?next=/django-admin/", {"username": "editor", "password": PASSWORD}
    )
    assert response.status_code == 429

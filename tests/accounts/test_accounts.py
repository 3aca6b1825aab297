"""Sign-up, sign-in and their enumeration and throttling guarantees (points 1 and 2)."""

import re

import pytest
from django.core import mail

from tests.factories import ResearcherPageFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page without the CSRF token, which differs on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_sign_up_requires_a_verified_address(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@uni.example.org", "password1": "pw-Secret-42", "password2": "pw-Secret-42"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "/accounts/confirm-email/" in mail.outbox[-1].body
    # Not signed in until the address is confirmed.
    assert client.get("/accounts/").status_code == 302


def test_sign_up_answers_the_same_for_an_existing_account(client, member):
    data = {"password1": "pw-Secret-42", "password2": "pw-Secret-42"}
    known = client.post("/accounts/signup/", {**data, "email": member.email}, follow=True)
    client.cookies.clear()
    unknown = client.post("/accounts/signup/", {**data, "email": "x@uni.example.org"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain


def test_password_reset_answers_the_same_for_accounts_profiles_and_strangers(client, member):
    ResearcherPageFactory(email="profile.only@uni.example.org")
    answers = []
    for email in (member.email, "profile.only@uni.example.org", "nobody@uni.example.org"):
        response = client.post("/accounts/password/reset/", {"email": email}, follow=True)
        answers.append((response.status_code, response.redirect_chain))
    assert answers[0] == answers[1] == answers[2]


def test_sign_in_errors_do_not_say_whether_the_account_exists(client, member):
    wrong_password = client.post(
        "/accounts/login/", {"login": member.email, "password": "wrong-password"}
    )
    no_account = client.post(
        "/accounts/login/", {"login": "nobody@uni.example.org", "password": "wrong-password"}
    )
    assert wrong_password.status_code == no_account.status_code == 200
    assert _text(wrong_password).replace(member.email, "X") == _text(no_account).replace(
        "nobody@uni.example.org", "X"
    )


def test_email_change_answers_the_same_for_a_taken_address(client, member):
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.create_user("other", "taken@uni.example.org", "pw")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=other, email=other.email, verified=True, primary=True)
    client.force_login(member)
    taken = client.post(
        "/accounts/email/", {"action_add": "", "email": "taken@uni.example.org"}, follow=True
    )
    from django.core.cache import cache

    cache.clear()  # the change limit is one a minute
    free = client.post(
        "/accounts/email/", {"action_add": "", "email": "free@uni.example.org"}, follow=True
    )
    assert taken.status_code == free.status_code == 200
    assert taken.redirect_chain == free.redirect_chain


def test_sign_in_is_throttled_per_account(client, member):
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"login": member.email, "password": "wrong"},
            REMOTE_ADDR=f"10.0.0.{n}",
        )
    response = client.post(
        "/accounts/login/",
        {"login": member.email, "password": "pw-Secret-42"},
        REMOTE_ADDR="10.0.1.1",
    )
    # Even the right password is refused, from a fresh address, until the limit lifts.
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_is_throttled_per_address(client):
    for n in range(20):
        client.post("/accounts/login/", {"login": f"p{n}@uni.example.org", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "fresh@uni.example.org", "password": "x"})
    assert "Too many failed login attempts" in response.content.decode()
    other_address = client.post(
        "/accounts/login/",
        {"login": "fresh@uni.example.org", "password": "x"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert "Too many failed login attempts" not in other_address.content.decode()


def test_account_pages_are_translated(client):
    response = client.get("/es/accounts/login/")
    assert response.status_code == 200
    assert "Iniciar sesión" in response.content.decode()


def test_admin_sign_in_still_works(client, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@uni.example.org", "pw-Admin-42")
    response = client.post("/admin/login/", {"username": "admin", "password": "pw-Admin-42"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_no_orcid_button_without_a_client(client):
    assert "/accounts/orcid/login/" not in client.get("/accounts/login/").content.decode()

"""Joining the directory in a real headless Chromium: sign up, confirm the address from
the e-mail, ask for a claim link to an existing profile, and claim it.

E-mail is read from `django.core.mail.outbox` (the live server runs in a thread of this
process). Uses the session browser from tests/browser/conftest.py (skips without Chromium).
"""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail

from directory.models import ResearcherPage
from tests.factories import ResearcherPageFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("live_links"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _link(pattern: str, to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    match = re.search(pattern, message.body)
    assert match, f"no link in: {message.body}"
    return match.group(0)


def test_sign_up_verify_and_claim_a_profile_by_link(tab, live_server):
    from playwright.sync_api import expect

    profile = ResearcherPageFactory(email="ana.souza@uni.example.org")

    tab.goto(f"{live_server.url}/accounts/signup/")
    tab.fill('input[name="email"]', "ana@home.example.org")
    tab.fill('input[name="password1"]', "pw-Secret-42-long")
    tab.fill('input[name="password2"]', "pw-Secret-42-long")
    tab.locator('main button[type="submit"]').click()
    expect(tab).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    tab.goto(_link(r"http://\S+/accounts/confirm-email/\S+/", "ana@home.example.org"))
    tab.locator('main button[type="submit"]').click()
    # Signed in by the confirmation; no profile yet, so straight to joining.
    expect(tab).to_have_url(re.compile(r"/accounts/join/$"))

    tab.get_by_label("The address of your profile on this site").fill(
        f"{live_server.url}{profile.url}"
    )
    tab.get_by_role("button", name="Send me a link").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Check the profile's inbox")

    tab.goto(_link(r"http://\S+/accounts/claim/\S+/", "ana.souza@uni.example.org"))
    tab.get_by_role("checkbox").check()
    tab.get_by_role("button", name="Claim this profile").click()
    expect(tab).to_have_url(re.compile(r"/accounts/$"))
    expect(tab.locator("main")).to_contain_text("is public")
    assert ResearcherPage.objects.get(pk=profile.pk).user.email == "ana@home.example.org"

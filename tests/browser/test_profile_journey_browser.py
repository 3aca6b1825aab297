"""A researcher's whole journey in a real headless Chromium, from joining to leaving.

Sign up, confirm the address from the e-mail, claim an imported profile by link,
edit it, add a publication from ORCID (a local fake of the public API), hide it,
download the data, sign out and in from the header, and delete everything; then
nothing of the person is found anywhere public, and the account cannot sign in.

E-mail is read from `django.core.mail.outbox` (the live server runs in a thread of
this process). Anonymous checks use a second, fresh browser context.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from django.core import mail

from directory.models import ResearcherPage
from tests.factories import ResearcherPageFactory
from tests.fakes.orcid_api import FakeOrcid, work

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("live_links"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ORCID = "0000-0002-1825-0097"
HOME_ADDRESS = "rosalind@home.example.org"
PASSWORD = "pw-Secret-42-long"
WORK_TITLE = "Brine-sourced lithium for solid-state cells"
#: Where the public looks for someone, by family name.
SEARCHES = (
    "/directory/?q=Quintanilla",
    "/api/directory/search?q=Quintanilla",
    "/search/?q=Quintanilla",
)


@pytest.fixture
def orcid(settings):
    with FakeOrcid() as fake:
        fake.add_record(ORCID, works=[work(WORK_TITLE, doi="10.1234/brine.2023", year=2023)])
        settings.ORCID_API_URL = fake.url
        yield fake


def _link(pattern: str, to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    match = re.search(pattern, message.body)
    assert match, f"no link in: {message.body}"
    return match.group(0)


class Public:
    """What an anonymous visitor finds, through a fresh context's HTTP client."""

    def __init__(self, context, base: str) -> None:
        self.request = context.request
        self.base = base

    def status(self, path: str) -> int:
        return self.request.get(self.base + path).status

    def finds_her(self, path: str) -> bool:
        """Whether `path` shows the person (a page echoes the query: her given name
        and her profile's address are never in these queries)."""
        text = self.text(path)
        return "Rosalind" in text or "rosalind-quintanilla" in text

    def text(self, path: str) -> str:
        response = self.request.get(self.base + path)
        assert response.status == 200, path
        return response.text()


def test_join_edit_import_hide_download_and_delete_everything(tab, open_tab, live_server, orcid):
    from playwright.sync_api import expect

    profile = ResearcherPageFactory(
        given_name="Rosalind",
        family_name="Quintanilla",
        slug="rosalind-quintanilla",
        email="r.quintanilla@uni.example.org",
        orcid=ORCID,
    )
    url = profile.url
    public = Public(open_tab().context, live_server.url)
    # Public before anything happens: so that every "not found" below can fail.
    assert public.status(url) == 200
    for path in SEARCHES:
        assert public.finds_her(path), path
    assert "rosalind-quintanilla" in public.text("/sitemap.xml")

    # Sign up and confirm the address from the e-mail.
    tab.goto(f"{live_server.url}/accounts/signup/")
    tab.fill('input[name="email"]', HOME_ADDRESS)
    tab.fill('input[name="password1"]', PASSWORD)
    tab.fill('input[name="password2"]', PASSWORD)
    tab.locator('main button[type="submit"]').click()
    expect(tab).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    tab.goto(_link(r"http://\S+/accounts/confirm-email/\S+/", HOME_ADDRESS))
    tab.locator('main button[type="submit"]').click()
    expect(tab).to_have_url(re.compile(r"/accounts/join/$"))
    header = tab.locator("header nav.account-links")
    expect(header.get_by_role("link", name="Join the directory")).to_be_visible()

    # Claim the imported profile by a link sent to its address.
    tab.get_by_label("The address of your profile on this site").fill(live_server.url + url)
    tab.get_by_role("button", name="Send me a link").click()
    tab.goto(_link(r"http://\S+/accounts/claim/\S+/", "r.quintanilla@uni.example.org"))
    tab.get_by_role("checkbox").check()
    tab.get_by_role("button", name="Claim this profile").click()
    expect(tab).to_have_url(re.compile(r"/accounts/$"))
    expect(header.get_by_role("link", name="My profile")).to_be_visible()
    tab.locator("main").get_by_role("link", name="My profile").click()
    expect(tab).to_have_url(re.compile(rf"/my-profile/{profile.pk}/$"))

    # Edit: a new job title, saved and public at once.
    tab.locator("#id_job_title").fill("Reader in electrochemistry")
    tab.get_by_role("button", name="Save my profile").click()
    expect(tab.get_by_role("status")).to_contain_text("Your profile has been updated.")
    assert "Reader in electrochemistry" in public.text(url)

    # Add a publication from ORCID: preview, pick, and see it on the profile.
    tab.get_by_role("link", name="Import from ORCID").click()
    work_box = tab.get_by_role("checkbox", name=re.compile(WORK_TITLE))
    expect(work_box).to_be_checked()
    expect(tab.locator("main")).to_contain_text("DOI 10.1234/brine.2023")
    tab.get_by_role("button", name="Add the chosen works").click()
    expect(tab.get_by_role("status")).to_contain_text("Publications added from ORCID: 1.")
    assert WORK_TITLE in public.text(url)

    # Hide the profile: gone from public view, still editable by its owner.
    tab.get_by_label("listed in the directory").uncheck()
    tab.get_by_role("button", name="Save my profile").click()
    expect(tab.get_by_role("status")).to_contain_text("Your profile has been updated.")
    assert public.status(url) == 404
    assert not public.finds_her("/directory/?q=Quintanilla")
    assert not public.finds_her("/api/directory/search?q=Quintanilla")

    # Download my data: the profile and the account.
    with tab.expect_download() as download:
        tab.get_by_role("link", name="Download my data").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        data = json.load(handle)
    assert data["directory"]["family_name"] == "Quintanilla"
    assert data["directory"]["job_title"] == "Reader in electrochemistry"
    assert [p["title"] for p in data["directory"]["publications"]] == [WORK_TITLE]
    assert data["accounts"]["account"]["email"] == HOME_ADDRESS

    # Sign out from the header, and back in.
    header.get_by_role("button", name="Sign out").click()
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    header.get_by_role("link", name="Sign in").click()
    tab.fill('input[name="login"]', HOME_ADDRESS)
    tab.fill('input[name="password"]', PASSWORD)
    tab.locator('main button[type="submit"]').click()
    expect(header.get_by_role("link", name="My profile")).to_be_visible()

    # Delete everything, confirmed.
    header.get_by_role("link", name="My profile").click()
    tab.get_by_role("link", name="Delete my profile and account").click()
    tab.get_by_role("button", name="Yes, delete my profile and account").click()
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    assert not ResearcherPage.objects.filter(pk=profile.pk).exists()

    # Nothing of the person anywhere public.
    assert public.status(url) == 404
    for path in SEARCHES:
        assert not public.finds_her(path), path
    assert "rosalind-quintanilla" not in public.text("/sitemap.xml")

    # And the account cannot sign in.
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill('input[name="login"]', HOME_ADDRESS)
    tab.fill('input[name="password"]', PASSWORD)
    tab.locator('main button[type="submit"]').click()
    expect(tab).to_have_url(re.compile(r"/accounts/login/$"))
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()

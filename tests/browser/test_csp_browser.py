"""The Content-Security-Policy in a real browser: no page breaks it, public or admin.

Chromium reports each blocked script, style, image or frame as a
`securitypolicyviolation` event and a console error; both are collected while a visitor
uses the directory (with autocomplete), a profile, the contact form and the newsletter
forms, and while a superuser edits a researcher page and a news page in Wagtail.
"""

import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from directory.models import Topic
from tests.factories import InstitutionFactory, NewsPageFactory, ResearcherPageFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Installed before any page script runs; Playwright's init scripts are not subject to
# the page's policy, and the listener sees every violation of the document.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
});
"""


class ViolationWatch:
    """Collects CSP violations from one tab, across its navigations."""

    def __init__(self, tab):
        self.tab = tab
        self.found: list[str] = []
        tab.add_init_script(LISTEN)
        tab.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.found.append(f"console: {message.text}")

    def collect(self) -> None:
        """Read the current document's events (call before leaving a page)."""
        self.found.extend(self.tab.evaluate("window.__cspViolations || []"))

    def assert_none(self) -> None:
        self.collect()
        assert self.found == []


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(live_server):
    alba = ResearcherPageFactory(
        given_name="Alba",
        family_name="Quispe",
        title="",
        slug="alba-quispe",
        email="alba.private@uda.example.cl",
        institution=InstitutionFactory(name="Universidad de Atacama", country="CL"),
        topics=[Topic.objects.get(slug="direct-lithium-extraction")],
    )
    news = NewsPageFactory(title="Brine workshop in Antofagasta", date=timezone.localdate())
    return alba, news


def test_public_pages_in_use_break_no_policy(tab, live_server, people):
    watch = ViolationWatch(tab)
    base = live_server.url

    # The directory: filters and autocomplete (fetches from the JSON API).
    tab.goto(f"{base}/directory/")
    tab.locator("#directory-q").fill("Alb")
    expect(tab.locator("#directory-suggestions [role=option]").first).to_contain_text("Alba")
    tab.locator('input[name="topic"][value="direct-lithium-extraction"]').check()
    expect(tab).to_have_url(re.compile(r"topic=direct-lithium-extraction"))
    watch.collect()

    # A profile, with its JSON-LD, then its contact form, sent.
    tab.goto(f"{base}/directory/alba-quispe/")
    watch.collect()
    tab.get_by_role("link", name="Contact Alba").click()
    tab.wait_for_url("**/directory/contact/**")
    tab.get_by_label("Your name").fill("Sam Ortega")
    tab.keyboard.press("Tab")
    tab.keyboard.type("sam.ortega@example.com")
    tab.get_by_label("Message").fill("Hola Alba, I would like to discuss brine chemistry.")
    tab.get_by_role("button", name=re.compile("Send")).click()
    tab.wait_for_url("**?sent=1")
    watch.collect()

    # The newsletter page's full form, then the footer sign-up.
    tab.goto(f"{base}/newsletter/")
    form = tab.locator("form.newsletter-form")
    form.locator("input[type=email]").fill("subscriber@example.org")
    form.get_by_role("button", name="Subscribe").click()
    tab.wait_for_load_state("load")
    watch.collect()
    tab.goto(f"{base}/news/")
    tab.locator("#footer-newsletter-email").fill("reader@example.org")
    tab.locator("#footer-newsletter-email").press("Enter")
    tab.wait_for_url("**/newsletter/**")
    watch.collect()

    tab.goto(f"{base}/search/?q=lithium")
    watch.assert_none()


def test_the_admin_editor_breaks_no_policy(tab, live_server, people, django_user_model):
    alba, news = people
    django_user_model.objects.create_superuser("chief", "chief@example.org", "a long password")
    watch = ViolationWatch(tab)
    base = live_server.url

    tab.goto(f"{base}/admin/login/")
    tab.get_by_label("Username").fill("chief")
    tab.get_by_label("Password").fill("a long password")
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url(f"{base}/admin/")
    expect(tab.locator("h1").first).to_be_visible()
    watch.collect()

    for page in (alba, news):
        tab.goto(f"{base}/admin/pages/{page.pk}/edit/")
        title = tab.locator("#id_title")
        expect(title).to_be_visible()
        title.fill(f"{page.title} (edited)")
        # The live preview side panel frames the page under /admin/.
        tab.get_by_role("button", name=re.compile("Toggle preview", re.I)).click()
        preview = tab.locator("#w-preview-iframe")
        expect(preview).to_have_attribute("src", re.compile(r"/edit/preview/"))
        expect(tab.locator("iframe.w-preview__proxy")).to_have_count(0)  # swapped in
        expect(tab.frame_locator("#w-preview-iframe").locator(".site-header")).to_be_attached()
        watch.collect()

    # Signed in, the public pages carry Wagtail's user bar: it must live with their policy.
    tab.goto(f"{base}{alba.url}")
    tab.locator("wagtail-userbar").get_by_role("button").first.click()
    expect(tab.locator("wagtail-userbar").get_by_role("menuitem").first).to_be_visible()
    watch.collect()

    tab.goto(f"{base}/admin/images/multiple/add/")
    expect(tab.locator("input[type=file]").first).to_be_attached()
    watch.assert_none()

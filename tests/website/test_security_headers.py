"""Security headers on every page type: Content-Security-Policy, Permissions-Policy, HSTS.

Public pages get the strict policy and must not need anything it forbids, so each page's
HTML is read as well: no inline script except a nonce'd data block, no inline style.
The admin (Wagtail's and Django's) gets its own, looser policy. docs/security.md.
"""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    InstitutionFactory,
    NewsPageFactory,
    ResearcherPageFactory,
    TopicFactory,
    directory_index,
)
from tests.website.production_support import run_in_production

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.I)


def parse_policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def public_urls() -> dict[str, str]:
    """One URL of every public page type, the 404 page included."""
    topic = TopicFactory(name="Recycling", slug="recycling")
    institution = InstitutionFactory(name="Universidad de Prueba")
    profile = ResearcherPageFactory(
        slug="ana-souza", institution=institution, topics=[topic], email="ana@uni.example.org"
    )
    news = NewsPageFactory(slug="a-news-item")
    return {
        "home": "/",
        "directory": directory_index().url,
        "directory, filtered": f"{directory_index().url}?q=lithium&topic=recycling",
        "profile": profile.url,
        "contact form": f"/directory/contact/{profile.pk}/",
        "topic": f"/directory/topics/{topic.slug}/",
        "institution": f"/directory/institutions/{institution.slug}/",
        "news index": "/news/",
        "news item": news.url,
        "site search": "/search/?q=lithium",
        "newsletter": "/newsletter/",
        "newsletter thanks": "/newsletter/thanks/",
        "not found": "/no-such-page/",
    }


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chief", "chief@example.org", "pw")
    client.force_login(user)
    return client


def test_every_public_page_has_the_strict_policy_and_needs_nothing_more(client, public_urls):
    for name, url in public_urls.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not found" else 200), name
        assert "Content-Security-Policy" in response, name
        policy = parse_policy(response["Content-Security-Policy"])
        everything = [value for values in policy.values() for value in values]
        assert "'unsafe-inline'" not in everything, name
        assert "'unsafe-eval'" not in everything, name
        assert policy["default-src"] == ["'self'"], name
        assert policy["style-src"] == ["'self'"], name
        assert policy["object-src"] == ["'none'"], name
        assert policy["frame-ancestors"] == ["'none'"], name
        assert policy["base-uri"] == ["'self'"], name
        assert policy["form-action"] == ["'self'"], name
        nonces = [v for v in policy["script-src"] if v.startswith("'nonce-")]
        assert [v for v in policy["script-src"] if v not in nonces] == ["'self'"], name

        html = response.content.decode()
        for attributes, body in SCRIPT_TAG.findall(html):
            if "src=" in attributes:
                assert not body.strip(), f"{name}: a script with src and a body"
                continue
            # An inline script must be a data block carrying this response's nonce.
            assert 'type="application/ld+json"' in attributes, f"{name}: inline script"
            nonce = re.search(r'nonce="([^"]+)"', attributes)
            assert nonce and f"'nonce-{nonce.group(1)}'" in nonces, f"{name}: no nonce"
        assert not STYLE_ELEMENT.search(html), f"{name}: <style> element"
        assert not STYLE_ATTRIBUTE.search(html), f"{name}: style attribute"
        assert not EVENT_HANDLER.search(html), f"{name}: inline event handler"
        assert not JAVASCRIPT_URL.search(html), f"{name}: javascript: URL"


def test_a_profiles_json_ld_carries_a_fresh_nonce_each_time(client, public_urls):
    """A nonce that repeats is no nonce: each response must get its own."""
    seen = set()
    for _ in range(2):
        response = client.get(public_urls["profile"])
        html = response.content.decode()
        nonce = re.search(r'<script type="application/ld\+json" nonce="([^"]+)">', html).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        seen.add(nonce)
    assert len(seen) == 2


def test_admin_pages_have_the_admin_policy(client, admin_client, public_urls):
    profile_id = client.get(public_urls["profile"]).context["page"].pk
    news_id = client.get(public_urls["news item"]).context["page"].pk
    urls = {
        "dashboard": "/admin/",
        "researcher editor": reverse("wagtailadmin_pages:edit", args=[profile_id]),
        "news editor": reverse("wagtailadmin_pages:edit", args=[news_id]),
        "image upload": reverse("wagtailimages:add"),
        "django admin": "/django-admin/",
    }
    for name, url in urls.items():
        response = admin_client.get(url)
        assert response.status_code == 200, name
        policy = parse_policy(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"], name
        assert "'unsafe-inline'" in policy["style-src"], name
        assert {"data:", "blob:"} <= set(policy["img-src"]), name
        assert policy["object-src"] == ["'none'"], name
        # The editor frames its own previews, nobody else frames the admin.
        assert policy["frame-ancestors"] == ["'self'"], name
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], name


def test_the_sign_in_pages_have_the_admin_policy(client):
    for url in ("/admin/login/", "/django-admin/login/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "'unsafe-inline'" in parse_policy(response["Content-Security-Policy"])["style-src"]


def test_the_admin_policy_does_not_leak_to_lookalike_paths(client):
    """Only the admin prefixes are loosened, not every path that starts alike."""
    response = client.get("/administrator/")
    assert parse_policy(response["Content-Security-Policy"])["style-src"] == ["'self'"]


def test_every_page_switches_off_unused_browser_features(client, admin_client, public_urls):
    for url in (public_urls["home"], public_urls["contact form"], "/admin/", "/robots.txt"):
        response = admin_client.get(url) if url == "/admin/" else client.get(url)
        features = dict(
            item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
        )
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", (url, feature)


def test_production_sends_hsts_as_before():
    """The production settings keep HSTS (a year, subdomains, preload) and the headers."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
        " s.SECURE_SSL_REDIRECT, 'website.middleware.ContentSecurityPolicyMiddleware' in"
        " s.MIDDLEWARE, 'website.middleware.PermissionsPolicyMiddleware' in s.MIDDLEWARE)"
    )
    result = run_in_production(code, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "True"]

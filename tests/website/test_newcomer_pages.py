"""What a newcomer tripped over on the site's own pages (issue 8): the document
title, the favicon, heading order on /news/ and the editors' alt text."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from wagtail_factories import ImageFactory

from tests.factories import NewsPageFactory

pytestmark = pytest.mark.django_db

SITE_NAME = "UK–Latin America Battery Research Network"


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_home_title_names_the_site_once(client):
    html = client.get("/").content.decode()
    assert title(html) == SITE_NAME


def test_other_titles_end_with_the_site_name(client):
    assert title(client.get("/news/").content.decode()) == f"News · {SITE_NAME}"


def test_every_page_has_a_favicon(client):
    html = client.get("/").content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert href.endswith("/website/favicon.svg")
    assert finders.find("website/favicon.svg")


def test_news_index_headings_go_down_one_level_at_a_time(client):
    NewsPageFactory(title="Brine workshop", date=datetime.date(2025, 3, 1))
    html = client.get("/news/").content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", html)]
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels
    assert '<h2><a href="/news/' in html


def test_news_images_carry_the_editors_alt_text(client):
    image = ImageFactory(description="Evaporation ponds at the Salar de Atacama")
    NewsPageFactory(title="Ponds", slug="ponds", image=image, date=datetime.date(2025, 3, 1))
    for url in ("/news/", "/news/ponds/", "/"):
        html = client.get(url).content.decode()
        assert 'alt="Evaporation ponds at the Salar de Atacama"' in html, url


def test_issue_email_image_links_have_a_name():
    """The image in the issue e-mail is a link: its alt text is the link's name."""
    from django.template.loader import render_to_string

    from newsletter.issues.rendering import item_context

    described = NewsPageFactory(
        title="Ponds", image=ImageFactory(description="Evaporation ponds at dusk")
    )
    undescribed = NewsPageFactory(title="Brine workshop", image=ImageFactory(description=""))
    items = [item_context(described), item_context(undescribed)]
    for item in items:
        item["image_url"] = "https://example.org/image.jpg"  # renditions aside
    html = render_to_string("newsletter_issues/email.html", {"items": items})
    assert re.findall(r'<img [^>]*alt="([^"]*)"', html) == [
        "Evaporation ponds at dusk",
        "Brine workshop",
    ]

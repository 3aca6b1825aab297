"""The profile's header line and avatar (issue 8)."""

import re

import pytest

from tests.factories import InstitutionFactory, ResearcherPageFactory

pytestmark = pytest.mark.django_db


def meta_line(html: str) -> str:
    start = html.index('class="profile-header"')
    header = html[start : html.index("</header>", start)]
    match = re.search(r'<p class="meta">(.*?)</p>', header, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""


def test_profile_line_without_an_institution_has_no_stray_separator(client):
    page = ResearcherPageFactory(
        given_name="Uma", family_name="Reed", title="", institution=None, country="GB"
    )
    html = client.get(page.url).content.decode()
    assert meta_line(html).startswith("United Kingdom")


def test_profile_line_with_everything(client):
    page = ResearcherPageFactory(
        given_name="Uma",
        family_name="Reed",
        title="",
        institution=InstitutionFactory(name="Harwick College", country="GB"),
        career_stage="senior",
    )
    html = client.get(page.url).content.decode()
    assert meta_line(html) == "Harwick College · United Kingdom · Senior researcher"


def test_profile_without_a_photo_shows_initials_like_the_cards(client):
    page = ResearcherPageFactory(given_name="Uma", family_name="Reed", title="", photo=None)
    html = client.get(page.url).content.decode()
    avatar = r'<span class="avatar avatar-initials[^"]*" aria-hidden="true">UR</span>'
    assert re.search(avatar, html)


def test_open_to_keeps_the_capitals_of_phd(client):
    page = ResearcherPageFactory(
        open_to_phd_supervision=True, open_to_visiting=True, open_to_collaboration=True
    )
    html = client.get(page.url).content.decode()
    assert "<li>Open to PhD supervision</li>" in html
    assert "<li>Open to visiting / exchange</li>" in html
    assert "<li>Open to collaboration</li>" in html
    assert "Open to phd" not in html

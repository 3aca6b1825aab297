"""A profile as schema.org JSON-LD: a Person, described in the visitor's language.

Names, job title and institution are the researcher's own words and stay as they
are; the labels the site supplies (topics, spoken languages) are in the language of
the page. The Person's `url` is the canonical, unprefixed profile address (one page
per person); `mainEntityOfPage` is the page being read, with its `inLanguage`. Spoken
languages are schema.org `Language` items, named in the page's language, their
ISO 639-1 code as `alternateName`. The e-mail address is never included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation

from common.i18n import current_language
from directory.localized_urls import in_language

if TYPE_CHECKING:
    from directory.models import ResearcherPage


def bcp47(code: str) -> str:
    """ "pt-br" -> "pt-BR": the usual spelling of a language tag (case does not matter)."""
    language, _sep, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def person(page: ResearcherPage, profile: dict[str, Any]) -> dict[str, Any]:
    """schema.org Person for `page`, from `profile` (`ResearcherPage.profile_data()`)."""
    language = current_language()
    with translation.override(settings.LANGUAGE_CODE):
        url = page.full_url  # the canonical address: page URLs follow the active language
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": page.full_name,
        "givenName": page.given_name,
        "familyName": page.family_name,
        "url": url,
    }
    if url:
        data["mainEntityOfPage"] = {
            "@type": "ProfilePage",
            "@id": in_language(url, language),
            "inLanguage": bcp47(language),
        }
    if page.job_title:
        data["jobTitle"] = page.job_title
    if page.institution_id:
        data["affiliation"] = {"@type": "Organization", "name": page.institution.name}
    if page.orcid:
        data["identifier"] = page.orcid_url
        data["sameAs"] = [page.orcid_url]
    topics = [topic.label for topic in profile["topics"]]
    keywords = [tag.name for tag in profile["keywords"]]
    if topics or keywords:
        data["knowsAbout"] = topics + keywords
    if profile["languages"]:
        data["knowsLanguage"] = [
            {"@type": "Language", "name": spoken.label, "alternateName": spoken.code}
            for spoken in profile["languages"]
        ]
    if page.country_code:
        data["workLocation"] = {
            "@type": "Place",
            "address": {"@type": "PostalAddress", "addressCountry": page.country_code},
        }
    return data

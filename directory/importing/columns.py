"""The file's columns, their limits, and how list cells and vocabulary values are read."""

from __future__ import annotations

from taggit.models import Tag

from directory.models import Institution, ResearcherLink, ResearcherPage

COLUMNS = (
    "given_name",
    "family_name",
    "email",
    "institution",
    "country",
    "job_title",
    "career_stage",
    "topics",
    "keywords",
    "languages",
    "orcid",
    "website",
    "bio",
    "bio_language",
    "bio_es",
    "bio_pt",
    "preferred_language",
    "open_to",
)
REQUIRED_COLUMNS = ("given_name", "family_name")
LIST_SEPARATOR = ";"
WEBSITE_LABEL = "Website"

MAX_LENGTHS = {
    "given_name": ResearcherPage._meta.get_field("given_name").max_length,
    "family_name": ResearcherPage._meta.get_field("family_name").max_length,
    "email": ResearcherPage._meta.get_field("email").max_length,
    "job_title": ResearcherPage._meta.get_field("job_title").max_length,
    "institution": Institution._meta.get_field("name").max_length,
    "keywords": Tag._meta.get_field("name").max_length,
    "website": ResearcherLink._meta.get_field("url").max_length,
}


def split(cell: str) -> list[str]:
    """The values of a list cell, without blanks."""
    return [value.strip() for value in cell.split(LIST_SEPARATOR) if value.strip()]


def match_key(value: str) -> str:
    """A lenient matching key: case, hyphens, underscores and spacing do not matter."""
    return " ".join(value.replace("-", " ").replace("_", " ").casefold().split())

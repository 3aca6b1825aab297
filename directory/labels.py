"""Labels of the fixed vocabularies (career stages, "open to" flags, institution kinds,
facility access, countries) in the visitor's language.

Values and slugs never change with the language; only what people read does.
"""

from __future__ import annotations

from django.db import models
from django_countries import countries

from directory.choices import CareerStage, FacilityAccess, InstitutionKind, OpenTo

VOCABULARIES: dict[str, type[models.TextChoices]] = {
    "career_stage": CareerStage,
    "open_to": OpenTo,
    "institution_kind": InstitutionKind,
    "facility_access": FacilityAccess,
}


def choice_label(vocabulary: str, value: str) -> str:
    """The label of `value` in the active language; the value itself if unknown."""
    if vocabulary == "country":
        return str(countries.name(value)) or value
    choices = VOCABULARIES[vocabulary]
    try:
        return str(choices(value).label)
    except ValueError:
        return value

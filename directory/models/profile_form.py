"""The admin's form for a researcher profile: ORCID iDs as URLs, and translations that can show."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from directory.languages import language_from_profile
from directory.validators import normalise_orcid

#: The biography's translations, by interface language; `biography` is the original.
BIO_TRANSLATIONS = {"es": "bio_es", "pt-br": "bio_pt"}


class ResearcherPageForm(WagtailAdminPageForm):
    """Accepts an ORCID iD as a URL (https://orcid.org/...), stored as the bare iD.

    The form field would otherwise refuse anything longer than the 19 stored
    characters before the model had a chance to strip the URL prefix.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("orcid")
        if field is not None:
            field.max_length = None
            field.validators = [
                v for v in field.validators if not isinstance(v, MaxLengthValidator)
            ]
            field.widget.attrs.pop("maxlength", None)

    def clean_orcid(self) -> str:
        return normalise_orcid(self.cleaned_data.get("orcid", ""))

    def clean(self) -> dict[str, Any]:
        """A translation into the language the biography is already in would never show."""
        cleaned = super().clean()
        language = cleaned.get("bio_language")
        if not language and "languages" in cleaned:
            institution = cleaned.get("institution")
            country = cleaned.get("country") or (institution.country if institution else "")
            spoken = [spoken.code for spoken in cleaned.get("languages") or []]
            language = language_from_profile(spoken, str(country or ""))
        field = BIO_TRANSLATIONS.get(language or "")
        if field and field in self.fields and (cleaned.get(field) or "").strip():
            self.add_error(field, translation_clash_message(language))
        return cleaned


def translation_clash_message(language: str) -> str:
    """Why a translation into the biography's own language is refused (form and import)."""
    if language == "es":
        return str(
            _(
                "The biography is in Spanish, so it needs no Spanish translation. If it is "
                "in another language, choose that language for it."
            )
        )
    return str(
        _(
            "The biography is in Portuguese, so it needs no Portuguese translation. If it "
            "is in another language, choose that language for it."
        )
    )

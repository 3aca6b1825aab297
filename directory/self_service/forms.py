"""The researcher's own profile form: every field the import knows, checked the same way.

The messages are the import's (`directory.importing.cleaning`, `directory.validators`,
`translation_clash_message`), so a researcher and an editor importing a file are told
the same thing about the same value. Biographies are edited as plain text (blank
lines between paragraphs), as in the import, and stored as the same rich text.
"""

from __future__ import annotations

import html
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from directory.choices import OPEN_TO_FIELDS
from directory.importing.cleaning import bio_to_html
from directory.importing.columns import MAX_LENGTHS
from directory.languages import language_from_profile
from directory.models import Facility, Institution, Language, ResearcherPage, Topic
from directory.models.profile_form import BIO_TRANSLATIONS, translation_clash_message
from directory.models.profile_items import ResearcherLink, ResearcherPublication
from directory.self_service.photos import check_photo
from directory.validators import normalise_doi, normalise_orcid, validate_doi, validate_orcid

_url_validator = URLValidator(schemes=["http", "https"])


def too_long(value: str, limit: int) -> str | None:
    """The import's message for a value over `limit` characters, else None."""
    if len(value) <= limit:
        return None
    return _("%(length)s characters is too long; at most %(limit)s fit.") % {
        "length": f"{len(value):,}",
        "limit": limit,
    }


def html_to_text(value: str) -> str:
    """Stored rich text back to the plain text the form edits (inverse of bio_to_html)."""
    text = re.sub(r"</p>\s*<p[^>]*>", "\n\n", value or "")
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text).strip()


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Topic) -> str:
        return obj.label


class LanguageChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Language) -> str:
        return obj.label


PROFILE_FIELDS = [
    "given_name",
    "family_name",
    "job_title",
    "institution",
    "country",
    "career_stage",
    "bio_language",
    "preferred_language",
    "orcid",
    *OPEN_TO_FIELDS.values(),
    "listed",
    "contact_form_enabled",
]


class MyProfileForm(forms.ModelForm):
    """The profile's own fields; links and publications are formsets beside it."""

    photo_upload = forms.FileField(
        label=gettext_lazy("New photo"),
        required=False,
        help_text=gettext_lazy("JPEG, PNG or WebP, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=gettext_lazy("Remove the photo"), required=False)
    new_institution = forms.CharField(
        label=gettext_lazy("Or request a new institution"),
        required=False,
        help_text=gettext_lazy("If yours is not in the list; an editor will add it."),
    )
    new_institution_country = LazyTypedChoiceField(
        label=gettext_lazy("Country of the new institution"),
        choices=[("", "---------")] + list(countries),
        required=False,
    )
    topics = TopicChoiceField(
        queryset=Topic.objects.select_related("parent"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Topics"),
    )
    keywords_text = forms.CharField(
        label=gettext_lazy("Keywords"),
        required=False,
        help_text=gettext_lazy("Separated by semicolons, e.g. solid electrolytes; XPS"),
    )
    languages = LanguageChoiceField(
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Languages spoken"),
    )
    facilities = forms.ModelMultipleChoiceField(
        queryset=Facility.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Facilities"),
    )
    biography_text = forms.CharField(
        label=gettext_lazy("Biography"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Plain text; leave a blank line between paragraphs."),
    )
    bio_es_text = forms.CharField(
        label=gettext_lazy("Biography in Spanish"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    bio_pt_text = forms.CharField(
        label=gettext_lazy("Biography in Portuguese"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    class Meta:
        model = ResearcherPage
        fields = PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page: ResearcherPage = self.instance
        self.fields["institution"].queryset = Institution.objects.order_by("name")
        self.fields["orcid"].max_length = None
        self.fields["orcid"].validators = []
        self.fields["orcid"].widget.attrs.pop("maxlength", None)
        if not self.is_bound:
            self.initial.update(
                topics=[topic.pk for topic in page.topics.all()],
                languages=[language.pk for language in page.languages.all()],
                facilities=[facility.pk for facility in page.facilities.all()],
                keywords_text="; ".join(tag.name for tag in page.keywords.all()),
                biography_text=html_to_text(page.biography),
                bio_es_text=html_to_text(page.bio_es),
                bio_pt_text=html_to_text(page.bio_pt),
            )

    def topic_groups(self) -> list[tuple[str, list]]:
        """The topic checkboxes under their parent topic's name, for one fieldset each."""
        by_pk = {str(topic.pk): topic for topic in self.fields["topics"].queryset}
        groups: dict[Any, tuple[str, list]] = {}
        for checkbox in self["topics"]:
            topic = by_pk[str(checkbox.data["value"])]
            root = topic.parent or topic
            groups.setdefault(root.pk, (root.label, []))[1].append(checkbox)
        return list(groups.values())

    def open_to_fields(self) -> list:
        return [self[name] for name in OPEN_TO_FIELDS.values()]

    def _limited(self, name: str, column: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        message = too_long(value, MAX_LENGTHS[column])
        if message:
            raise ValidationError(message)
        return value

    def clean_given_name(self) -> str:
        return self._limited("given_name", "given_name")

    def clean_family_name(self) -> str:
        return self._limited("family_name", "family_name")

    def clean_job_title(self) -> str:
        return self._limited("job_title", "job_title")

    def clean_new_institution(self) -> str:
        return self._limited("new_institution", "institution")

    def clean_orcid(self) -> str:
        orcid = (self.cleaned_data.get("orcid") or "").strip()
        if not orcid:
            return ""
        try:
            validate_orcid(orcid)
        except ValidationError as exc:
            raise ValidationError(" ".join(exc.messages)) from exc
        return normalise_orcid(orcid)

    def clean_keywords_text(self) -> list[str]:
        keywords: list[str] = []
        seen: set[str] = set()
        for keyword in (self.cleaned_data.get("keywords_text") or "").split(";"):
            keyword = keyword.strip()
            if not keyword or keyword.casefold() in seen:
                continue
            message = too_long(keyword, MAX_LENGTHS["keywords"])
            if message:
                raise ValidationError(message)
            seen.add(keyword.casefold())
            keywords.append(keyword)
        return keywords

    def clean_photo_upload(self):
        upload = self.cleaned_data.get("photo_upload")
        return check_photo(upload) if upload else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in ("biography", "bio_es", "bio_pt"):
            cleaned[name] = bio_to_html(cleaned.get(f"{name}_text") or "")
        if cleaned.get("new_institution") and not cleaned.get("new_institution_country"):
            self.add_error(
                "new_institution_country",
                _("Choose the country of the institution you are requesting."),
            )
        if not (
            cleaned.get("institution") or cleaned.get("country") or cleaned.get("new_institution")
        ):
            self.add_error("country", _("empty, and so is institution: a row needs one of them."))
        language = cleaned.get("bio_language")
        if not language:
            institution = cleaned.get("institution")
            country = cleaned.get("country") or (institution.country if institution else "")
            spoken = [spoken.code for spoken in cleaned.get("languages") or []]
            language = language_from_profile(spoken, str(country or ""))
        field = BIO_TRANSLATIONS.get(language or "")
        if field and cleaned.get(field):
            self.add_error(f"{field}_text", translation_clash_message(language))
        return cleaned

    def apply(self, page: ResearcherPage) -> None:
        """Write what was accepted onto `page` (in memory: the caller saves a revision)."""
        cleaned = self.cleaned_data
        for name in PROFILE_FIELDS:
            setattr(page, name, cleaned[name])
        for name in ("biography", "bio_es", "bio_pt"):
            setattr(page, name, cleaned[name])
        page.topics.set(cleaned["topics"])
        page.languages.set(cleaned["languages"])
        page.facilities.set(cleaned["facilities"])
        page.keywords.set(cleaned["keywords_text"], clear=True)
        if cleaned.get("remove_photo"):
            page.photo = None


class LinkForm(forms.Form):
    url = forms.CharField(label=gettext_lazy("Address"), required=False)
    label = forms.CharField(
        label=gettext_lazy("Label"),
        required=False,
        max_length=ResearcherLink._meta.get_field("label").max_length,
    )

    def clean_url(self) -> str:
        value = (self.cleaned_data.get("url") or "").strip()
        if not value:
            return ""
        url = value if "://" in value else f"https://{value}"
        try:
            _url_validator(url)
        except ValidationError as exc:
            raise ValidationError(
                _("%(value)s is not a valid web address.") % {"value": value}
            ) from exc
        message = too_long(url, MAX_LENGTHS["website"])
        if message:
            raise ValidationError(message)
        return url


class PublicationForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        required=False,
        max_length=ResearcherPublication._meta.get_field("title").max_length,
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=1900, max_value=2100
    )
    venue = forms.CharField(
        label=gettext_lazy("Journal or venue"),
        required=False,
        max_length=ResearcherPublication._meta.get_field("venue").max_length,
    )
    doi = forms.CharField(label=gettext_lazy("DOI"), required=False)
    kind = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_doi(self) -> str:
        value = (self.cleaned_data.get("doi") or "").strip()
        if value:
            validate_doi(value)
        return normalise_doi(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("title") and (cleaned.get("doi") or cleaned.get("venue")):
            self.add_error("title", _("A publication needs its title."))
        return cleaned


LinkFormSet = forms.formset_factory(LinkForm, extra=2, can_delete=True)
PublicationFormSet = forms.formset_factory(PublicationForm, extra=2, can_delete=True)


def link_initial(page: ResearcherPage) -> list[dict]:
    return [{"url": link.url, "label": link.label} for link in page.links.all()]


def publication_initial(page: ResearcherPage) -> list[dict]:
    return [
        {"title": p.title, "year": p.year, "venue": p.venue, "doi": p.doi, "kind": p.kind}
        for p in page.publications.all()
    ]


def apply_formsets(page: ResearcherPage, links, publications) -> None:
    """Replace the page's links and publications (in memory) with the formsets' rows."""
    page.links = [
        ResearcherLink(url=form.cleaned_data["url"], label=form.cleaned_data["label"])
        for form in links.forms
        if form.cleaned_data.get("url") and not form.cleaned_data.get("DELETE")
    ]
    page.publications = [
        ResearcherPublication(
            title=form.cleaned_data["title"],
            year=form.cleaned_data.get("year"),
            venue=form.cleaned_data.get("venue") or "",
            doi=form.cleaned_data.get("doi") or "",
            kind=form.cleaned_data.get("kind") or "",
        )
        for form in publications.forms
        if form.cleaned_data.get("title") and not form.cleaned_data.get("DELETE")
    ]

"""The forms of joining: a new profile, and asking for a claim link."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.consent import PUBLICATION_STATEMENT
from directory.choices import CareerStage
from directory.models import Institution, ResearcherPage, Topic


class ConsentForm(forms.Form):
    consent = forms.BooleanField(label=PUBLICATION_STATEMENT, required=True)


class NewProfileForm(ConsentForm):
    given_name = forms.CharField(label=_("Given name"), max_length=120)
    family_name = forms.CharField(label=_("Family name"), max_length=120)
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.order_by("name"),
        required=False,
        help_text=_("Leave empty if yours is not listed; an editor will add it."),
    )
    career_stage = forms.ChoiceField(
        label=_("Career stage"),
        choices=[("", "—"), *CareerStage.choices],
        required=False,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["given_name", "family_name", "institution", "career_stage", "topics", "consent"]


class ClaimRequestForm(forms.Form):
    """Names a profile by its address on this site, e.g. /directory/ana-souza/."""

    profile_url = forms.CharField(
        label=_("The address of your profile on this site"),
        max_length=500,
        help_text=_("For example https://…/directory/ana-souza/ (copy it from your browser)."),
    )

    def profile(self) -> ResearcherPage | None:
        """The profile the address names (by its slug under the directory), if any."""
        path = urlsplit(self.cleaned_data["profile_url"].strip()).path
        parts = [part for part in path.split("/") if part]
        if not parts:
            return None
        return ResearcherPage.objects.filter(slug=parts[-1]).first()

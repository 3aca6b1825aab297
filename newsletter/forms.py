"""Public newsletter forms: sign-up (footer and full page) and preferences.

Django 5.2 renders `aria-invalid` and `aria-describedby="<id>_error"` for fields
with errors, and the error lists carry those ids, so errors are tied to their
fields without extra work; the templates use the standard field rendering.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from common.forms import FocusFirstErrorMixin
from directory.choices import CareerStage
from directory.models import Topic
from newsletter.models import NewsletterLanguage

#: Shown beside every sign-up form, in the page's language, and stored verbatim (as
#: shown, in that language) with each sign-up. Change it freely: consent rows keep
#: the text each person actually saw.
CONSENT_TEXT = _(
    "By subscribing you agree to receive the UK–Latin America Battery Research Network "
    "newsletter by e-mail: news, calls and events for battery researchers. We will e-mail "
    "you a link to confirm first. Every e-mail has a link to change your interests or "
    "unsubscribe at any time. We keep your address, name, language and interests only to "
    "send you the newsletter."
)

#: The honeypot's field name: plausible enough that form-filling bots complete it.
HONEYPOT_FIELD = "website"


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Topic) -> str:
        return obj.label  # the topic's name in the page's language

    def _check_values(self, value):
        # Django catches ValueError but not the OverflowError of an id beyond 64 bits.
        for pk in value:
            if str(pk).strip().lstrip("+-").isdigit() and abs(int(pk)) > 2**63 - 1:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def topic_queryset():
    return Topic.objects.select_related("parent").order_by("sort_order", "name")


def grouped_topics(bound_field: forms.BoundField) -> list[tuple[object, list[object]]]:
    """The topic checkboxes as (top-level topic, [its subtopics]), for nested rendering.

    Topics have one level of nesting (as in the directory); a subtopic whose parent
    is somehow missing is shown as a group of its own rather than lost.
    """
    parents = {topic.pk: topic.parent_id for topic in bound_field.field.queryset}
    widgets = [(int(str(w.data["value"])), w) for w in bound_field]
    groups: dict[int, tuple[object, list[object]]] = {
        pk: (widget, []) for pk, widget in widgets if parents.get(pk) is None
    }
    for pk, widget in widgets:
        parent = parents.get(pk)
        if parent is None:
            continue
        if parent in groups:
            groups[parent][1].append(widget)
        else:
            groups[pk] = (widget, [])
    return list(groups.values())


def digest_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Also send me a weekly digest"),
        required=False,
        help_text=_(
            "At most one e-mail a week with the news, opportunities and events of the "
            "past week that match your topics (and your country and career stage, if you "
            "give them). Nothing is sent in a week with nothing new for you."
        ),
    )


def country_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Country where you work (optional)"),
        choices=[("", _("Not given"))] + list(countries),
        required=False,
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )


def career_stage_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Career stage (optional)"),
        choices=[("", _("Not given"))] + list(CareerStage.choices),
        required=False,
    )


class SubscribeForm(FocusFirstErrorMixin, forms.Form):
    """The full form; the footer posts only `email`, the honeypot and `source`."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address in the form name@example.org."),
        },
    )
    first_name = forms.CharField(
        label=_("First name (optional)"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name (optional)"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the newsletter"),
        choices=NewsletterLanguage.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    topics = TopicChoiceField(
        label=_("Topics you are interested in (optional)"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    digest = digest_field()
    country = country_field()
    career_stage = career_stage_field()
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topic_queryset()

    @property
    def is_bot(self) -> bool:
        """True when the honeypot was filled: no person can see or reach that field."""
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def asked(self, name: str) -> bool:
        """Whether the submitted form had this field at all (the footer form doesn't)."""
        return name in self.data

    def topic_groups(self):
        return grouped_topics(self["topics"])


def safe_source_path(value: str | None, host: str) -> str:
    """The page the form was on, if it is a path on this site; else the newsletter page."""
    if value and value.startswith("/") and url_has_allowed_host_and_scheme(value, {host}):
        return value
    return reverse("newsletter:index")


class PreferencesForm(FocusFirstErrorMixin, forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the newsletter"),
        choices=NewsletterLanguage.choices,
        widget=forms.RadioSelect,
    )
    topics = TopicChoiceField(
        label=_("Topics you are interested in"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the subjects you want to hear about."),
    )
    digest = digest_field()
    country = country_field()
    career_stage = career_stage_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topic_queryset()

    def topic_groups(self):
        return grouped_topics(self["topics"])

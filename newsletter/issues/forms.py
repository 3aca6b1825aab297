"""The three small forms of the sending page; each says why it might refuse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateTimeInput

from .campaigns import CampaignError, get_backend


class SendTestForm(forms.Form):
    email = forms.EmailField(
        label=_("Send a test to"),
        help_text=_("One address. Nobody else receives the test."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Which version to test: English, or a published translation."),
    )

    def __init__(self, *args: Any, languages: list[tuple[str, str]] | None = None, **kwargs):
        """`languages`: (code, name) of the English issue and its published translations."""
        super().__init__(*args, **kwargs)
        choices = languages or [("en", "English")]
        self.fields["language"].choices = choices
        self.fields["language"].initial = choices[0][0]
        if len(choices) == 1:
            self.fields["language"].widget = forms.HiddenInput()


class SendNowForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, send this issue to all its recipients now"),
        help_text=_("This cannot be undone."),
    )


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(label=_("Send at"), widget=AdminDateTimeInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if get_backend().name == "mailchimp":
            self.fields["when"].help_text = _(
                "Mailchimp sends on the quarter hour only: :00, :15, :30 or :45."
            )

    def clean_when(self) -> Any:
        """The backend's own rules (future; quarter hours for Mailchimp), checked before
        Mailchimp is ever called (wagtail-newsletter issue #81)."""
        when = self.cleaned_data["when"]
        try:
            get_backend().validate_schedule_time(when)
        except CampaignError as exc:
            raise forms.ValidationError(exc.message) from exc
        return when

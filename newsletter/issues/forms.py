"""The three small forms of the sending page; each says why it might refuse."""

from __future__ import annotations

from typing import Any

from django import forms
from wagtail.admin.widgets import AdminDateTimeInput

from .campaigns import CampaignError, get_backend


class SendTestForm(forms.Form):
    email = forms.EmailField(
        label="Send a test to",
        help_text="One address. Nobody else receives the test.",
    )


class SendNowForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, send this issue to all its recipients now",
        help_text="This cannot be undone.",
    )


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(label="Send at", widget=AdminDateTimeInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if get_backend().name == "mailchimp":
            self.fields[
                "when"
            ].help_text = "Mailchimp sends on the quarter hour only: :00, :15, :30 or :45."

    def clean_when(self) -> Any:
        """The backend's own rules (future; quarter hours for Mailchimp), checked before
        Mailchimp is ever called (wagtail-newsletter issue #81)."""
        when = self.cleaned_data["when"]
        try:
            get_backend().validate_schedule_time(when)
        except CampaignError as exc:
            raise forms.ValidationError(exc.message) from exc
        return when

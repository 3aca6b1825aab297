"""The Wagtail admin's subscriber form, and the rules it enforces.

Editors may correct details and take someone off the list, but they cannot put
anyone on it: a new subscriber starts pending and confirms by e-mail, and nobody
who left or bounced is moved back to `subscribed` by hand. That keeps the
promise that the list never re-subscribes anyone without their own double opt-in.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from newsletter.models import SubscriberStatus, normalise_email


class SubscriberAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            self.fields["status"].choices = [
                choice
                for choice in SubscriberStatus.choices
                if choice[0] in self.allowed_statuses()
            ]
            self.fields["status"].help_text = _(
                "New subscribers start as pending and confirm by e-mail. People can be taken "
                "off the list here, but only they can put themselves back on it."
            )
        if "topics" in self.fields:
            self.fields["topics"].widget = forms.CheckboxSelectMultiple(
                choices=self.fields["topics"].choices
            )

    def allowed_statuses(self) -> set[str]:
        if self.instance._state.adding:
            return {SubscriberStatus.PENDING}
        return {self.initial_status, SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.CLEANED}

    @property
    def initial_status(self) -> str:
        return self.initial.get("status") or self.instance.status

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        if status not in self.allowed_statuses():
            raise forms.ValidationError(
                _("Only the person can subscribe themselves, by confirming by e-mail.")
            )
        return status

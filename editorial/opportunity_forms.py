"""Forms of opportunities: the editor's page form and the visitor's contact form."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.widgets import AdminDateTimeInput

from directory.contact import ContactForm
from editorial.zones import NonexistentTime, aware_to_wall_clock, get_zone, wall_clock_to_aware

#: The page's date-time fields and, for each, which of two equal clock times it means
#: when the zone's clocks go back (True: the later one).
WALL_CLOCK_FIELDS = {"opens_at": False, "closes_at": True}


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as typed, without a zone: the page form adds the page's own.

    Django's field would read the time in the editor's zone (and refuse the hour
    that zone skips), but the editor types it in the zone chosen on the page.
    """

    widget = AdminDateTimeInput

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(UTC):  # UTC skips no hour, so nothing is refused here
            result = super().to_python(value)
        return None if result is None else timezone.make_naive(result, UTC)

    def prepare_value(self, value: Any) -> Any:
        return value  # already the page zone's clock time (OpportunityPageForm.__init__)


class OpportunityPageForm(WagtailAdminPageForm):
    """Dates typed as clock times in the page's zone, stored as aware instants."""

    opens_at = WallClockDateTimeField(
        label=_("opens"),
        required=False,
        help_text=_("Leave empty if applications are open from publication."),
    )
    closes_at = WallClockDateTimeField(
        label=_("deadline"),
        help_text=_("The last moment applications are accepted, e.g. 23:59."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = get_zone(self.instance.time_zone, default="UTC")
        for name in WALL_CLOCK_FIELDS:
            value = getattr(self.instance, name, None)
            if isinstance(value, datetime):
                self.initial[name] = aware_to_wall_clock(value, zone)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        if not zone_name:
            return cleaned  # the zone's own error is shown
        zone = get_zone(zone_name)
        for name, later in WALL_CLOCK_FIELDS.items():
            value = cleaned.get(name)
            if value is None:
                continue
            try:
                cleaned[name] = wall_clock_to_aware(value, zone, later=later)
            except NonexistentTime:
                self.add_error(
                    name,
                    _(
                        "%(zone)s skips this time: its clocks go forward then. "
                        "Choose a time before or after the change."
                    )
                    % {"zone": zone_name},
                )
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        both_set = isinstance(opens, datetime) and isinstance(closes, datetime)
        if both_set and opens.tzinfo and closes.tzinfo and closes <= opens:
            self.add_error("closes_at", _("The deadline must come after the opening."))
        if cleaned.get("amount") is not None and not cleaned.get("currency"):
            self.add_error("currency", _("Choose the currency of the amount."))
        return cleaned


class OpportunityContactForm(ContactForm):
    """The directory's contact form (same limits, honeypot, no storage), in the words of
    someone writing about an opportunity rather than to a researcher."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["name"].label = _("Your name")
        fields["name"].error_messages["required"] = _("Enter your name.")
        fields["email"].label = _("Your e-mail address")
        fields["email"].help_text = _(
            "The contact for this opportunity replies to this address. We do not keep it."
        )
        fields["email"].error_messages.update(
            required=_("Enter your e-mail address, so that they can reply."),
            invalid=_("Enter an e-mail address in the form name@example.org."),
        )
        fields["subject"].label = _("Subject (optional)")
        fields["message"].label = _("Your question")
        fields["message"].help_text = _(
            "Between %(min)d and %(max)d characters. Say who you are and what you would "
            "like to know."
        ) % {"min": fields["message"].min_length, "max": fields["message"].max_length}
        fields["message"].error_messages.update(
            required=_("Write your question."),
            min_length=_(
                "Write at least %(limit_value)d characters (you wrote %(show_value)d), "
                "so they know what you are asking."
            ),
            max_length=_(
                "Keep your message to %(limit_value)d characters (it has %(show_value)d)."
            ),
        )
        fields["website"].label = _("Leave this field empty")

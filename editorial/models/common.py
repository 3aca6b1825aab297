"""Model fields the editorial content types share: lists of choices and time zones."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from editorial.zones import validate_zone, zone_choices

SEPARATOR = ","


class ChoiceListField(models.CharField):
    """Several values of one fixed vocabulary in a text column: ",doctoral,early-career,".

    Why not JSON or an array: SQLite has neither a containment lookup nor arrays, and
    the listings filter on these values. With the separator at both ends,
    `field__contains=",value,"` (see `has_choice`) matches one whole value and no
    other on both databases. An empty list means "no restriction" to the models
    that use it. The Python value is a list of strings.
    """

    description = "A list of values from a fixed vocabulary"

    def __init__(self, *args: Any, item_choices: Any = (), **kwargs: Any) -> None:
        self.item_choices = list(item_choices)
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = [(value, str(label)) for value, label in self.item_choices]
        if kwargs.get("max_length") == 255:
            del kwargs["max_length"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        if kwargs.get("default") is list:
            del kwargs["default"]
        return name, path, args, kwargs

    @property
    def allowed(self) -> list[str]:
        return [value for value, _label in self.item_choices]

    def to_python(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, (list, tuple)):
            return [str(item) for item in value if str(item)]
        return [item for item in str(value).split(SEPARATOR) if item]

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[str]:
        return self.to_python(value)

    def get_prep_value(self, value: Any) -> str:
        items = self.to_python(value)
        if not items:
            return ""
        order = {v: i for i, v in enumerate(self.allowed)}
        items = sorted(set(items), key=lambda item: (order.get(item, len(order)), item))
        return SEPARATOR + SEPARATOR.join(items) + SEPARATOR

    def value_to_string(self, obj: models.Model) -> str:
        # Revisions store this; `to_python` reads it back.
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        items = self.to_python(value)
        if not items and not self.blank:
            raise ValidationError(self.error_messages["blank"], code="blank")
        unknown = [item for item in items if item not in self.allowed]
        if unknown:
            raise ValidationError(
                _("Not one of the choices: %(values)s."),
                code="invalid_choice",
                params={"values": ", ".join(unknown)},
            )

    def run_validators(self, value: Any) -> None:
        # CharField's max-length validator would measure the list, not the text.
        super().run_validators(self.get_prep_value(value))

    def formfield(self, **kwargs: Any) -> forms.Field:
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.item_choices,
            "coerce": str,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        defaults.pop("max_length", None)
        return form_class(**defaults)


def has_choice(field: str, value: str) -> Q:
    """Rows whose `ChoiceListField` `field` holds `value`."""
    return Q(**{f"{field}__contains": f"{SEPARATOR}{value}{SEPARATOR}"})


class TimeZoneField(models.CharField):
    """An IANA time zone name ("America/Santiago"), chosen from a list.

    The list is built when the form is, from the machine's zone database, so it is not
    frozen into migrations as `choices` would be.
    """

    description = "An IANA time zone name"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_zone)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> forms.Field:
        return forms.TypedChoiceField(
            choices=zone_choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            initial=self.default if self.has_default() else None,
            **{key: value for key, value in kwargs.items() if key in ("widget",)},
        )

import json

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries

register = template.Library()

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.filter
def json_ld(data: dict) -> str:
    """Serialise JSON-LD for a <script> element without letting it close the element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))


@register.filter
def country_name(code: str) -> str:
    return countries.name(code) or code


@register.filter
def initials(name: str) -> str:
    """ "Ana María Pérez" -> "AM": the first letters of the first two words, as the
    directory's cards show for a researcher without a photo."""
    return "".join(word[:1] for word in str(name).split()[:2]).upper()


@register.filter
def lower_words(label: str) -> str:
    """Lower case for use mid-sentence, sparing acronyms: "PhD supervision" ->
    "PhD supervision", "Visiting / exchange" -> "visiting / exchange"."""
    return " ".join(
        word if any(char.isupper() for char in word[1:]) else word.lower()
        for word in str(label).split(" ")
    )


@register.simple_tag
def dotted(*parts) -> SafeString:
    """The non-empty parts joined by " · ": a card's "job · institution · country"
    line never starts, ends or doubles with a separator when a part is missing."""
    return mark_safe(" · ".join(conditional_escape(part) for part in parts if part))

import json

from django import template
from django.utils.safestring import mark_safe
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

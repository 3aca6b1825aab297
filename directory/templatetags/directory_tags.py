import json

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from directory import labels
from directory.localized_urls import in_language

register = template.Library()

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}

#: Link labels the directory writes itself (the import's website column, the demo's
#: group pages): shown in the reader's language. Labels people typed stay as typed.
AUTOMATIC_LINK_LABELS = {"Website": _("Website"), "Group page": _("Group page")}

#: Under a biography shown in another language than the page's.
BIO_LANGUAGE_NOTES = {
    "en": _("This biography is in English."),
    "es": _("This biography is in Spanish."),
    "pt-br": _("This biography is in Portuguese."),
}


@register.filter
def json_ld(data: dict) -> str:
    """Serialise JSON-LD for a <script> element without letting it close the element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))


@register.filter
def country_name(code: str) -> str:
    """The country's name in the active language (django-countries translates them)."""
    return countries.name(code) or code


@register.filter
def choice_label(value: str, vocabulary: str) -> str:
    """`{{ page.career_stage|choice_label:"career_stage" }}`: `directory.labels.choice_label`."""
    return labels.choice_label(vocabulary, value) if value else ""


@register.filter
def lang_url(url: str) -> str:
    """A link to this site in the active language (`directory.localized_urls`)."""
    return in_language(str(url))


@register.filter
def link_label(link) -> str:
    """A profile link's label; the ones the directory wrote itself in the reader's language."""
    label = str(link)
    return str(AUTOMATIC_LINK_LABELS.get(label, label))


@register.simple_tag
def bio_language_note(language: str) -> str:
    """ "This biography is in Spanish.", in the active language."""
    return str(BIO_LANGUAGE_NOTES.get(language, ""))


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

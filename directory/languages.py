"""Which interface language a researcher writes and reads in, from what their profile says.

A profile's biography has an original language (`bio_language`) and the contact form
writes to a researcher in their `preferred_language`; both are one of the site's
interface languages (en, es, pt-br). When nobody chose, both start from the languages
the researcher speaks: `language_from_profile` is that one rule, shared by the model's
`save()`, bulk creation, the CSV import and the data migration that filled existing
profiles.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from common.i18n import DEFAULT_LANGUAGE

#: The choices of `bio_language` and `preferred_language`: the interface languages,
#: each named in its own language, as the site's language switch names them.
INTERFACE_LANGUAGE_CHOICES = [
    ("en", "English"),
    ("es", "Español"),
    ("pt-br", "Português (Brasil)"),
]
INTERFACE_LANGUAGES = tuple(code for code, _name in INTERFACE_LANGUAGE_CHOICES)

#: ISO 639-1 codes of spoken languages (`directory.Language`) that are interface languages.
SPOKEN_TO_INTERFACE = {"en": "en", "es": "es", "pt": "pt-br"}

#: When someone speaks several, the one used in the country they work in wins; failing
#: that, Spanish, then Portuguese (someone who lists them besides English reads them).
_SPANISH_SPEAKING = frozenset(
    "AR BO CL CO CR CU DO EC ES GQ GT HN MX NI PA PE PR PY SV UY VE".split()  # noqa: SIM905
)
_PORTUGUESE_SPEAKING = frozenset("AO BR CV GW MZ PT ST TL".split())  # noqa: SIM905
_ENGLISH_SPEAKING = frozenset("AU CA GB IE NZ US".split())  # noqa: SIM905
_PREFERENCE = ("es", "pt-br", "en")

#: What the CSV import accepts for a language column (compared case-insensitively).
IMPORT_NAMES = {
    "en": "en",
    "english": "en",
    "inglés": "en",
    "ingles": "en",
    "inglês": "en",
    "es": "es",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "espanhol": "es",
    "pt": "pt-br",
    "pt-br": "pt-br",
    "pt_br": "pt-br",
    "portuguese": "pt-br",
    "português": "pt-br",
    "portugues": "pt-br",
    "portugués": "pt-br",
}

HELP_BIO_LANGUAGE = _(
    "The language the biography above is written in. Leave empty to take the main "
    "language they speak (English if none of English, Spanish or Portuguese)."
)
HELP_PREFERRED_LANGUAGE = _(
    "Messages from the contact form reach them in this language. Leave empty to take "
    "it from the languages they speak."
)


def country_language(country_code: str) -> str | None:
    """The interface language spoken in a country, if it is one of ours."""
    code = (country_code or "").upper()
    if code in _SPANISH_SPEAKING:
        return "es"
    if code in _PORTUGUESE_SPEAKING:
        return "pt-br"
    if code in _ENGLISH_SPEAKING:
        return "en"
    return None


def language_from_profile(spoken: Iterable[str], country_code: str = "") -> str:
    """The interface language for someone who speaks `spoken` (ISO 639-1 codes).

    Spanish speakers get Spanish and Portuguese speakers Portuguese; when someone
    speaks more than one of the three, the language of the country they work in
    decides (a British researcher who also speaks Spanish still gets English), and
    otherwise Spanish before Portuguese before English. English when they speak none.
    """
    ours = {SPOKEN_TO_INTERFACE[code] for code in spoken if code in SPOKEN_TO_INTERFACE}
    if not ours:
        return DEFAULT_LANGUAGE
    local = country_language(country_code)
    if local in ours:
        return local
    return next(language for language in _PREFERENCE if language in ours)


def parse_interface_language(value: str) -> str | None:
    """The interface language a CSV cell names ("es", "pt-BR", "Português"…), or None."""
    return IMPORT_NAMES.get(" ".join(value.split()).casefold().replace(" ", "-"))


def alphabetical(text: str) -> str:
    """A sort key that orders names as a reader expects: "Árabe" between "Alemán" and
    "Catalán", whatever the case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()

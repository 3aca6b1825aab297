"""Validators for researcher identifiers.

ORCID iDs carry an ISO 7064 MOD 11-2 check character; checking it catches the
typos that a format check alone lets through.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORCID_RE = re.compile(r"^(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])$")
ORCID_URL_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_URL_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")


def orcid_check_character(base_digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str) -> str:
    """Strip an orcid.org URL prefix and upper-case the check character."""
    value = (value or "").strip()
    for prefix in ORCID_URL_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
            break
    return value.upper()


def validate_orcid(value: str) -> None:
    orcid = normalise_orcid(value)
    if not ORCID_RE.match(orcid):
        raise ValidationError(
            _(
                "%(value)s is not an ORCID iD: expected four groups of four digits, "
                "like 0000-0002-1825-0097."
            ),
            params={"value": value},
            code="orcid_format",
        )
    digits = orcid.replace("-", "")
    if orcid_check_character(digits[:15]) != digits[15]:
        raise ValidationError(
            _("%(value)s is not a valid ORCID iD: its check digit does not match."),
            params={"value": value},
            code="orcid_checksum",
        )


def normalise_doi(value: str) -> str:
    value = (value or "").strip()
    for prefix in DOI_URL_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
            break
    return value


def validate_doi(value: str) -> None:
    if not DOI_RE.match(normalise_doi(value)):
        raise ValidationError(
            _("%(value)s is not a DOI: expected a form like 10.1000/xyz123."),
            params={"value": value},
            code="doi_format",
        )

"""Counts read right in each language (tests/test_catalogues.py checks that every
plural entry has every form its language has)."""

import pytest
from django.utils import translation
from django.utils.translation import ngettext


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("es", 1, "1 perfil"),
        ("es", 5, "5 perfiles"),
        ("es", 1000000, "1000000 perfiles"),
        ("pt-br", 1, "1 perfil"),
        ("pt-br", 5, "5 perfis"),
    ],
)
def test_counts_agree_with_their_number(language, n, expected):
    with translation.override(language):
        assert ngettext("%(count)s profile", "%(count)s profiles", n) % {"count": n} == expected

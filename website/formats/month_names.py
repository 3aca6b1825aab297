"""Month names as the `F` date format writes them, for our catalogue to correct.

Django's Brazilian Portuguese catalogue capitalises months ("15 de Junho de 2026"),
which Brazilian Portuguese does not; these msgids are Django's own (`MONTHS` in
django.utils.dates), so our catalogue, found before Django's, gives "junho". Nothing
imports this module: it is here for `makemessages` to find the strings.
"""

from django.utils.translation import gettext_noop

MONTHS = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
]

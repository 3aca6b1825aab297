"""English as the network writes it: British order, month in full (4 December 2026, 14:30).

Django's en_GB formats, with the month spelt out in dates as the site always showed it.
"""

from django.conf.locale.en_GB.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"

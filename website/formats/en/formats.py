"""English as the network writes it: British dates and times (4 December 2026, 14:30)."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

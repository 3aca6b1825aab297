"""Demo content of the editorial app, added when the directory's demo data is loaded."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.utils.translation import gettext as _

from common.demo import demo_data_loaded


@receiver(demo_data_loaded, dispatch_uid="editorial-demo-content")
def load_editorial_demo(sender: Any, user: Any, log: Any, **kwargs: Any) -> None:
    from editorial.demo import load_demo_opportunities
    from editorial.demo_events import fill_demo_facilities, load_demo_events
    from editorial.demo_translations import translate_demo_news

    log(_("Publishing opportunities, events and translated news…"))
    load_demo_opportunities(user)
    fill_demo_facilities(user)
    load_demo_events(user)
    translate_demo_news(user)

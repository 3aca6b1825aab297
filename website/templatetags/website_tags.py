"""Template tags shared by every public page: the document title and the pager."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.core.paginator import Page
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

#: Page numbers shown either side of the current page and at each end of the pager.
ON_EACH_SIDE = 2
ON_ENDS = 1


@register.filter(needs_autoescape=True)
def with_site_name(title: str, autoescape: bool = True) -> SafeString:
    """`title · site name`, or just the site name when the title already is it.

    The home page's title is usually the site's name: "Name · Name" reads as a bug
    in a browser tab or a search engine's result. `title` is rendered template
    output (already escaped), as `{% filter with_site_name %}` hands it over.
    """
    site_name = conditional_escape(getattr(settings, "WAGTAIL_SITE_NAME", "") or "")
    title = " ".join(str(title).split())
    if not title or title == site_name:
        return mark_safe(site_name)
    if not site_name:
        return mark_safe(title)
    # Translators: the document title, e.g. "Direct lithium extraction · Network name".
    return mark_safe(_("%(title)s · %(site)s") % {"title": title, "site": site_name})


@register.simple_tag
def elided_page_range(page_obj: Page) -> list:
    """Page numbers around the current page, 1 … 4 5 [6] 7 8 … 20, from Django's
    `Paginator.get_elided_page_range` (gaps are `Paginator.ELLIPSIS`)."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS
        )
    )

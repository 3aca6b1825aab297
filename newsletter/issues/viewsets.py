"""The "Issues" entry of the admin's Newsletter menu: every issue, its sending state, "Add".

A `PageListingViewSet` (Wagtail's flat listing of one page type) rather than the
explorer, so that issues are one click away without knowing where the archive
page sits in the tree. Its "Add" button is Wagtail's choose-parent view, which
goes straight to the editor when there is one archive to add to.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import IndexView
from wagtail.admin.viewsets.pages import PageListingViewSet

from newsletter.wagtail_hooks import NEWSLETTER_MENU_HOOK

from .models import DispatchState, NewsletterIssuePage


def sending_state(issue: NewsletterIssuePage) -> str:
    """ "Not sent", "Scheduled for …", "Sending", "Sent on …": what the list needs to show.

    A translation shows its English issue's state, marked as such: it is sent with it.
    """
    dispatch = getattr(issue, "dispatch", None)
    if dispatch is None and issue.is_translation:
        state = sending_state(issue.source_issue) if issue.source_issue else None
        if state is None:
            return gettext("Translation (no English issue)")
        return gettext("With the English issue: %(state)s") % {"state": state}
    if dispatch is None:
        return str(DispatchState.DRAFT.label)
    if dispatch.state == DispatchState.SCHEDULED and dispatch.scheduled_at:
        when = date_format(timezone.localtime(dispatch.scheduled_at), "SHORT_DATETIME_FORMAT")
        return gettext("Scheduled for %(when)s") % {"when": when}
    if dispatch.state == DispatchState.SENT and dispatch.finished_at:
        when = date_format(timezone.localtime(dispatch.finished_at), "SHORT_DATE_FORMAT")
        return gettext("Sent on %(when)s") % {"when": when}
    return str(dispatch.get_state_display())


class IssueIndexView(IndexView):
    def get_base_queryset(self) -> Any:
        # One query for the sending states, not one a row.
        return super().get_base_queryset().select_related("dispatch")


class IssueListingViewSet(PageListingViewSet):
    model = NewsletterIssuePage
    name = "newsletter_issue_list"
    url_prefix = "newsletter/issues"
    icon = "mail"
    menu_label = gettext_lazy("Issues")
    menu_hook = NEWSLETTER_MENU_HOOK
    menu_order = 0  # first in the menu
    index_view_class = IssueIndexView
    columns = [
        *IndexView.base_columns,
        Column("sending", label=gettext_lazy("Sending"), accessor=sending_state, width="18%"),
    ]

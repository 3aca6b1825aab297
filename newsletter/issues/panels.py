"""A read-only status panel in the issue's editor: where the sending stands.

It never calls Mailchimp (an editor must not wait for, or fail on, a network call
to open a page); the sending page refreshes the remote status. On a translation
it shows the English issue's state: a translation is sent with it.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from wagtail.admin.panels import Panel


class IssueStatusPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "newsletter_issues/admin/status_panel.html"

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            from .models import SEND_PERMISSION
            from .services import status

            context = super().get_context_data(parent_context) or {}
            page = self.instance
            if not page.pk:
                context["unsaved"] = True
                return context
            if page.is_translation:
                # Content only: the English issue's sending state, and the way there.
                context["translation"] = True
                source = page.source_issue
                if source is not None:
                    context["source_edit_url"] = reverse(
                        "wagtailadmin_pages:edit", args=[source.pk]
                    )
                    context.update(status(source, remote=False))
                return context
            context.update(status(page, remote=False))
            if self.request.user.has_perm(SEND_PERMISSION):
                context["sending_url"] = reverse("newsletter_issues_sending", args=[page.pk])
            return context


class NewListingsPanel(Panel):
    """What "published since the last issue" holds right now: the suggestions an editor
    can leave to the checkbox, or pick from (and order) in the choosers below."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "newsletter_issues/admin/new_listings_panel.html"

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            from .listings import (
                live_events,
                live_opportunities,
                one_per_story,
                published_since,
                since_last_issue,
            )

            context = super().get_context_data(parent_context) or {}
            page = self.instance
            since = since_last_issue(page) if page.pk else since_last_issue_for_new()
            context["since"] = since
            context["opportunities"] = one_per_story(
                published_since(live_opportunities(), since).order_by("first_published_at")
            )
            context["events"] = one_per_story(
                published_since(live_events(), since).order_by("first_published_at")
            )
            return context


def since_last_issue_for_new() -> Any:
    """For an issue not saved yet: since the latest issue sent."""
    from django.utils import timezone

    from .listings import FIRST_ISSUE_WINDOW, last_issue_sent_at

    return last_issue_sent_at() or timezone.now() - FIRST_ISSUE_WINDOW

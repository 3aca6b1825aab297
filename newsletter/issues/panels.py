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

"""Admin wiring for issues: the menu entry, the sending page, its links, the permission, the log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from common import converters  # noqa: F401 (registers <id:...>)

from .models import SEND_PERMISSION, SEND_PERMISSION_CODENAME, NewsletterIssuePage
from .views import IssueSendingView
from .views_digest import digest_preview
from .viewsets import IssueListingViewSet


@hooks.register("register_admin_viewset")
def register_issue_listing() -> IssueListingViewSet:
    """ "Issues" in the Newsletter menu (see `newsletter.wagtail_hooks`)."""
    return IssueListingViewSet()


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [
        path(
            "newsletter-issues/<id:page_id>/send/",
            IssueSendingView.as_view(),
            name="newsletter_issues_sending",
        ),
        path(
            "newsletter/digest-preview/<int:subscriber_id>/",
            digest_preview,
            name="newsletter_digest_preview",
        ),
    ]


@hooks.register("register_permissions")
def register_permissions() -> Any:
    """Makes "Can send newsletter issues" appear in Wagtail's group editor."""
    return Permission.objects.filter(
        content_type__app_label="newsletter_issues", codename=SEND_PERMISSION_CODENAME
    )


def _is_issue(page: Any) -> bool:
    """An English issue: translations are content, sent with it (no button of their own)."""
    if page is None:
        return False
    specific = page.specific_deferred
    return isinstance(specific, NewsletterIssuePage) and not specific.is_translation


class SendMenuItem(ActionMenuItem):
    """ "Send newsletter…" in the editor's action menu (below Publish)."""

    label = _("Send newsletter…")
    name = "action-send-newsletter"
    icon_name = "mail"

    def is_shown(self, context: dict[str, Any]) -> bool:
        return (
            context["view"] == "edit"
            and _is_issue(context.get("page"))
            and context["request"].user.has_perm(SEND_PERMISSION)
        )

    def get_url(self, parent_context: dict[str, Any]) -> str:
        return reverse("newsletter_issues_sending", args=[parent_context["page"].pk])


@hooks.register("register_page_action_menu_item")
def register_send_menu_item() -> ActionMenuItem:
    return SendMenuItem(order=35)


class SendButton(PageMenuItem):
    label = _("Send newsletter…")
    icon_name = "mail"
    url_name = "newsletter_issues_sending"
    priority = 40

    def is_shown(self, user: Any) -> bool:
        return _is_issue(self.page) and user.has_perm(SEND_PERMISSION)


@hooks.register("register_page_header_buttons")
def page_header_buttons(
    page: Any, user: Any, view_name: str, next_url: str | None = None
) -> Iterator[PageMenuItem]:
    yield SendButton(page=page)


@hooks.register("register_page_listing_more_buttons")
def page_listing_more_buttons(
    page: Any, user: Any, next_url: str | None = None
) -> Iterator[PageMenuItem]:
    yield SendButton(page=page)


@hooks.register("register_log_actions")
def register_log_actions(actions: Any) -> None:
    actions.register_action(
        "newsletter_issues.send_test", _("Newsletter: test sent"), _("Test sent")
    )
    actions.register_action("newsletter_issues.send", _("Newsletter: sent"), _("Issue sent"))
    actions.register_action(
        "newsletter_issues.schedule", _("Newsletter: scheduled"), _("Issue scheduled")
    )
    actions.register_action(
        "newsletter_issues.unschedule",
        _("Newsletter: schedule cancelled"),
        _("Schedule cancelled"),
    )

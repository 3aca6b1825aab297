"""Admin: "Invite to claim" as a bulk action on chosen researcher profiles."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.views.pages.bulk_actions.page_bulk_action import PageBulkAction

from accounts.invitations import invite_all
from directory.models import ResearcherPage


@hooks.register("register_bulk_action")
class InviteBulkAction(PageBulkAction):
    display_name = _("Invite to claim")
    action_type = "invite_researchers"
    aria_label = _("Invite the chosen researchers to claim their profiles")
    template_name = "accounts/admin/confirm_bulk_invite.html"
    action_priority = 80

    def check_perm(self, page) -> bool:
        return (
            isinstance(page.specific_deferred, ResearcherPage)
            and page.permissions_for_user(self.request.user).can_edit()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["invitation_days"] = settings.ACCOUNTS_INVITATION_INTERVAL_DAYS
        return context

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        profiles = [page.specific for page in objects]
        report = invite_all(
            [page for page in profiles if isinstance(page, ResearcherPage)], sent_by=user
        )
        return report.sent, 0

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        return ngettext(
            "%(count)d invitation sent (profiles with an account, without an address or "
            "invited recently were skipped).",
            "%(count)d invitations sent (profiles with an account, without an address or "
            "invited recently were skipped).",
            num_parent_objects,
        ) % {"count": num_parent_objects}

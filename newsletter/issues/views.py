"""The sending page of an issue: status, "Send test", "Send now", "Schedule".

A page of its own (linked from the editor's action menu, header and status
panel) rather than buttons inside the edit form, because sending is not saving:
it must not depend on unsaved form state, it needs its own confirmation, and it
must be refused (403) to editors who may edit but not send.

Every backend failure arrives as a `CampaignError` and is shown as an admin
error message; the request itself always succeeds.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from newsletter.models import Subscriber, SubscriberStatus

from . import services
from .campaigns import CampaignError, get_backend
from .forms import ScheduleForm, SendNowForm, SendTestForm
from .models import SEND_PERMISSION, DispatchBackend, DispatchState, NewsletterIssuePage

logger = logging.getLogger(__name__)

ACTIONS = ("test", "send", "schedule", "unschedule")
PUBLISHED = "The issue was published, so that its web version is what subscribers receive. "


class IssueSendingView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "newsletter_issues/admin/sending.html"
    header_icon = "mail"
    page_title = "Send newsletter issue"

    issue: NewsletterIssuePage

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        self.issue = get_object_or_404(NewsletterIssuePage, pk=kwargs["page_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return self.issue.get_admin_display_title()

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.issue.pk]),
                "label": self.issue.get_admin_display_title(),
            },
            {"url": "", "label": "Send"},
        ]

    def url(self) -> str:
        return reverse("newsletter_issues_sending", args=[self.issue.pk])

    def forms(self, bound: str = "", data: Any = None) -> dict[str, Form]:
        return {
            "test": SendTestForm(
                data if bound == "test" else None,
                prefix="test",
                initial={"email": self.request.user.email},
            ),
            "send": SendNowForm(data if bound == "send" else None, prefix="send"),
            "schedule": ScheduleForm(data if bound == "schedule" else None, prefix="schedule"),
        }

    def estimated_recipients(self) -> int | None:
        """Local list only (Mailchimp's count comes from the campaign)."""
        if get_backend().name != DispatchBackend.LOCAL:
            return None
        version = services.latest_version(self.issue)
        subscribers = Subscriber.objects.filter(status=SubscriberStatus.SUBSCRIBED)
        topic_ids = [topic.pk for topic in version.target_topics.all()]
        if topic_ids:
            subscribers = subscribers.filter(Q(topics__in=topic_ids)).distinct()
        return subscribers.count()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        info = services.status(self.issue)
        dispatch = info.get("dispatch")
        state = dispatch.state if dispatch else DispatchState.DRAFT
        version = services.latest_version(self.issue)
        context.update(info)
        context.update(
            issue=self.issue,
            version=version,
            forms=kwargs.get("forms") or self.forms(),
            can_send=state == DispatchState.DRAFT,
            needs_publishing=services.needs_publishing(self.issue),
            can_publish=self.issue.permissions_for_user(self.request.user).can_publish(),
            can_unschedule=state == DispatchState.SCHEDULED,
            backend_name=get_backend().name,
            estimated_recipients=self.estimated_recipients(),
            action_url=self.url(),
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.issue.pk]),
            preview_url=reverse("wagtailadmin_pages:view_draft", args=[self.issue.pk]),
            target_topics=list(version.target_topics.all()),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            messages.error(request, "Unknown action.")
            return HttpResponseRedirect(self.url())
        forms = self.forms(bound=action, data=request.POST)
        form = forms.get(action)
        if form is not None and not form.is_valid():
            messages.error(request, "Please correct the errors below.")
            return self.render_to_response(self.get_context_data(forms=forms))
        user = request.user
        try:
            if action == "test":
                email = form.cleaned_data["email"]
                services.send_test(self.issue, email=email, user=user)
                messages.success(request, f"Test e-mail sent to {email}.")
            elif action == "send":
                published = services.publish_for_sending(self.issue, user=user)
                dispatch = services.send_now(self.issue, user=user)
                if dispatch.backend == DispatchBackend.LOCAL:
                    sent = "The issue is being sent in the background; progress is below."
                else:
                    sent = "Mailchimp is sending the campaign."
                messages.success(request, f"{PUBLISHED if published else ''}{sent}")
            elif action == "schedule":
                when = form.cleaned_data["when"]
                published = services.publish_for_sending(self.issue, user=user)
                services.schedule(self.issue, when=when, user=user)
                messages.success(
                    request,
                    f"{PUBLISHED if published else ''}Scheduled for {when:%Y-%m-%d %H:%M %Z}.",
                )
            else:
                services.unschedule(self.issue, user=user)
                messages.success(request, "The schedule was cancelled; the issue is a draft again.")
        except CampaignError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(self.url())

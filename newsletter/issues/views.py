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
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from newsletter.languages import SOURCE_LANGUAGE
from newsletter.models import NewsletterLanguage, Subscriber, SubscriberStatus

from . import services
from .campaigns import CampaignError, get_backend
from .forms import ScheduleForm, SendNowForm, SendTestForm
from .models import SEND_PERMISSION, DispatchBackend, DispatchState, NewsletterIssuePage
from .translations import live_translations

logger = logging.getLogger(__name__)

ACTIONS = ("test", "send", "schedule", "unschedule")


def published_note() -> str:
    return gettext("The issue was published, so that its web version is what subscribers receive.")


class IssueSendingView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "newsletter_issues/admin/sending.html"
    header_icon = "mail"
    page_title = gettext_lazy("Send newsletter issue")

    issue: NewsletterIssuePage

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        self.issue = get_object_or_404(NewsletterIssuePage, pk=kwargs["page_id"])
        if self.issue.is_translation:
            # Translations are content: the English issue sends them. Go there.
            source = self.issue.source_issue
            messages.info(
                request,
                gettext("A translation is sent with its English issue: send it from there."),
            )
            if source is not None:
                return HttpResponseRedirect(reverse("newsletter_issues_sending", args=[source.pk]))
            return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=[self.issue.pk]))
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
            {"url": "", "label": gettext("Send")},
        ]

    def url(self) -> str:
        return reverse("newsletter_issues_sending", args=[self.issue.pk])

    def languages(self) -> list[tuple[str, str]]:
        """(code, name) of the versions that go out: English first, then the published
        translations (while a draft) or the frozen ones (once sent or scheduled)."""
        dispatch = services.dispatch_for(self.issue)
        if dispatch is not None and dispatch.state != DispatchState.DRAFT:
            codes = [edition.language for edition in dispatch.editions.all()]
        else:
            codes = sorted(live_translations(self.issue))
        return [(code, str(NewsletterLanguage(code).label)) for code in [SOURCE_LANGUAGE, *codes]]

    def forms(self, bound: str = "", data: Any = None) -> dict[str, Form]:
        return {
            "test": SendTestForm(
                data if bound == "test" else None,
                prefix="test",
                initial={"email": self.request.user.email},
                languages=self.languages(),
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
            languages=self.languages(),
            can_send=state == DispatchState.DRAFT or info.get("partly_sent", False),
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
            messages.error(request, gettext("Unknown action."))
            return HttpResponseRedirect(self.url())
        forms = self.forms(bound=action, data=request.POST)
        form = forms.get(action)
        if form is not None and not form.is_valid():
            messages.error(request, gettext("Please correct the errors below."))
            return self.render_to_response(self.get_context_data(forms=forms))
        user = request.user
        try:
            if action == "test":
                email = form.cleaned_data["email"]
                language = form.cleaned_data.get("language") or SOURCE_LANGUAGE
                services.send_test(self.issue, email=email, user=user, language=language)
                messages.success(
                    request,
                    gettext("Test e-mail (%(language)s) sent to %(email)s.")
                    % {"language": NewsletterLanguage(language).label, "email": email},
                )
            elif action == "send":
                published = services.publish_for_sending(self.issue, user=user)
                dispatch = services.send_now(self.issue, user=user)
                if dispatch.backend == DispatchBackend.LOCAL:
                    sent = gettext("The issue is being sent in the background; progress is below.")
                else:
                    sent = gettext("Mailchimp is sending the campaigns.")
                messages.success(request, f"{published_note()} {sent}" if published else sent)
            elif action == "schedule":
                when = form.cleaned_data["when"]
                published = services.publish_for_sending(self.issue, user=user)
                services.schedule(self.issue, when=when, user=user)
                scheduled = gettext("Scheduled for %(when)s.") % {
                    "when": date_format(timezone.localtime(when), "DATETIME_FORMAT")
                }
                messages.success(
                    request, f"{published_note()} {scheduled}" if published else scheduled
                )
            else:
                services.unschedule(self.issue, user=user)
                messages.success(
                    request, gettext("The schedule was cancelled; the issue is a draft again.")
                )
        except CampaignError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(self.url())

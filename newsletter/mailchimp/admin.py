"""The Wagtail admin view of the Mailchimp outbox: what is queued, retrying or failed, and why.

Read-only on purpose (a change is the record of what the site owes Mailchimp,
not something to edit); the one action is "Retry now". Registered in the admin
menu by `newsletter/wagtail_hooks.py` through `PendingChangeViewSet`.

Every change names a subscriber's address, so the screens are for people who may
see the subscribers: `PendingChangePermissionPolicy` asks for a permission on
`PendingChange` *and* one that shows the Subscribers list.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from common import converters  # noqa: F401 (registers <id:...>)
from newsletter.mailchimp.models import PendingChange
from newsletter.mailchimp.outbox import retry_now
from newsletter.models import Subscriber

ATTENTION = "attention"
NEEDS_ATTENTION = (
    PendingChange.State.QUEUED,
    PendingChange.State.RETRYING,
    PendingChange.State.FAILED,
)


class PendingChangePermissionPolicy(ModelPermissionPolicy):
    """A permission on the queue counts only for users who may also list subscribers.

    Wagtail's default Editors and Moderators hold "view" and "change" on
    `PendingChange` (mailchimp migration 0002) but nothing on `Subscriber`; the
    queue lists and searches addresses, so without this they would see through it
    what the Subscribers screen refuses them.
    """

    #: What opens the Subscribers list (Wagtail's generic IndexView).
    SUBSCRIBER_LISTING = generic.IndexView.any_permission_required

    def _subscriber_policy(self) -> Any:
        return policy_registry.get_by_type(Subscriber)

    def user_has_permission(self, user: Any, action: str) -> bool:
        return super().user_has_permission(user, action) and (
            self._subscriber_policy().user_has_any_permission(user, self.SUBSCRIBER_LISTING)
        )

    def users_with_any_permission(self, actions: Any) -> Any:
        return (
            super()
            .users_with_any_permission(actions)
            .filter(
                pk__in=self._subscriber_policy()
                .users_with_any_permission(self.SUBSCRIBER_LISTING)
                .values("pk")
            )
        )


if policy_registry.get_by_type(PendingChange, fallback=False) is None:
    register_permission_policy(
        PendingChange, PendingChangePermissionPolicy(PendingChange), exact_class=True
    )


class PendingChangeFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("State"),
        choices=[
            (ATTENTION, gettext_lazy("Queued, retrying or failed")),
            *PendingChange.State.choices,
        ],
        empty_label=gettext_lazy("All"),
        method="filter_state",
        widget=forms.RadioSelect,
    )
    action = django_filters.ChoiceFilter(
        label=gettext_lazy("Action"),
        choices=PendingChange.Action.choices,
        empty_label=gettext_lazy("All"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = PendingChange
        fields = ["state", "action"]

    def filter_state(self, queryset: Any, name: str, value: str) -> Any:
        if value == ATTENTION:
            return queryset.filter(state__in=NEEDS_ATTENTION)
        return queryset.filter(state=value)


class PendingChangeIndexView(generic.IndexView):
    """Lists what needs attention by default; every state is a filter away."""

    retry_url_name: str | None = None

    def get_filterset_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs()
        data = kwargs["data"].copy()
        data.setdefault("state", ATTENTION)
        kwargs["data"] = data
        return kwargs

    def get_list_more_buttons(self, instance: PendingChange) -> list:
        buttons = super().get_list_more_buttons(instance)
        if instance.can_retry and self.inspect_url_name:
            url = reverse(self.inspect_url_name, args=(instance.pk,)) + "#retry"
            buttons.append(MenuItem(gettext("Retry now"), url=url, icon_name="rotate", priority=5))
        return buttons


class PendingChangeInspectView(generic.InspectView):
    retry_url_name: str | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.object.can_retry and self.retry_url_name and self.user_has_permission("change"):
            context["retry_url"] = reverse(self.retry_url_name, args=(self.object.pk,))
        return context


class RetryView(PermissionCheckedMixin, generic.BaseOperationView):
    """POST: put the change back at the front of the queue and wake the worker."""

    model = PendingChange
    permission_required = "change"
    index_url_name: str | None = None
    inspect_url_name: str | None = None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect(self.inspect_url_name, self.object.pk)

    def perform_operation(self) -> None:
        self.retried = retry_now(self.object)

    def add_success_message(self) -> None:
        if self.retried:
            messages.success(
                self.request, gettext("%(change)s is queued again.") % {"change": self.object}
            )
        else:
            messages.warning(
                self.request,
                gettext("%(change)s is already delivered.") % {"change": self.object},
            )

    def get_success_url(self) -> str:
        return self.next_url or reverse(self.index_url_name)


class PendingChangeViewSet(ModelViewSet):
    """Read-only listing of Mailchimp changes with their last error, plus "Retry now"."""

    model = PendingChange
    icon = "warning"
    menu_label = gettext_lazy("Mailchimp sync")
    add_to_admin_menu = False
    index_view_class = PendingChangeIndexView
    inspect_view_class = PendingChangeInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    filterset_class = PendingChangeFilterSet
    list_display = [
        "address",
        "action",
        "state",
        "attempts",
        "last_status",
        "error_summary",
        "next_attempt_at",
        "created_at",
    ]
    ordering = ["-created_at", "-id"]
    list_per_page = 50
    search_fields = ["email", "previous_email", "last_error"]
    inspect_view_fields = [
        "email",
        "previous_email",
        "subscriber",
        "action",
        "state",
        "confirm",
        "attempts",
        "next_attempt_at",
        "last_status",
        "last_error",
        "created_at",
        "updated_at",
        "delivered_at",
    ]

    def __init__(self, name: str = "mailchimp_changes", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for key in ("add_url_name", "edit_url_name", "delete_url_name", "copy_url_name"):
            view_kwargs[key] = None
        view_kwargs["retry_url_name"] = self.get_url_name("retry")
        return view_kwargs

    @property
    def inspect_template_name(self) -> list[str]:
        return ["newsletter_mailchimp/pendingchange_inspect.html"]

    @property
    def retry_view(self) -> Any:
        return self.construct_view(RetryView)

    def get_urlpatterns(self) -> list:
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<id:pk>/", self.inspect_view, name="inspect"),
            path("retry/<id:pk>/", self.retry_view, name="retry"),
        ]


pending_change_viewset = PendingChangeViewSet()

"""The "Newsletter" admin menu: subscribers, with their consent history and erasure.

Every save here goes through `newsletter.services`, so the Mailchimp sync hears
about admin edits (`subscriber_changed`) and erasures (`subscriber_erased`)
exactly as it does about the public pages'.

Other parts of the newsletter join the menu in either of two ways:
* add a viewset to `NewsletterViewSetGroup.items` below, or
* from their own wagtail_hooks.py, register a viewset with
  `menu_hook = NEWSLETTER_MENU_HOOK` through `register_admin_viewset`; it then
  appears in this group without touching this file.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList, Panel
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import ListingButton, MenuItem

from newsletter import services
from newsletter.admin_forms import SubscriberAdminForm
from newsletter.mailchimp.admin import PendingChangeViewSet
from newsletter.models import Subscriber

#: Hook name for viewsets that belong in the "Newsletter" menu (see module docstring).
NEWSLETTER_MENU_HOOK = "register_newsletter_menu_item"


class ConsentHistoryPanel(Panel):
    """Read-only: the timestamps and every consent row, which nobody may edit."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "newsletter/admin/consent_history_panel.html"

        def is_shown(self) -> bool:
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["subscriber"] = self.instance
            context["consents"] = list(self.instance.consents.all())
            return context


class SubscriberIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for button in buttons:
            if isinstance(button, MenuItem) and button.url == self.get_delete_url(instance):
                button.label = gettext("Erase")
        # The digest preview is registered by newsletter.issues (by URL name, so this
        # module does not import it).
        buttons.append(
            ListingButton(
                gettext("Preview weekly digest"),
                reverse("newsletter_digest_preview", args=[instance.pk]),
                icon_name="view",
                priority=50,
            )
        )
        return buttons


class SubscriberCreateView(generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        services.admin_created(instance, added_by=self.request.user.get_username())
        return instance


class SubscriberEditView(generic.EditView):
    delete_item_label = gettext_lazy("Erase")

    def save_instance(self):
        """Save everything but the address: a new address waits for its owner's confirmation."""
        previous = Subscriber.objects.values("email", "status").get(pk=self.object.pk)
        new_email = self.form.instance.email
        self.form.instance.email = previous["email"]
        instance = super().save_instance()
        services.admin_changed(
            instance,
            previous_email=previous["email"],
            previous_status=previous["status"],
            changed_by=self.request.user.get_username(),
            new_email=new_email,
        )
        return instance

    def get_success_message(self):
        if self.object.pending_email:
            return gettext(
                "Subscriber '%(subscriber)s' updated. The new address %(address)s replaces "
                "it once its owner confirms it from the e-mail sent to it."
            ) % {"subscriber": self.object, "address": self.object.pending_email}
        return super().get_success_message()


class SubscriberEraseView(generic.DeleteView):
    """The delete view, doing an erasure: the sync is told before the row goes."""

    page_title = gettext_lazy("Erase")
    success_message = gettext_lazy("Subscriber '%(object)s' erased.")

    @property
    def confirmation_message(self) -> str:
        return gettext(
            "Erase this subscriber permanently? Their details and consent history are "
            "deleted here and, when Mailchimp is connected, there too. To stop sending them "
            "e-mail but keep the record of their consent, set their status to unsubscribed "
            "instead."
        )

    def delete_action(self) -> None:
        services.erase(self.object)


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    name = "newsletter_subscribers"
    url_prefix = "newsletter/subscribers"
    icon = "user"
    menu_label = gettext_lazy("Subscribers")
    copy_view_enabled = False
    list_display = ["email", "full_name", "status", "language", "researcher", "created_at"]
    list_filter = ["status", "language", "topics"]
    search_fields = ["email", "first_name", "last_name"]
    search_backend_name = None  # plain ORM search: subscribers are not in the search index
    ordering = ["email"]
    index_view_class = SubscriberIndexView
    add_view_class = SubscriberCreateView
    edit_view_class = SubscriberEditView
    delete_view_class = SubscriberEraseView

    @cached_property
    def edit_handler(self):
        return ObjectList(
            [
                FieldPanel(
                    "email",
                    help_text=gettext_lazy(
                        "A new address is used only after its owner confirms it: they are "
                        "e-mailed a link, and until then the current address stays."
                    ),
                ),
                FieldPanel("pending_email", read_only=True),
                FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
                FieldPanel("language"),
                FieldPanel("status"),
                FieldPanel("topics"),
                FieldRowPanel([FieldPanel("country"), FieldPanel("career_stage")]),
                FieldPanel("digest", read_only=True),
                FieldPanel("digest_consent_at", read_only=True),
                FieldPanel(
                    "researcher",
                    read_only=True,
                    help_text=gettext_lazy(
                        "Linked automatically to the profile with the same address."
                    ),
                ),
                ConsentHistoryPanel(heading=gettext_lazy("Consent history")),
            ],
            base_form_class=SubscriberAdminForm,
        )


class NewsletterViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Newsletter")
    menu_icon = "mail"
    menu_order = 160
    submenu_hook = NEWSLETTER_MENU_HOOK
    #: Extend with further viewsets (e.g. the queue of Mailchimp changes).
    items: list = [SubscriberViewSet, PendingChangeViewSet]


@hooks.register("register_admin_viewset")
def register_newsletter_viewsets():
    return NewsletterViewSetGroup()

"""The "Directory" admin menu: researchers, taxonomies and institutions, and the CSV import.

Taxonomies are named in English, Spanish and Portuguese: the topic and language
listings show all three names, and "Vocabulary labels" lets editors reword the
fixed vocabularies (career stages, "open to", institution kinds, facility access,
countries) whose labels otherwise come from the catalogues.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from directory.models import (
    Facility,
    Institution,
    InstitutionRequest,
    Language,
    PendingErasure,
    ResearcherPage,
    Topic,
)
from directory.models.taxonomy import VocabularyLabel


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    list_display = ["name", "name_es", "name_pt", "parent", "slug"]
    list_filter = ["parent"]
    search_fields = ["name", "name_es", "name_pt", "synonyms"]
    ordering = ["sort_order", "name"]


class InstitutionViewSet(SnippetViewSet):
    model = Institution
    icon = "home"
    menu_label = _("Institutions")
    list_display = ["name", "acronym", "kind", "country", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "city"]
    ordering = ["name"]


class FacilityViewSet(SnippetViewSet):
    model = Facility
    icon = "cogs"
    menu_label = _("Facilities")
    list_display = ["name", "institution", "technique_type", "access", "contact"]
    list_filter = ["technique_type", "access"]
    search_fields = ["name", "techniques"]


class LanguageViewSet(SnippetViewSet):
    model = Language
    icon = "globe"
    menu_label = _("Languages")
    list_display = ["name", "name_es", "name_pt", "code", "native_name"]
    search_fields = ["name", "name_es", "name_pt", "native_name", "code"]


class VocabularyLabelViewSet(SnippetViewSet):
    """Editors' wording of fixed vocabularies; `directory.labels.choice_label` reads it."""

    model = VocabularyLabel
    icon = "edit"
    menu_label = _("Vocabulary labels")
    list_display = [
        "__str__",
        Column("catalogue_label", label=_("Label from the catalogue")),
        "name_en",
        "name_es",
        "name_pt",
    ]
    list_filter = ["vocabulary"]
    search_fields = ["value", "name_en", "name_es", "name_pt"]
    ordering = ["vocabulary", "value"]


class InstitutionRequestViewSet(SnippetViewSet):
    """Researchers' requests for a new institution: set the status to "Approved" to
    create it and make it the requester's institution (`InstitutionRequest.save`)."""

    model = InstitutionRequest
    icon = "help"
    menu_label = _("Institution requests")
    list_display = ["name", "country", "researcher", "status", "requested_at"]
    list_filter = ["status"]


class PendingErasureViewSet(SnippetViewSet):
    """What "Delete my profile and account" could not erase yet; retried by a task."""

    model = PendingErasure
    icon = "warning"
    menu_label = _("Pending erasures")
    list_display = ["section", "page_id", "attempts", "last_error", "created_at"]
    inspect_view_enabled = True


class DirectoryViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "group"
    menu_order = 150
    items = (
        TopicViewSet,
        InstitutionViewSet,
        FacilityViewSet,
        LanguageViewSet,
        VocabularyLabelViewSet,
        InstitutionRequestViewSet,
        PendingErasureViewSet,
    )


register_snippet(DirectoryViewSetGroup)


# --- The researcher CSV import (directory/admin_views.py), in the "Directory" menu ---
# Other hooks modules can add to the menu through the same hook.

from django.urls import path, reverse  # noqa: E402
from wagtail import hooks  # noqa: E402
from wagtail.admin.menu import MenuItem  # noqa: E402

from directory.admin_views import (  # noqa: E402
    ImportResearchersView,
    sample_csv,
    user_can_import,
)

DirectoryViewSetGroup.submenu_hook = "register_directory_menu_item"


class ResearcherListingViewSet(PageListingViewSet):
    """ "Researchers": every profile in one flat, searchable, filterable list.

    Profiles are pages below the directory page; Wagtail's page listing for one
    type finds them without walking the explorer, and its "Add" goes straight to
    the editor when there is one directory page.
    """

    model = ResearcherPage
    name = "directory_researchers"
    url_prefix = "directory/researchers"
    icon = "user"
    menu_label = _("Researchers")
    menu_hook = "register_directory_menu_item"
    menu_order = 0  # first in the menu


@hooks.register("register_admin_viewset")
def register_researcher_listing() -> ResearcherListingViewSet:
    return ResearcherListingViewSet()


@hooks.register("register_admin_urls")
def register_import_researchers_url():
    return [
        path(
            "directory/import-researchers/",
            ImportResearchersView.as_view(),
            name="directory_import_researchers",
        ),
        path(
            "directory/import-researchers/sample.csv",
            sample_csv,
            name="directory_import_researchers_sample",
        ),
    ]


class ImportResearchersMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return user_can_import(request.user)


@hooks.register("register_directory_menu_item")
def register_import_researchers_menu_item() -> MenuItem:
    return ImportResearchersMenuItem(
        _("Import researchers"),
        reverse("directory_import_researchers"),
        name="import-researchers",
        icon_name="upload",
        order=900,
    )


# --- A researcher's account sees no one else's drafts (directory/permissions.py) ---

from directory.permissions import public_or_own_pages, sees_only_public_pages  # noqa: E402


@hooks.register("construct_page_chooser_queryset")
def hide_unpublished_pages_from_profile_editors(pages, request):
    if sees_only_public_pages(request.user):
        return public_or_own_pages(pages, request.user)
    return pages


@hooks.register("construct_reports_menu")
def hide_page_types_report_from_profile_editors(request, menu_items) -> None:
    if sees_only_public_pages(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


# --- Reports from the contact form's "report abuse" link (directory/contact.py) ---

from directory.models import ContactReport  # noqa: E402


class ContactReportViewSet(SnippetViewSet):
    """Read by editors; deleting a report lifts the sender's block."""

    model = ContactReport
    icon = "warning"
    menu_label = _("Contact reports")
    add_to_admin_menu = False
    list_display = ["sender_name", "researcher", "subject", "message_sent_at", "reported_at"]
    search_fields = ["sender_name", "sender_email", "subject"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "researcher",
        "sender_name",
        "sender_email",
        "subject",
        "message_sent_at",
        "reported_at",
    ]


register_snippet(ContactReportViewSet)

"""The "Directory" admin menu: researchers, taxonomies and institutions, and the CSV import."""

from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from directory.models import Facility, Institution, Language, ResearcherPage, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = "Topics"
    list_display = ["name", "parent", "slug"]
    list_filter = ["parent"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]


class InstitutionViewSet(SnippetViewSet):
    model = Institution
    icon = "home"
    menu_label = "Institutions"
    list_display = ["name", "acronym", "kind", "country", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "city"]
    ordering = ["name"]


class FacilityViewSet(SnippetViewSet):
    model = Facility
    icon = "cogs"
    menu_label = "Facilities"
    list_display = ["name", "institution", "access"]
    list_filter = ["access"]
    search_fields = ["name", "techniques"]


class LanguageViewSet(SnippetViewSet):
    model = Language
    icon = "globe"
    menu_label = "Languages"
    list_display = ["name", "code", "native_name"]
    search_fields = ["name", "code"]


class DirectoryViewSetGroup(SnippetViewSetGroup):
    menu_label = "Directory"
    menu_icon = "group"
    menu_order = 150
    items = (TopicViewSet, InstitutionViewSet, FacilityViewSet, LanguageViewSet)


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
    menu_label = "Researchers"
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
        "Import researchers",
        reverse("directory_import_researchers"),
        name="import-researchers",
        icon_name="upload",
        order=900,
    )

"""/directory/: the page every researcher profile lives below, and its search."""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from common.i18n_pages import LocaleFallbackMixin
from directory.localized_urls import in_language


class DirectoryIndexPage(LocaleFallbackMixin, Page):
    """/directory/: every researcher profile lives below this page."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["directory.ResearcherPage"]
    max_count = 1
    # Its route reads only tree fields: /directory/<slug>/ skips fetching its intro.
    routes_on_tree_fields_only = True

    class Meta:
        verbose_name = _("researcher directory")
        verbose_name_plural = _("researcher directories")

    def get_context(self, request, *args, **kwargs):
        """One directory search (text, facets with counts, sort, page) from the URL.

        The URL parameters are q, topic, country, institution, career_stage,
        language, open_to, sort and page; `search.views.directory_context` reads
        them and asks the configured search engine.
        """
        from search.views import directory_context

        # The page's own URL in the visitor's language, so that searching and
        # filtering under /es/ stays under /es/ (directory/localized_urls.py).
        url = in_language(self.get_url(request) or "/directory/")
        context = super().get_context(request, *args, **kwargs)
        context.update(directory_context(request, url))
        return context

    def route(self, request, path_components):
        """A profile (/directory/<slug>/) in one query with everything it shows.

        Wagtail's own routing fetches the child, then its specific page, and the
        template then loads the institution and the photo one query each; this
        fetches the profile with those and prefetches its related objects at once
        (`with_profile_relations`). Anything else is routed as usual.
        """
        from directory.models.researchers import ResearcherPage

        if len(path_components) == 1:
            profile = (
                ResearcherPage.objects.child_of(self)
                .with_profile_relations()
                .filter(slug=path_components[0])
                .first()
            )
            if profile is not None:
                return profile.route(request, [])
        return super().route(request, path_components)

    @cached_property
    def researcher_count(self) -> int:
        """Listed profiles only: none behind a view restriction (see docs/search.md)."""
        from directory.models.researchers import ResearcherPage

        return ResearcherPage.objects.child_of(self).listed().count()

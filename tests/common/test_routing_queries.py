"""The queries common/ saves on every page (docs/performance.md) change no answer:
the view restrictions, the site root paths and the Locale rows are Wagtail's own."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page, PageViewRestriction, Site

from common.i18n_pages import site_root_paths
from tests.factories import ResearcherPageFactory, restrict

pytestmark = pytest.mark.django_db


def restriction_ids(page) -> tuple[set[int], set[int]]:
    """(ours, Wagtail's) view restrictions of `page`."""
    ours = set(page.get_view_restrictions().values_list("pk", flat=True))
    wagtails = set(Page.get_view_restrictions(page).values_list("pk", flat=True))
    return ours, wagtails


@pytest.mark.parametrize("on", ["profile", "directory", "nothing"])
def test_view_restrictions_are_wagtails_in_one_query(on):
    profile = ResearcherPageFactory(slug="kept-safe")
    expected = set()
    if on != "nothing":
        expected = {restrict(profile if on == "profile" else profile.get_parent()).pk}
    with CaptureQueriesContext(connection) as queries:
        ours = set(profile.get_view_restrictions().values_list("pk", flat=True))
    assert len(queries) == 1
    assert ours == expected == set(Page.get_view_restrictions(profile).values_list("pk", flat=True))


def test_an_alias_has_the_view_restrictions_of_its_source():
    source = ResearcherPageFactory(slug="the-source")
    alias = source.create_alias(update_slug="the-alias").specific
    restriction = restrict(source, PageViewRestriction.LOGIN)
    ours, wagtails = restriction_ids(alias)
    assert ours == wagtails == {restriction.pk}


def test_site_root_paths_are_wagtails_in_one_query():
    home = Site.objects.get(is_default_site=True).root_page
    home.copy_for_translation(Locale.objects.get(language_code="es"))
    cache.clear()
    wagtails = Site.get_site_root_paths()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        ours = site_root_paths()
    assert len(queries) == 1
    assert ours == wagtails
    assert {path.language_code for path in ours} == {"en", "es"}
    with CaptureQueriesContext(connection) as queries:
        assert site_root_paths() == wagtails  # from Wagtail's cache entry
    assert len(queries) == 0


def test_locales_are_remembered_until_one_is_saved():
    with CaptureQueriesContext(connection) as queries:
        first = Locale.get_default()
        again = Locale.get_default()
    assert len(queries) == 1
    assert first == again and first is not again  # a copy each time
    Locale.objects.get(language_code="es").save()
    with CaptureQueriesContext(connection) as queries:
        assert Locale.get_default() == first
    assert len(queries) == 1  # saving a Locale forgot the rows

"""Search URLs. Included at the site root, so the paths are complete."""

from django.urls import path

from search import api, views

urlpatterns = [
    path("api/directory/search", api.directory_search, name="directory_search_api"),
    path("api/directory/autocomplete", api.autocomplete, name="directory_autocomplete_api"),
    path(
        "api/directory/researchers/<int:researcher_id>/similar",
        api.similar,
        name="directory_similar_api",
    ),
    path("search/", views.site_search, name="site_search"),
]

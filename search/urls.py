"""The directory's JSON APIs. Included at the site root, outside the language prefixes:
an integration's URL never changes with the language (labels follow `lang`)."""

from django.urls import path

from search import api

urlpatterns = [
    path("api/directory/search", api.directory_search, name="directory_search_api"),
    path("api/directory/autocomplete", api.autocomplete, name="directory_autocomplete_api"),
    path(
        "api/directory/researchers/<int:researcher_id>/similar",
        api.similar,
        name="directory_similar_api",
    ),
]

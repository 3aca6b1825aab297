"""Search pages, served in every interface language (inside `i18n_patterns`)."""

from django.urls import path

from search import views

urlpatterns = [
    path("search/", views.site_search, name="site_search"),
]

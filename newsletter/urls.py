"""Public newsletter URLs (subscribe, confirm, preferences), in every interface language."""

from django.urls import include, path

urlpatterns = [
    path("newsletter/", include("newsletter.urls_public")),
]

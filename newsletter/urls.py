"""Public newsletter URLs (subscribe, confirm, preferences) and the Mailchimp webhook."""

from django.urls import include, path

urlpatterns = [
    path("newsletter/", include("newsletter.urls_public")),
    path("newsletter/mailchimp/", include("newsletter.mailchimp.urls")),
]

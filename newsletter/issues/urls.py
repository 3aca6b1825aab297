"""Public URLs of newsletter issues (the issues themselves are Wagtail pages)."""

from django.urls import path

from . import views_public

app_name = "newsletter_issues"

urlpatterns = [
    path("newsletter/test-e-mail/", views_public.test_link, name="test_link"),
]

"""Mailchimp's URLs, included at /newsletter/mailchimp/."""

from django.urls import path

from newsletter.mailchimp import views

app_name = "newsletter_mailchimp"

urlpatterns = [
    path("webhook/<str:secret>/", views.webhook, name="webhook"),
]

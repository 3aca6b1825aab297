"""/accounts/: allauth's pages (sign up, sign in, …) and joining the directory."""

from django.urls import path

from accounts import views

app_name = "accounts"

own_patterns = [
    path("", views.home, name="home"),
    path("join/", views.join, name="join"),
    path("claim/<str:token>/", views.claim, name="claim"),
]

urlpatterns = own_patterns

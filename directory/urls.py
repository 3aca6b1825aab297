from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("directory/topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("directory/institutions/<slug:slug>/", views.institution_detail, name="institution"),
]

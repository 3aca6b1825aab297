from django.urls import path

from directory import contact, views

app_name = "directory"

urlpatterns = [
    path("directory/topics/", views.topic_index, name="topics"),
    path("directory/topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("directory/institutions/<slug:slug>/", views.institution_detail, name="institution"),
    path("directory/contact/<int:pk>/", contact.contact_researcher, name="contact"),
]

from django.urls import path

from common import converters  # noqa: F401 (registers <id:...>)
from directory import contact, facilities, views
from directory.self_service import reminders
from directory.self_service import views as my_profile

app_name = "directory"

urlpatterns = [
    path("directory/topics/", views.topic_index, name="topics"),
    path("directory/topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("directory/institutions/<slug:slug>/", views.institution_detail, name="institution"),
    path("directory/facilities/", facilities.facility_index, name="facilities"),
    path("directory/facilities/<slug:slug>/", facilities.facility_detail, name="facility"),
    path(
        "directory/facilities/<slug:slug>/request-access/",
        facilities.request_access,
        name="facility_request",
    ),
    path("directory/contact/<id:pk>/", contact.contact_researcher, name="contact"),
    path("directory/contact/report/<str:token>/", contact.report_contact, name="contact_report"),
]

# A researcher's own profile (directory/self_service/views.py).
urlpatterns += [
    path("my-profile/", my_profile.my_profile, name="my_profile"),
    path("my-profile/<id:pk>/", my_profile.edit, name="my_profile_edit"),
    path("my-profile/<id:pk>/preview/", my_profile.preview, name="my_profile_preview"),
    path("my-profile/<id:pk>/photo/", my_profile.photo, name="my_profile_photo"),
    path("my-profile/<id:pk>/export/", my_profile.export, name="my_profile_export"),
    path("my-profile/<id:pk>/orcid/", my_profile.orcid_import, name="my_profile_orcid"),
    path("my-profile/<id:pk>/delete/", my_profile.delete, name="my_profile_delete"),
    path(
        "my-profile/still-correct/<str:token>/",
        reminders.still_correct,
        name="my_profile_still_correct",
    ),
]

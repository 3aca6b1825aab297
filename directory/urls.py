from django.urls import path

from common import converters  # noqa: F401 (registers <id:...>)
from directory import contact, facilities, views

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

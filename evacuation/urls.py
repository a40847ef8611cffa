from django.urls import path

from evacuation import views

app_name = "evacuation"

urlpatterns = [
    # Sheltering outside a shelter (避難所外避難): one question per screen, then the status.
    path("my/report/", views.report_home, name="report"),
    path("my/report/place/", views.report_place, name="report-place"),
    path("my/report/location/", views.report_location, name="report-location"),
    path("my/report/people/", views.report_people, name="report-people"),
    path("my/report/needs/", views.report_needs, name="report-needs"),
    path("my/report/care/", views.report_care, name="report-care"),
    path("my/report/note/", views.report_note, name="report-note"),
    path("my/report/confirm/", views.report_confirm, name="report-confirm"),
    path("my/report/<int:pk>/", views.report_detail, name="report-detail"),
    path("my/report/<int:pk>/end/", views.report_end, name="report-end"),
    path("my/report/pickup/", views.pickup_new, name="report-pickup"),
    path("my/report/pickup/<int:pk>/cancel/", views.pickup_cancel, name="report-pickup-cancel"),
]

from django.urls import include, path

from dashboard import segment_views, views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("shelters/", views.board, name="board"),
    path("shelters/<int:pk>/status", views.shelter_status, name="shelter-status"),
    path("reception/<int:pk>/", views.reception, name="reception"),
    path("shelters/<int:pk>/roster/", views.roster, name="roster"),
    path("shelters/<int:pk>/roster.csv", views.roster_csv, name="roster-csv"),
    path("supplies/", include("dashboard.supply_urls")),
    path("segments/web-only.csv", segment_views.web_only_csv, name="segment-web-only-csv"),
    path("notices/", include("dashboard.notice_urls")),
    path("shelters/<int:pk>/supplies/", include("dashboard.shelter_supply_urls")),
]

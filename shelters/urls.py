from django.urls import path

from shelters import api, views

app_name = "shelters"
urlpatterns = [
    # Short, because it is printed inside a QR code on the shelter's poster.
    path("c/<str:token>/", views.poster_check_in, name="poster-check-in"),
    path("shelters/", views.search, name="search"),
    path("shelters/<int:pk>/poster/", views.poster, name="poster"),
    path("my/qr/", views.my_qr, name="my-qr"),
    path("shelters/<int:pk>/roster/", views.roster, name="roster"),
    path("shelters/<int:pk>/roster.csv", views.roster_csv, name="roster-csv"),
    path("api/shelters/board", api.BoardApi.as_view(), name="api-board"),
    path("api/shelters/<int:pk>/reception/lookup", api.LookupApi.as_view(), name="api-lookup"),
    path("api/shelters/<int:pk>/reception/check-in", api.CheckInApi.as_view(), name="api-check-in"),
    path(
        "api/shelters/<int:pk>/reception/check-out", api.CheckOutApi.as_view(), name="api-check-out"
    ),
    path(
        "api/shelters/<int:pk>/reception/transfer", api.TransferApi.as_view(), name="api-transfer"
    ),
]

"""Reception's and the status board's JSON API, mounted at /api/shelters/ by the
project's URLconf (ahead of the page URLs: reception scans are the busiest requests)."""

from django.urls import path

from shelters import api

app_name = "shelters-api"
urlpatterns = [
    path("board", api.BoardApi.as_view(), name="board"),
    path("<int:pk>/reception/lookup", api.LookupApi.as_view(), name="lookup"),
    path("<int:pk>/reception/check-in", api.CheckInApi.as_view(), name="check-in"),
    path("<int:pk>/reception/check-out", api.CheckOutApi.as_view(), name="check-out"),
    path("<int:pk>/reception/transfer", api.TransferApi.as_view(), name="transfer"),
]

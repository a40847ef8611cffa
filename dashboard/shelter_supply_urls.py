"""A shelter's supply requests (/dashboard/shelters/<pk>/supplies/…)."""

from django.urls import path

from dashboard import shelter_supply_views as views

urlpatterns = [
    path("", views.shelter_supplies, name="shelter-supplies"),
    path(
        "requests/<int:request_pk>/close",
        views.shelter_supply_request_close,
        name="shelter-supply-close",
    ),
]

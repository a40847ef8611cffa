"""Supplies pages of the dashboard (/dashboard/supplies/…): rounds, deliveries, sheets."""

from django.urls import path

from dashboard import supply_views as views

urlpatterns: list = [
    path("", views.supplies, name="supplies"),
    path("rounds/<int:pk>/", views.supply_round, name="supply-round"),
    path("rounds/<int:pk>/open", views.supply_round_open, name="supply-round-open"),
    path("rounds/<int:pk>/close", views.supply_round_close, name="supply-round-close"),
    path("batches/<int:pk>/print", views.supply_batch_print, name="supply-batch-print"),
    path("d/<str:token>/", views.supply_scan, name="supply-scan"),
]

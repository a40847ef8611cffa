"""A shelter's supply requests (/dashboard/shelters/<pk>/supplies/…)."""

from django.urls import path

urlpatterns: list = []

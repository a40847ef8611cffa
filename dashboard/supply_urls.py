"""Supplies pages of the dashboard (/dashboard/supplies/…): rounds, deliveries, sheets."""

from django.urls import path

urlpatterns: list = []

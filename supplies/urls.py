"""The household's answer about its supplies, on the web (/my/supplies/…)."""

from django.urls import path

from supplies import views

app_name = "supplies"
urlpatterns = [
    path("my/supplies/<int:pk>/answer/", views.receipt_answer, name="receipt-answer"),
    path("my/supplies/<int:pk>/note/", views.dispute_note, name="dispute-note"),
]

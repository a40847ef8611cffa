"""City notices in the dashboard (/dashboard/notices/…): composer, approval, report."""

from django.urls import path

from dashboard import notice_views as views

urlpatterns: list = [
    path("", views.notices, name="notices"),
    path("new", views.notice_new, name="notice-new"),
    path("<int:pk>/", views.notice, name="notice"),
    path("<int:pk>/approve", views.notice_approve_view, name="notice-approve"),
    path("<int:pk>/cancel", views.notice_cancel_view, name="notice-cancel"),
    path("<int:pk>/resend", views.notice_resend, name="notice-resend"),
]

"""The LINE simulator's endpoints, at the same paths as LINE's (under /line-sim/)."""

from django.urls import path

from messaging import views

app_name = "line_simulator"
urlpatterns = [
    path("oauth2/v2.1/verify", views.simulator_verify_id_token, name="verify-id-token"),
]

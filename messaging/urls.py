"""The LINE simulator's endpoints, at the same paths as LINE's (under /line-sim/)."""

from django.urls import path

from messaging import views

app_name = "line_simulator"
urlpatterns = [
    path("oauth2/v2.1/verify", views.simulator_verify_id_token, name="verify-id-token"),
    path("v2/bot/message/push", views.simulator_send, {"endpoint": "push"}),
    path("v2/bot/message/multicast", views.simulator_send, {"endpoint": "multicast"}),
    path("v2/bot/message/broadcast", views.simulator_send, {"endpoint": "broadcast"}),
    path("v2/bot/message/reply", views.simulator_send, {"endpoint": "reply"}),
    path("v2/bot/profile/<str:user_id>", views.simulator_profile),
]

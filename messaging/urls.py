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

# The simulator's inbox: each simulated resident's LINE chat, for staff and for drills.
urlpatterns += [
    path("inbox/", views.inbox_list, name="inbox"),
    path("inbox/new/", views.inbox_user_create, name="inbox-user-create"),
    path("inbox/config/", views.inbox_config, name="inbox-config"),
    path("inbox/<str:user_id>/", views.inbox_chat, name="inbox-chat"),
    path("inbox/<str:user_id>/messages/", views.inbox_poll, name="inbox-poll"),
    path("inbox/<str:user_id>/say/", views.inbox_say, name="inbox-say"),
    path("inbox/<str:user_id>/tap/", views.inbox_tap, name="inbox-tap"),
    path("inbox/<str:user_id>/follow/", views.inbox_follow, name="inbox-follow"),
    path("inbox/<str:user_id>/unfollow/", views.inbox_unfollow, name="inbox-unfollow"),
]

from django.urls import path

from dashboard import views
from residents.urls import registration_patterns
from residents.views import HELPER

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("shelters/", views.board, name="board"),
    path("shelters/<int:pk>/status", views.shelter_status, name="shelter-status"),
    path("reception/<int:pk>/", views.reception, name="reception"),
    # Staff and volunteers register a resident on someone's behalf (代理登録).
    *registration_patterns(HELPER),
]

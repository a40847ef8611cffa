from django.urls import path

from dashboard import views
from residents.urls import registration_patterns
from residents.views import HELPER

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    # Staff and volunteers register a resident on someone's behalf (代理登録).
    *registration_patterns(HELPER),
]

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from hakobou import views
from messaging.webhook import line_webhook

admin.site.site_header = f"{settings.CITY_NAME} Hakobou 管理"
admin.site.site_title = "Hakobou"

urlpatterns = [
    # Reception's scans first: the busiest requests resolve after the fewest patterns.
    path("api/shelters/", include("shelters.api_urls")),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("line/webhook", line_webhook, name="line-webhook"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dashboard/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/", include("dashboard.api_urls")),
    path("", include("residents.urls")),
    path("", include("evacuation.urls")),
    path("", include("shelters.urls")),
    path("", include("supplies.urls")),
]

handler404 = views.not_found

if settings.LINE_MODE == "simulator":
    urlpatterns += [path("line-sim/", include("messaging.urls"))]

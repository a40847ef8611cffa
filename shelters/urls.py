from django.urls import path

from shelters import views

app_name = "shelters"
urlpatterns = [
    # Short, because it is printed inside a QR code on the shelter's poster.
    path("c/<str:token>/", views.poster_check_in, name="poster-check-in"),
    path("shelters/", views.search, name="search"),
    path("shelters/<int:pk>/poster/", views.poster, name="poster"),
    path("my/qr/", views.my_qr, name="my-qr"),
]

"""URLs of the residents app (LIFF and web pages arrive with registration)."""

app_name = "residents"
urlpatterns: list = []

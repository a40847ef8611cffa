"""URLs of the messaging app. Filled in by the issue that builds this domain."""

app_name = "messaging"
urlpatterns: list = []

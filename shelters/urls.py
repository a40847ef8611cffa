"""URLs of the shelters app. Filled in by the issue that builds this domain."""

app_name = "shelters"
urlpatterns: list = []

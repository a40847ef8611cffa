"""URLs of the supplies app. Filled in by the issue that builds this domain."""

app_name = "supplies"
urlpatterns: list = []

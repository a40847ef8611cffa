"""City notices in the dashboard (/dashboard/notices/…): composer, approval, report."""

urlpatterns: list = []

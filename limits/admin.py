from django.contrib import admin

from lib.admin import ReadOnlyAdminMixin
from limits.models import Counter


@admin.register(Counter)
class CounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What each address, identity and staff user has used; written only by the limits."""

    list_display = ("scope", "key", "window_start", "used", "last_at")
    list_filter = ("scope",)
    search_fields = ("=key",)
    date_hierarchy = "window_start"
    show_full_result_count = False

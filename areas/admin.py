from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from areas.models import Area, ResponderProfile


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kana", "center_lat", "center_lng")
    search_fields = ("code", "name", "kana")


class ResponderProfileInline(admin.StackedInline):
    model = ResponderProfile
    can_delete = False
    filter_horizontal = ("areas",)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class ResponderUserAdmin(UserAdmin):
    inlines = [ResponderProfileInline]
    list_display = ("username", "last_name", "first_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "groups")

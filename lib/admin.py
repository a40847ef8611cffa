"""Admin building blocks shared by the apps (this module registers nothing)."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


@admin.display(description=_("番号"), ordering="pk")
def number(obj) -> int:
    """A record's number as a list column ("pk" itself would be headed "Pk")."""
    return obj.pk


class ReadOnlyAdminMixin:
    """Records written only by an import or an audit: staff look, nobody edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class HistoryInlineMixin:
    """An append-only history shown under its record: every field read-only, nothing
    added or deleted here (set ``fields`` on the inline)."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return self.fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

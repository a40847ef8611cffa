"""Admin building blocks shared by the apps (this module registers nothing)."""

from collections.abc import Callable

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


def stored_values_filter(
    field: str, title: object, label: Callable[[str], str]
) -> type[admin.SimpleListFilter]:
    """A list filter over the values a column holds now, each shown in words by
    ``label`` (a value nobody has named is shown as it is stored)."""

    class StoredValuesFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            values = (
                model_admin.model.objects.order_by(field).values_list(field, flat=True).distinct()
            )
            return [(value, label(value)) for value in values]

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{field: self.value()})
            return queryset

    StoredValuesFilter.title = title
    return StoredValuesFilter

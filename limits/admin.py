from django.contrib import admin
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lib.admin import ReadOnlyAdminMixin, stored_values_filter
from limits.models import Counter

# How staff read a counter's scope ("registry-identity"): each app that spends a budget
# names its own (in its admin module); a scope not named is shown as it is stored.
_SCOPES: dict[str, str | Promise] = {}


def register_scope(scope: str, label: str | Promise) -> None:
    _SCOPES[scope] = label


def scope_label(scope: str) -> str:
    label = _SCOPES.get(scope)
    return str(label) if label is not None else scope


ScopeFilter = stored_values_filter("scope", _("種類"), scope_label)


@admin.register(Counter)
class CounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What each address, identity and staff user has used; written only by the limits."""

    list_display = ("scope_text", "key", "window_start", "used", "last_at")
    list_filter = (ScopeFilter,)
    search_fields = ("=key",)
    date_hierarchy = "window_start"
    show_full_result_count = False
    fields = ("scope_text", "key", "window_start", "used", "last_at")
    readonly_fields = fields

    @admin.display(description=_("種類"), ordering="scope")
    def scope_text(self, obj: Counter) -> str:
        return scope_label(obj.scope)

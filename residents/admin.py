from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from lib.admin import ReadOnlyAdminMixin
from limits.admin import register_scope
from residents.blind_index import resident_match_index
from residents.models import (
    Account,
    DetailView,
    ImportRun,
    MatchAttempt,
    RegistryPerson,
    Resident,
    ResidentLink,
    TakeoverRequest,
)
from residents.registration import takeover_decide
from residents.services import account_unsuspend, detail_view_log
from residents.uploads import registry_import_enqueue
from residents.withdrawal import account_withdraw, resident_forget

# What the limits admin calls the budgets residents spends (residents.budgets).
register_scope("registry-identity", _("住基照合の失敗（利用者ごと）"))
register_scope("registry-helper", _("住基照合の失敗（担当者ごと）"))
register_scope("registry-address", _("住基照合の失敗（IP アドレスごと）"))
register_scope("registry-city", _("住基照合の失敗（市全体・1 分ごと）"))
register_scope("recovery-address", _("復旧コードの誤り（IP アドレスごと）"))
register_scope("web-identity-address", _("ブラウザ利用者の作成（IP アドレスごと）"))


class ForgetOnDeleteMixin:
    """ "Delete" in admin follows the withdrawal rule: the person's own data goes, the
    row stays for the stays, events and reports that point to it (residents.withdrawal)."""

    def forget(self, obj) -> None:
        raise NotImplementedError

    def get_deleted_objects(self, objs, request):
        # Nothing else is deleted and nothing blocks it: the rows are anonymised (the
        # permission to delete the object itself is checked before this).
        objs = list(objs)
        model_count = {self.model._meta.verbose_name_plural: len(objs)}
        return [str(obj) for obj in objs], model_count, set(), []

    def delete_model(self, request: HttpRequest, obj) -> None:
        self.forget(obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for obj in queryset:
            self.forget(obj)


class DetailViewLogMixin:
    """Log every admin page that shows people's details: the list and the record
    (DESIGN: every view of personal detail by staff is logged)."""

    def viewed(self, objects) -> dict:
        """Whose details these admin rows show, as detail_view_log takes them."""
        return {"residents": list(objects)}

    def _log(self, request: HttpRequest, objects) -> None:
        detail_view_log(user=request.user, context=DetailView.Context.ADMIN, **self.viewed(objects))

    log_list = True  # False when the list shows no personal detail

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and self.log_list:
            self._log(request, changelist.result_list)
        return response

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                self._log(request, [obj])
        return response


@admin.register(RegistryPerson)
class RegistryPersonAdmin(DetailViewLogMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The imported registry, read-only: it changes only by importing a new extract."""

    def viewed(self, objects) -> dict:
        return {"registry_people": list(objects)}

    list_display = (
        "resident_number",
        "name",
        "name_kana",
        "birth_date",
        "area",
        "needs_support",
        "is_active",
    )
    list_filter = ("area", "is_active", "needs_support")
    list_select_related = ("area",)
    # The encrypted columns hold ciphertext: sorting or searching them means nothing.
    sortable_by = ("resident_number", "area", "needs_support", "is_active")
    search_fields = ("=resident_number",)
    search_help_text = _(
        "宛名番号で検索できます。氏名・フリガナ・生年月日・住所は暗号化して保存しているため、"
        "検索できません。"
    )
    readonly_fields = ("last_import", "updated_at")
    show_full_result_count = False


class RegistryUploadForm(forms.Form):
    file = forms.FileField(
        label=_("抽出データ（CSV）"),
        help_text=_("住民基本台帳システムから出力した CSV ファイル"),
    )
    encoding = forms.ChoiceField(
        label=_("文字コード"),
        choices=[
            ("auto", _("自動判定")),
            ("cp932", _("Shift_JIS（CP932）")),
            ("utf-8", _("UTF-8")),
        ],
        initial="auto",
    )
    scope = forms.ChoiceField(
        label=_("データの範囲"),
        choices=[
            ("full", _("全件データ（ファイルにない人を「転出等（無効）」にする）")),
            ("partial", _("一部のデータ（ファイルにない人はそのまま）")),
        ],
        initial="full",
        widget=forms.RadioSelect,
    )


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Registry imports: an upload page (add) and a live progress page (change)."""

    list_display = (
        "created_at",
        "file_name",
        "status",
        "rows_read",
        "rows_imported",
        "rows_failed",
        "rows_deactivated",
        "created_by",
    )
    list_filter = ("status", "full_extract")
    list_select_related = ("created_by",)

    # A run is a record of what happened: never edited, never deleted.
    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "<path:object_id>/progress.json",
                self.admin_site.admin_view(self.progress_view),
                name="residents_importrun_progress",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RegistryUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            run = registry_import_enqueue(
                upload=upload,
                file_name=upload.name,
                encoding=form.cleaned_data["encoding"],
                full_extract=form.cleaned_data["scope"] == "full",
                created_by=request.user,
            )
            return redirect("admin:residents_importrun_change", run.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("住民基本台帳の取込"),
            "opts": self.opts,
            "form": form,
        }
        return TemplateResponse(request, "admin/residents/importrun/upload.html", context)

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        run = self._run(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("取込の状況"),
            "opts": self.opts,
            "run": run,
            "finished": run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED),
            "errors_not_shown": max(0, run.rows_failed - len(run.errors)),
        }
        return TemplateResponse(request, "admin/residents/importrun/progress.html", context)

    def progress_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        run = self._run(request, object_id)
        return JsonResponse(
            {
                "status": run.status,
                "status_display": run.get_status_display(),
                "finished": run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED),
                "rows_read": run.rows_read,
                "rows_imported": run.rows_imported,
                "rows_failed": run.rows_failed,
                "rows_deactivated": run.rows_deactivated,
                "message": run.message,
            }
        )

    def _run(self, request: HttpRequest, object_id: str) -> ImportRun:
        run = self.get_object(request, unquote(object_id))
        if run is None:
            raise Http404
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        return run


class VerifiedFilter(admin.SimpleListFilter):
    title = _("住基照合")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("照合済み")), ("no", _("未確認（手入力）"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(registry_person__isnull=False)
        if self.value() == "no":
            return queryset.filter(registry_person__isnull=True)
        return queryset


class ResidentLinkInline(admin.TabularInline):
    model = ResidentLink
    extra = 0
    fields = ("account", "relation", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Resident)
class ResidentAdmin(ForgetOnDeleteMixin, DetailViewLogMixin, admin.ModelAdmin):
    """Residents known to the portal. Unverified ones (not found in the registry,
    entered by hand) are marked so staff can check them."""

    list_display = ("__str__", "verified", "area", "registered_by", "created_at")
    list_filter = (VerifiedFilter, "area")
    list_select_related = ("registry_person", "area", "registered_by")
    readonly_fields = ("registry_person", "registered_by", "created_at", "updated_at")
    fields = (
        "registry_person",
        "name",
        "name_kana",
        "birth_date",
        "address",
        "phone",
        "area",
        "care",
        "registered_by",
        "created_at",
        "updated_at",
    )
    inlines = [ResidentLinkInline]
    show_full_result_count = False

    @admin.display(description=_("住基照合"), boolean=True)
    def verified(self, obj: Resident) -> bool:
        return obj.is_verified

    def forget(self, obj: Resident) -> None:
        resident_forget(resident=obj)

    def save_model(self, request: HttpRequest, obj: Resident, form, change: bool) -> None:
        # Staff may correct the kana or birth date: reception must still find the person.
        obj.match_index = resident_match_index(obj)
        super().save_model(request, obj, form, change)


@admin.register(Account)
class AccountAdmin(ForgetOnDeleteMixin, admin.ModelAdmin):
    list_display = ("__str__", "kind", "consented_at", "suspended_at", "created_at")
    list_filter = (("suspended_at", admin.EmptyFieldListFilter),)
    actions = ["unsuspend"]
    search_fields = ("=line_user_id", "display_name")
    readonly_fields = (
        "line_user_id",
        "recovery_code_hash",
        "consented_at",
        "suspended_at",
        "suspended_by",
        "created_at",
    )
    exclude = ("residents",)
    inlines = [ResidentLinkInline]

    def forget(self, obj: Account) -> None:
        account_withdraw(account=obj)

    @admin.action(description=_("利用停止を解除する"))
    def unsuspend(self, request: HttpRequest, queryset) -> None:
        for account in queryset.filter(suspended_at__isnull=False):
            account_unsuspend(account=account)
        self.message_user(request, _("利用停止を解除しました。"))

    @admin.display(description=_("種別"))
    def kind(self, obj: Account) -> str:
        return "LINE" if obj.is_line else _("ブラウザ")


@admin.register(TakeoverRequest)
class TakeoverRequestAdmin(admin.ModelAdmin):
    """Links that need a person to look: a resident already linked to another
    account, or family outside the applicant's registry household."""

    list_display = ("created_at", "account", "resident", "relation", "status", "decided_by")
    list_filter = ("status", "relation")
    list_select_related = ("account", "resident__registry_person", "decided_by")
    readonly_fields = (
        "account",
        "resident",
        "relation",
        "status",
        "decided_by",
        "decided_at",
        "created_at",
    )
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("選択した申請を承認する"))
    def approve(self, request: HttpRequest, queryset) -> None:
        for item in queryset:
            takeover_decide(request=item, approve=True, user=request.user)
        self.message_user(request, _("承認しました。"))

    @admin.action(description=_("選択した申請を却下する"))
    def reject(self, request: HttpRequest, queryset) -> None:
        for item in queryset:
            takeover_decide(request=item, approve=False, user=request.user)
        self.message_user(request, _("却下しました。"))


@admin.register(MatchAttempt)
class MatchAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit of registry match attempts (never what was typed)."""

    list_display = ("created_at", "result", "account", "user", "ip_address")
    list_filter = ("result",)
    date_hierarchy = "created_at"
    list_select_related = ("account", "user")
    show_full_result_count = False


@admin.register(DetailView)
class DetailViewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who viewed whose details, when and where (read-only)."""

    list_display = ("created_at", "user", "context", "resident_ref", "registry_ref")
    list_filter = ("context", "user")
    search_fields = ("=resident_ref", "=registry_ref", "user__username")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    show_full_result_count = False

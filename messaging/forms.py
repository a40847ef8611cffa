"""Forms of the LINE simulator's inbox (the fault-injection form is also the admin's)."""

from urllib.parse import urlsplit

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from messaging.models import SimulatorConfig


class SimulatedUserForm(forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("LINE の表示名"),
        max_length=50,
        error_messages={
            "required": gettext_lazy("表示名を入力してください。"),
            "max_length": gettext_lazy("表示名は 50 文字以内で入力してください。"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _share_field(label: str) -> forms.FloatField:
    message = gettext_lazy("0 から 1 までの数で入力してください（例：1 割なら 0.1）。")
    return forms.FloatField(
        label=label,
        min_value=0,
        max_value=1,
        error_messages={key: message for key in ("required", "invalid", "min_value", "max_value")},
    )


def _milliseconds_field(label: str, maximum: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=maximum,
        error_messages={
            "required": gettext_lazy("整数（ミリ秒）で入力してください。"),
            "invalid": gettext_lazy("整数（ミリ秒）で入力してください。"),
            "min_value": gettext_lazy("0 以上の整数（ミリ秒）で入力してください。"),
            "max_value": gettext_lazy("%(limit_value)s ミリ秒以下で入力してください。"),
        },
    )


def _limit_help(line_limit: int) -> str:
    return _("空欄なら LINE と同じ %(limit)s、0 なら制限しません。") % {"limit": line_limit}


def _limit_field(label: str, line_limit: int) -> forms.IntegerField:
    """A rate limit; left empty it is LINE's own (a form saved before these existed)."""
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=1_000_000,
        help_text=lazy(_limit_help, str)(line_limit),
        error_messages={
            key: gettext_lazy("0 以上の整数で入力してください。")
            for key in ("invalid", "min_value", "max_value")
        },
    )


LIMIT_FIELDS = {
    "limit_push_per_second": 2000,
    "limit_multicast_per_second": 200,
    "limit_broadcast_per_hour": 60,
}


class SimulatorConfigForm(forms.ModelForm):
    """Latency, fault injection and rate limits; also the admin's form, so both
    validate alike."""

    latency_ms = _milliseconds_field(gettext_lazy("応答の遅延 (ms)"), 60_000)
    share_429 = _share_field(gettext_lazy("429 の割合"))
    share_500 = _share_field(gettext_lazy("500 の割合"))
    share_timeout = _share_field(gettext_lazy("タイムアウトの割合"))
    timeout_delay_ms = _milliseconds_field(gettext_lazy("タイムアウト時の遅延 (ms)"), 120_000)
    limit_push_per_second = _limit_field(gettext_lazy("push の上限（1 秒あたり）"), 2000)
    limit_multicast_per_second = _limit_field(gettext_lazy("multicast の上限（1 秒あたり）"), 200)
    limit_broadcast_per_hour = _limit_field(gettext_lazy("broadcast の上限（1 時間あたり）"), 60)

    class Meta:
        model = SimulatorConfig
        fields = [
            "latency_ms",
            "share_429",
            "share_500",
            "share_timeout",
            "timeout_delay_ms",
            "webhook_url",
            *LIMIT_FIELDS,
        ]

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data["webhook_url"].strip()
        parts = urlsplit(url)
        # Not URLValidator: a compose service name ("http://web:8000/…") has no dot.
        if url and (parts.scheme not in ("http", "https") or not parts.netloc or " " in url):
            raise forms.ValidationError(
                _("http:// または https:// で始まる URL を入力してください。")
            )
        return url

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, line_limit in LIMIT_FIELDS.items():
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = line_limit
        shares = [cleaned.get(name) for name in ("share_429", "share_500", "share_timeout")]
        if all(share is not None for share in shares) and sum(shares) > 1:
            raise forms.ValidationError(
                _("429・500・タイムアウトの割合の合計は 1 以下にしてください。")
            )
        return cleaned


class SayForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("メッセージ"),
        max_length=5000,  # LINE's limit for a text message
        error_messages={
            "required": gettext_lazy("メッセージを入力してください。"),
            "max_length": gettext_lazy("メッセージは 5000 文字以内で入力してください。"),
        },
    )

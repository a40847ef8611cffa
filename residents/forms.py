"""Residents' forms: one question per screen, polite Japanese messages (English too)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from lib.kana import is_katakana_name, normalize_kana
from lib.wareki import WESTERN_YEAR_MIN, InvalidDate, era_year_text, parse_birth_date
from residents.models import CareConsideration, RegistryPerson

WESTERN = "西暦"
# Nothing chosen until the person chooses: a silent 昭和 turned 1932 into 昭和1932年.
ERA_CHOICES = [
    ("", "--"),
    ("令和", _("令和")),
    ("平成", _("平成")),
    ("昭和", _("昭和")),
    ("大正", _("大正")),
    ("西暦", _("西暦")),
]
MONTH_CHOICES = [("", "--")] + [(str(m), str(m)) for m in range(1, 13)]
DAY_CHOICES = [("", "--")] + [(str(d), str(d)) for d in range(1, 32)]


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=_("利用目的に同意します"),
        error_messages={"required": _("ご利用には、利用目的への同意が必要です。")},
    )


class KanaField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("label", _("フリガナ"))
        kwargs.setdefault("error_messages", {"required": _("フリガナを入力してください。")})
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not is_katakana_name(value):
            raise forms.ValidationError(
                _("フリガナはカタカナまたはひらがなで入力してください（例：ハコダテ タロウ）。")
            )
        return value


class KanaForm(forms.Form):
    kana = KanaField(widget=forms.TextInput(attrs={"autocomplete": "off", "lang": "ja"}))


class BirthDateForm(forms.Form):
    """Era + year, month, day: easier for older people than a calendar picker. No era
    is chosen for them; a four-digit year is a Western one (西暦), whatever the era."""

    era = forms.ChoiceField(label=_("元号"), choices=ERA_CHOICES, required=False)
    year = forms.IntegerField(
        label=_("年"),
        min_value=1,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        help_text=_("例：45（和暦）、1970（西暦）"),
        error_messages={"required": _("年を入力してください。")},
    )
    month = forms.TypedChoiceField(
        label=_("月"),
        choices=MONTH_CHOICES,
        coerce=int,
        error_messages={"required": _("月を選んでください。")},
    )
    day = forms.TypedChoiceField(
        label=_("日"),
        choices=DAY_CHOICES,
        coerce=int,
        error_messages={"required": _("日を選んでください。")},
    )

    def clean(self):
        data = super().clean()
        if any(name in self.errors for name in ("era", "year", "month", "day")):
            return data
        era, year, month, day = data.get("era") or "", data["year"], data["month"], data["day"]
        western = year >= WESTERN_YEAR_MIN
        if not western and era == WESTERN:
            raise forms.ValidationError(_("西暦は 4 桁で入力してください（例：1970）。"))
        if not western and not era:
            self.add_error(
                "era",
                _(
                    "元号を選んでください。西暦で入れるときは 4 桁の年（例：1970）を"
                    "入れてください。"
                ),
            )
            return data
        # A Western year typed beside an era is still that year: the number says so.
        data["western_year"] = year if western and era != WESTERN else None
        text = f"{year}-{month}-{day}" if western else f"{era}{year}年{month}月{day}日"
        try:
            data["birth_date"] = parse_birth_date(text)
        except InvalidDate as exc:
            reason = str(exc)
            if "future" in reason:
                message = _("未来の日付は入力できません。")
            elif "outside" in reason:
                message = _("その元号にその日付はありません。元号と年をご確認ください。")
            else:
                message = _("その日付はありません。年・月・日をご確認ください。")
            raise forms.ValidationError(message) from None
        return data

    def western_year_note(self) -> str | None:
        """「1932年は昭和7年です」 when a Western year was typed (after is_valid)."""
        year = self.cleaned_data.get("western_year")
        if not year or not era_year_text(year):
            return None
        return _("%(year)s年は%(era_year)sです。") % {"year": year, "era_year": era_year_text(year)}

    @classmethod
    def initial_for(cls, value: datetime.date | None) -> dict:
        if value is None:
            return {}
        from lib.wareki import to_wareki

        era, era_year = to_wareki(value)
        return {"era": era.name, "year": era_year, "month": value.month, "day": value.day}


class NarrowForm(forms.Form):
    """Several people share the kana and birth date: one more factor."""

    house_number = forms.CharField(
        label=_("お住まいの番地（番の数字）"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("例：「谷地頭町12番5号」なら 12"),
    )
    sex = forms.ChoiceField(
        label=_("性別"),
        required=False,
        choices=[("", _("答えない")), *list(RegistryPerson.Sex.choices[:2])],
        widget=forms.RadioSelect,
    )

    def clean_house_number(self):
        value = self.cleaned_data["house_number"].strip()
        value = value.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if value and not value.isdigit():
            raise forms.ValidationError(_("番地は数字で入力してください。"))
        return value

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("house_number") and not data.get("sex"):
            raise forms.ValidationError(_("番地か性別のどちらかを答えてください。"))
        return data


PHONE_PATTERN = re.compile(r"^[0-9０-９\-－ー()（） ]{10,15}$")


def clean_phone(value: str) -> str:
    value = value.strip()
    if value and not PHONE_PATTERN.match(value):
        raise forms.ValidationError(
            _("電話番号は数字とハイフンで入力してください（例：0138-00-0000）。")
        )
    return value.translate(str.maketrans("０１２３４５６７８９－ー（）", "0123456789--()"))


class ManualEntryForm(BirthDateForm):
    """Not in the registry: typed in full, kept as an unverified resident."""

    name = forms.CharField(
        label=_("お名前"),
        max_length=60,
        error_messages={"required": _("お名前を入力してください。")},
    )
    name_kana = KanaField()
    address = forms.CharField(
        label=_("今のお住まい・滞在先"),
        max_length=200,
        error_messages={"required": _("お住まいまたは滞在先を入力してください。")},
        help_text=_("旅行中の方はホテル名などでもかまいません。"),
    )
    phone = forms.CharField(label=_("電話番号（任意）"), max_length=20, required=False)
    area = forms.ModelChoiceField(
        label=_("町会（わかれば）"), queryset=Area.objects.all(), required=False
    )

    field_order = ["name", "name_kana", "era", "year", "month", "day", "address", "phone", "area"]

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].queryset = areas

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_name_kana(self):
        # Stored as katakana so staff see one spelling.
        return normalize_kana(self.cleaned_data["name_kana"])


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("電話番号"), max_length=20, required=False)

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class CareField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("配慮が必要なこと（あてはまるものすべて）"))
        kwargs.setdefault(
            "help_text",
            _("避難所の受付や支援する人に伝わります。いつでも変更できます。"),
        )
        super().__init__(
            choices=CareConsideration.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            error_messages={"invalid_choice": _("配慮事項の選択が正しくありません。")},
            **kwargs,
        )


class VerifiedResidentForm(PhoneForm):
    """What a registry-matched resident may change themselves."""

    care = CareField()


class UnverifiedResidentForm(ManualEntryForm):
    care = CareField()

    field_order = [*ManualEntryForm.field_order, "care"]


class RecoveryForm(forms.Form):
    code = forms.CharField(
        label=_("復旧コード"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("復旧コードを入力してください。")},
    )

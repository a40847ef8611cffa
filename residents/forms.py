"""Residents' forms: one question per screen, polite Japanese messages (English too)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from hakobou.lib.kana import is_katakana_name, normalize_kana
from hakobou.lib.wareki import InvalidDate, parse_birth_date
from residents.models import (
    Area,
    CareConsideration,
    Mobility,
    Need,
    OffShelterReport,
    PickupRequest,
    RegistryPerson,
)

ERA_CHOICES = [
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
    """Era + year, month, day: easier for older people than a calendar picker."""

    era = forms.ChoiceField(label=_("元号"), choices=ERA_CHOICES, initial="昭和")
    year = forms.IntegerField(
        label=_("年"),
        min_value=1,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
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
        era, year, month, day = data["era"], data["year"], data["month"], data["day"]
        text = f"{year}-{month}-{day}" if era == "西暦" else f"{era}{year}年{month}月{day}日"
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

    @classmethod
    def initial_for(cls, value: datetime.date | None) -> dict:
        if value is None:
            return {}
        from hakobou.lib.wareki import to_wareki

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


# --- Out-of-shelter report (避難所外避難) and pickup request, one question per screen ---

BAD_POINT = _(
    "地点の情報が正しくありません。もう一度「現在地を使う」か、地図で場所を選んでください。"
)


class ReportPlaceForm(forms.Form):
    place = forms.ChoiceField(
        label=_("いる場所"),
        choices=OffShelterReport.Place.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("いる場所を選んでください。"),
            "invalid_choice": _("いる場所の選択が正しくありません。画面を開き直してください。"),
        },
    )
    place_note = forms.CharField(
        label=_("「その他」の場合の場所"),
        max_length=100,
        required=False,
        help_text=_("例：職場、テント、車庫"),
        error_messages={"max_length": _("場所は 100 文字以内で入力してください。")},
    )

    def clean(self):
        data = super().clean()
        if data.get("place") == OffShelterReport.Place.OTHER:
            if not data.get("place_note", "").strip():
                self.add_error(
                    "place_note", _("「その他」を選んだときは、場所を入力してください。")
                )
        elif "place" in data:
            data["place_note"] = ""
        return data


class ReportLocationForm(forms.Form):
    """A point (GPS or a tap on the map, written into hidden inputs by the page's script)
    and/or an address or landmark. A point outside the city is questioned, not refused:
    people do shelter with relatives in the next town."""

    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    accuracy_m = forms.FloatField(required=False, widget=forms.HiddenInput)
    location_source = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    address_text = forms.CharField(
        label=_("住所・目印"),
        max_length=200,
        required=False,
        help_text=_("例：谷地頭町12-5、〇〇スーパーの駐車場、青い屋根の家"),
        error_messages={"max_length": _("住所・目印は 200 文字以内で入力してください。")},
    )
    confirm_outside = forms.BooleanField(
        label=_("市外の地点で間違いありません"),
        required=False,
        help_text=_("違う場合は、地図をタップして選び直してください。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questioned = False  # the point is outside the city: show the confirm box

    def clean(self):
        from residents.evacuation import outside_city

        data = super().clean()
        if any(self.has_error(name) for name in ("latitude", "longitude")):
            raise forms.ValidationError(BAD_POINT)
        lat, lng = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lng is None) or (
            lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180)
        ):
            raise forms.ValidationError(BAD_POINT)
        address = data.get("address_text", "").strip()
        if lat is None and not address:
            if not self.has_error("address_text"):
                raise forms.ValidationError(
                    _("「現在地を使う」か地図で場所を選ぶか、住所・目印を入力してください。")
                )
            return data
        if lat is None:
            data.update(location_source=OffShelterReport.LocationSource.ADDRESS, accuracy_m=None)
            return data
        source = data.get("location_source")
        if source not in (OffShelterReport.LocationSource.GPS, OffShelterReport.LocationSource.MAP):
            source = OffShelterReport.LocationSource.MAP
        accuracy = data.get("accuracy_m")
        data["location_source"] = source
        data["accuracy_m"] = (
            round(accuracy)
            if source == OffShelterReport.LocationSource.GPS
            and accuracy is not None
            and 0 <= accuracy <= 100_000
            else None
        )
        if outside_city(lat, lng):
            self.questioned = True
            if not data.get("confirm_outside"):
                self.add_error(
                    "confirm_outside",
                    _("この地点は市外のようです。間違いなければチェックしてください。"),
                )
        return data

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("latitude", "longitude", "accuracy_m", "location_source", "address_text")
        }


class ReportPeopleForm(forms.Form):
    people = forms.TypedMultipleChoiceField(
        label=_("一緒にいる方（登録済みの方）"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("選べない方が含まれています。画面を開き直してください。"),
        },
    )
    others_count = forms.IntegerField(
        label=_("そのほかに一緒にいる人数（登録していない方）"),
        min_value=0,
        max_value=50,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 50}),
        error_messages={
            "min_value": _("人数は 0 から 50 で入力してください。"),
            "max_value": _("人数は 0 から 50 で入力してください。"),
            "invalid": _("人数は数字で入力してください。"),
        },
    )

    def __init__(self, *args, people: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = people

    def clean(self):
        data = super().clean()
        if self.has_error("people") or self.has_error("others_count"):
            return data
        data["others_count"] = data.get("others_count") or 0
        if not data.get("people") and not data["others_count"]:
            raise forms.ValidationError(
                _("一緒にいる方を一人以上選ぶか、そのほかの人数を入力してください。")
            )
        return data


class ReportNeedsForm(forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("必要な支援（あてはまるものすべて）"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("いま困っていることがなければ、何も選ばずに「次へ」を押してください。"),
        error_messages={
            "invalid_choice": _("支援ニーズの選択が正しくありません。画面を開き直してください。"),
        },
    )
    needs_other = forms.CharField(
        label=_("「その他」の内容"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("「その他」の内容は 200 文字以内で入力してください。")},
    )

    def clean(self):
        data = super().clean()
        if "needs" not in data:
            return data
        chosen = set(data["needs"])
        data["needs"] = [code for code in Need.values if code in chosen]  # the map's order
        if Need.OTHER in chosen:
            if not data.get("needs_other", "").strip() and not self.has_error("needs_other"):
                self.add_error(
                    "needs_other", _("「その他」を選んだときは、必要なことを入力してください。")
                )
        else:
            data["needs_other"] = ""
        return data


class ReportCareForm(forms.Form):
    care = CareField(
        help_text=_("登録されている内容から選んであります。いまの状況に合わせて変えてください。")
    )


class ReportNoteForm(forms.Form):
    note = forms.CharField(
        label=_("支援する人に伝えたいこと（任意）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("例：2階にいます。呼び鈴が鳴りません。薬があと2日分です。"),
        error_messages={"max_length": _("1000 文字以内で入力してください。")},
    )


class ReportSendForm(forms.Form):
    share = forms.BooleanField(
        label=_("入力した内容を、市と近所の支援者（ボランティア）に共有することに同意します"),
        error_messages={
            "required": _("送信するには、共有への同意のチェックをお願いします。"),
        },
    )


class ReportEndForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[
            (OffShelterReport.EndReason.REACHED_SHELTER, _("避難所に着いた")),
            (OffShelterReport.EndReason.RETURNED_HOME, _("無事に帰宅した")),
        ]
    )


class PickupForm(forms.Form):
    people_count = forms.IntegerField(
        label=_("迎えが必要な人数"),
        min_value=1,
        max_value=20,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 20}),
        error_messages={
            "required": _("人数を入力してください。"),
            "min_value": _("人数は 1 から 20 で入力してください。"),
            "max_value": _(
                "人数は 1 から 20 で入力してください。それより多いときはメモに書いてください。"
            ),
            "invalid": _("人数は数字で入力してください。"),
        },
    )
    mobility = forms.ChoiceField(
        label=_("移動の状態"),
        choices=Mobility.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("移動の状態を選んでください。"),
            "invalid_choice": _("移動の状態の選択が正しくありません。"),
        },
    )
    urgency = forms.ChoiceField(
        label=_("急ぎ具合"),
        choices=PickupRequest.Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("急ぎ具合を選んでください。"),
            "invalid_choice": _("急ぎ具合の選択が正しくありません。"),
        },
    )
    destination = forms.TypedChoiceField(
        label=_("行き先の避難所（近い順）"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("行き先の避難所を選んでください。"),
            "invalid_choice": _(
                "その避難所はいま選べません（閉鎖された可能性があります）。選び直してください。"
            ),
        },
    )
    note = forms.CharField(
        label=_("迎えに来る人に伝えたいこと（任意）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例：玄関に段差があります。車いすは自分のものがあります。"),
        error_messages={"max_length": _("1000 文字以内で入力してください。")},
    )

    def __init__(self, *args, shelters: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = shelters

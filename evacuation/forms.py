"""Out-of-shelter report (避難所外避難) and pickup request: one question per screen,
polite Japanese messages (English too)."""

from __future__ import annotations

from collections.abc import Collection

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.selectors import outside_city
from evacuation.models import Mobility, Need, OffShelterReport, PickupRequest
from residents.forms import CareField

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


class DestinationSelect(forms.RadioSelect):
    """A shelter per radio; a barrier-free one is marked, so the page's script can put
    those first as soon as "車いす" is chosen (the server does so on its own answers)."""

    def __init__(self, *args, barrier_free: Collection[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.barrier_free = set(barrier_free)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.barrier_free:
            option["attrs"]["data-barrier-free"] = "true"
        return option


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
        widget=DestinationSelect,
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

    def __init__(
        self, *args, shelters: list[tuple[int, str]], barrier_free: Collection[int] = (), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = shelters
        self.fields["destination"].widget.barrier_free = set(barrier_free)

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from areas.selectors import town_areas
from shelters.selectors import close_destinations, occupancy_of
from shelters.services import CheckEveryoneOut, MoveEveryone, PeopleInsideDecision


class PosterCheckInForm(forms.Form):
    """Self and family check in in one step, with a count for unregistered companions."""

    residents = forms.TypedMultipleChoiceField(
        label=_("チェックインする方"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("チェックインする方を一人以上選んでください。"),
            "invalid_choice": _("選べない方が含まれています。画面を開き直してください。"),
        },
    )
    companions = forms.IntegerField(
        label=_("一緒に来た、登録していない方の人数"),
        min_value=0,
        max_value=30,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 30}),
        error_messages={
            "min_value": _("人数は 0 から 30 で入力してください。"),
            "max_value": _("人数は 0 から 30 で入力してください。"),
            "invalid": _("人数は数字で入力してください。"),
        },
    )

    def __init__(self, *args, people: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residents"].choices = people
        self.fields["residents"].initial = [pk for pk, _label in people]


class TownChoiceField(forms.ModelChoiceField):
    """An area, shown as the town it stands for (町名, not the 町会's name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.towns: dict[int, str] = {}

    def label_from_instance(self, obj: Area) -> str:
        return self.towns.get(obj.pk, obj.name)


class ShelterSearchForm(forms.Form):
    """Where the person is (GPS, a tapped point or a town) and what they need."""

    GPS = "gps"
    MAP = "map"
    # The filters folded away under the town, so the results come into view sooner.
    MORE = ("hazard", "pets", "barrier_free")

    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    # Where lat/lng came from (the page's script says): the phone's location or a tap.
    origin = forms.ChoiceField(
        required=False, choices=[("", ""), (GPS, GPS), (MAP, MAP)], widget=forms.HiddenInput
    )
    area = TownChoiceField(
        label=_("町名から探す"), queryset=None, required=False, empty_label=_("（現在地を使う）")
    )
    hazard = forms.ChoiceField(
        label=_("災害の種類"),
        required=False,
        choices=[
            ("", _("指定なし")),
            ("tsunami", _("津波のとき")),
            ("flood", _("洪水のとき")),
            ("landslide", _("土砂災害のとき")),
            ("earthquake", _("地震のとき")),
            ("fire", _("大規模火災のとき")),
        ],
    )
    pets = forms.BooleanField(label=_("ペットと一緒"), required=False)
    barrier_free = forms.BooleanField(label=_("バリアフリー"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        towns = town_areas()
        field = self.fields["area"]
        field.towns = {area.pk: name for area, name in towns}
        field.queryset = Area.objects.filter(pk__in=field.towns).order_by("kana", "code")

    def more_in_use(self) -> bool:
        """A filter under 「条件を追加」 was chosen: the fold opens to show it."""
        return any(self[name].value() not in (None, "", False) for name in self.MORE)

    def town(self) -> str:
        area = self.cleaned_data.get("area")
        return self.fields["area"].towns.get(area.pk, area.name) if area is not None else ""

    def clean(self):
        data = super().clean()
        if "lat" in self.errors or "lng" in self.errors:
            raise forms.ValidationError(
                _("現在地の情報が正しくありません。町名から探してください。")
            )
        return data

    def point(self) -> tuple[float | None, float | None]:
        data = self.cleaned_data
        if data.get("area") is not None:
            return data["area"].center_lat, data["area"].center_lng
        if data.get("lat") is not None and data.get("lng") is not None:
            return data["lat"], data["lng"]
        return None, None


class ShelterCloseForm(forms.Form):
    """Closing a shelter with people inside: move them all to another shelter, or check
    them all out with a reason (shelters.services.shelter_set_status)."""

    MOVE = "move"
    CHECK_OUT = "check_out"

    decision = forms.ChoiceField(
        label=_("入所中の方をどうしますか"),
        choices=[
            (MOVE, _("ほかの避難所へ移動する")),
            (CHECK_OUT, _("全員を退所にする")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("移動するか退所にするかを選んでください。"),
            "invalid_choice": _("移動するか退所にするかを選んでください。"),
        },
    )
    to_shelter = forms.ModelChoiceField(
        label=_("移動先の避難所（移動するとき）"),
        queryset=None,
        required=False,
        empty_label=_("（選んでください）"),
        error_messages={
            "invalid_choice": _(
                "その避難所には移動できません（閉鎖された可能性があります）。"
                "一覧からもう一度選んでください。"
            ),
        },
    )
    reason = forms.CharField(
        label=_("退所にする理由（退所にするとき）"),
        required=False,
        max_length=150,
        help_text=_("例：自宅に戻れる見込みとなったため。開設・閉鎖の記録に残ります。"),
        error_messages={"max_length": _("理由は 150 文字以内で入力してください。")},
    )

    def __init__(self, *args, shelter, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_shelter"]
        field.queryset = close_destinations(shelter)
        field.label_from_instance = lambda other: (
            _("%(name)s（%(congestion)s・入所 %(people)s 人 / 定員 %(capacity)s 人）")
            % {
                "name": other.name,
                "congestion": occupancy_of(other).congestion_label,
                "people": occupancy_of(other).people,
                "capacity": other.capacity,
            }
        )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        # A field with an error of its own (a shelter no longer open, a reason too long)
        # keeps that error.
        if decision == self.MOVE and not self.has_error("to_shelter") and not data["to_shelter"]:
            self.add_error("to_shelter", _("移動先の避難所を選んでください。"))
        if decision == self.CHECK_OUT and not self.has_error("reason") and not data["reason"]:
            self.add_error("reason", _("退所にする理由を入力してください。"))
        return data

    def people_inside(self) -> PeopleInsideDecision:
        """The decision for shelter_set_status (the form must be valid)."""
        if self.cleaned_data["decision"] == self.MOVE:
            return MoveEveryone(to=self.cleaned_data["to_shelter"])
        return CheckEveryoneOut(reason=self.cleaned_data["reason"].strip())

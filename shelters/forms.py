from django import forms
from django.utils.translation import gettext_lazy as _


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

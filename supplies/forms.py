from django import forms
from django.utils.translation import gettext_lazy as _

from supplies.deliveries import Answer


class ReceiptAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[
            (Answer.RECEIVED, _("受け取りました")),
            (Answer.NOT_RECEIVED, _("届いていません")),
        ],
        error_messages={"required": _("回答を選んでください。")},
    )


class DisputeNoteForm(forms.Form):
    note = forms.CharField(
        label=_("足りないもの・ご在宅の時間など"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("内容を入力してください。"),
            "max_length": _("500文字以内で入力してください。"),
        },
    )

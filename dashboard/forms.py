from django import forms
from django.utils.translation import gettext_lazy as _

from evacuation.models import Need, PickupRequest
from residents.models import CareConsideration

Status = PickupRequest.Status
ALL = [("", _("すべて"))]
# Minutes, turned into the API's updated_since by the page (an absolute time would go
# stale in a bookmarked URL).
UPDATED_WITHIN = [
    ("", _("いつでも")),
    ("15", _("15分以内")),
    ("60", _("1時間以内")),
    ("180", _("3時間以内")),
    ("720", _("12時間以内")),
]


class FilterForm(forms.Form):
    """The dashboard's filters, shared by the map layers and the list. Field names are
    the API's parameter names, so the page sends the form as it is."""

    area = forms.ChoiceField(label=_("地区"), required=False)
    need = forms.ChoiceField(label=_("支援ニーズ"), required=False, choices=ALL + Need.choices)
    care = forms.ChoiceField(
        label=_("配慮事項"), required=False, choices=ALL + CareConsideration.choices
    )
    state = forms.ChoiceField(
        label=_("送迎"),
        required=False,
        choices=[
            *ALL,
            ("none", _("依頼なし")),
            (Status.REQUESTED, Status.REQUESTED.label),
            (Status.CLAIMED, Status.CLAIMED.label),
            (Status.PICKED_UP, Status.PICKED_UP.label),
            (Status.UNABLE, Status.UNABLE.label),
        ],
    )
    updated_within = forms.ChoiceField(label=_("更新"), required=False, choices=UPDATED_WITHIN)

    def __init__(self, *args, areas, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("すべての地区"))] + [
            (str(area.pk), area.name) for area in areas
        ]
        # One area is no choice at all.
        if len(areas) < 2:
            del self.fields["area"]

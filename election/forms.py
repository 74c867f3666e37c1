from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from .models import CommunityPlan, PlanStep, PublicNotice, StageTemplate
from .selectors import WorklistFilters

# --- plans ----------------------------------------------------------------------------------------

# the length of simple-history's change reason column
REASON_MAX = 100

# suggestions for where a public notice went up (the user may type any other place)
NOTICE_PLACES = [
    _("Residents' affairs notice board"),
    _("Party affairs notice board"),
    _("Community office entrance"),
    _("Residential compound gate"),
    _("Community WeChat group"),
]


class DateInput(forms.DateInput):
    """A native date picker (type=date wants ISO dates)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PlanDatesForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Optional; kept in the history."),
    )

    class Meta:
        model = CommunityPlan
        fields = ["election_on", "party_election_on"]
        widgets = {"election_on": DateInput(), "party_election_on": DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        election_on, party_on = data.get("election_on"), data.get("party_election_on")
        if election_on and party_on and party_on > election_on:
            self.add_error(
                "party_election_on",
                _("The party organisation is elected before the residents' committee."),
            )
        return data

    def _post_clean(self) -> None:
        # the service validates and saves; the model's own checks would need the whole row
        pass


class StepForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = PlanStep
        fields = ["status", "done_on", "responsible", "notes"]
        widgets = {
            "status": forms.RadioSelect(),
            "done_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"done_on": _("Leave empty for today when the step is done.")}

    def _post_clean(self) -> None:
        # step_update applies the rules (a done step gets a date, never one still to come)
        pass


class EvidenceForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Photo or PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf,.heic"}),
    )


class NoticeForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    photo = forms.FileField(
        label=_("Photo of the notice"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf,.heic"}),
    )

    class Meta:
        model = PublicNotice
        fields = ["title", "place", "posted_on", "taken_down_on"]
        widgets = {
            "place": forms.TextInput(attrs={"list": "notice-places", "autocomplete": "off"}),
            "posted_on": DateInput(),
            "taken_down_on": DateInput(),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        posted_on, taken_down_on = data.get("posted_on"), data.get("taken_down_on")
        if posted_on and taken_down_on and taken_down_on < posted_on:
            self.add_error("taken_down_on", _("A notice cannot come down before it went up."))
        return data

    def _post_clean(self) -> None:
        # notice_add validates and saves; the instance has no step yet
        pass


class StageReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen it?"),
        max_length=REASON_MAX,
        error_messages={"required": _("Say why the stage is reopened.")},
    )


class WorklistFilterForm(StyledFormMixin, forms.Form):
    FLAGS = [
        ("", _("All open steps")),
        ("late", _("Red or overdue")),
        ("red", _("Breaking a time limit")),
        ("overdue", _("Overdue")),
    ]

    community = forms.CharField(label=_("Community"), required=False, max_length=60)
    stage = forms.ModelChoiceField(
        label=_("Stage"),
        queryset=StageTemplate.objects.none(),
        required=False,
        empty_label=_("All stages"),
    )
    flag = forms.ChoiceField(label=_("Flags"), choices=FLAGS, required=False)

    def __init__(self, *args: Any, stages: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if stages is not None:
            self.fields["stage"].queryset = stages  # type: ignore[attr-defined]

    def filters(self) -> WorklistFilters:
        if not self.is_valid():
            return WorklistFilters()
        data = self.cleaned_data
        return WorklistFilters(
            community=data["community"].strip(),
            stage=data["stage"].pk if data["stage"] else None,
            flag=data["flag"],
        )

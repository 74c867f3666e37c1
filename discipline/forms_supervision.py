"""Forms of the inspections, findings, rectification orders and joint meetings. They parse what the
user typed; the services check the rules and save (`_post_clean` is left to them)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import MemberUnit
from communities.models import Community, District
from core.forms import StyledFormMixin
from core.uploads import UploadField
from election.forms import DateInput

from .models import Inspection, InspectionFinding, JointMeeting, MeetingDecision, RectificationOrder

FILE_ACCEPT = {"accept": "image/*,application/pdf,.heic"}


def _units() -> QuerySet[MemberUnit]:
    return MemberUnit.objects.order_by("name")


class InspectionForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Inspection
        fields = ["kind", "held_on", "team", "units", "communities", "summary"]
        widgets = {
            "held_on": DateInput(),
            "units": forms.CheckboxSelectMultiple,
            "communities": forms.SelectMultiple(attrs={"size": 8}),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "units": _("A joint inspection: the member units taking part (at least two)."),
        }

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)  # noqa: S101
        units.queryset = _units()
        units.widget.attrs["class"] = "form-check-input"
        communities = self.fields["communities"]
        assert isinstance(communities, forms.ModelMultipleChoiceField)  # noqa: S101
        communities.queryset = (
            Community.objects.filter(street__district__in=districts.values("pk"))
            .select_related("street")
            .order_by("street__name", "name")
        )
        communities.required = False  # the service says which are missing, in its words
        communities.label_from_instance = lambda c: f"{c.street.name} · {c.name}"  # type: ignore[method-assign,assignment]

    def _post_clean(self) -> None:
        pass


class FindingForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = InspectionFinding
        fields = ["community", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        community = self.fields["community"]
        assert isinstance(community, forms.ModelChoiceField)  # noqa: S101
        community.queryset = inspection.communities.select_related("street").order_by(
            "street__name", "name"
        )

    def _post_clean(self) -> None:
        pass


class OrderForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RectificationOrder
        fields = ["action", "owner", "due_on"]
        widgets = {"action": forms.Textarea(attrs={"rows": 2}), "due_on": DateInput()}
        help_texts = {"owner": _("Usually the street or the community.")}

    def _post_clean(self) -> None:
        pass


class OrderCloseForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    closed_on = forms.DateField(label=_("Completed on"), widget=DateInput())
    close_out = forms.CharField(
        label=_("How it was put right"), widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = UploadField(
        label=_("Close-out evidence (photo or PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs=FILE_ACCEPT),
    )


class MeetingForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    district = forms.ModelChoiceField(label=_("district"), queryset=District.objects.none())
    signed_minutes = UploadField(
        label=_("Signed minutes (photo or PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs=FILE_ACCEPT),
    )

    class Meta:
        model = JointMeeting
        fields = ["held_on", "title", "units", "minutes"]
        widgets = {
            "held_on": DateInput(),
            "units": forms.CheckboxSelectMultiple,
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, districts: QuerySet[District] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)  # noqa: S101
        units.queryset = _units()
        units.widget.attrs["class"] = "form-check-input"
        units.required = False  # the service says which are missing, in its words
        if districts is None:
            # an edit: the meeting stays in its district
            del self.fields["district"]
        else:
            district = self.fields["district"]
            assert isinstance(district, forms.ModelChoiceField)  # noqa: S101
            district.queryset = districts.order_by("name")
            choices = list(districts.order_by("name")[:2])
            if len(choices) == 1:
                district.initial = choices[0].pk
                district.widget = forms.HiddenInput()

    def _post_clean(self) -> None:
        pass


class DecisionForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = MeetingDecision
        fields = ["text", "owner", "due_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "due_on": DateInput()}
        labels = {"due_on": pgettext_lazy("decision", "deadline")}

    def _post_clean(self) -> None:
        pass


class DecisionFollowUpForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    follow_up = forms.CharField(
        label=_("follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    done_on = forms.DateField(
        label=_("done on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty while the decision is not done."),
    )

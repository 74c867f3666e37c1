"""Forms of audit firms and engagements (the other parts keep their forms in their views)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Street
from core.uploads import UploadField
from election.models import Campaign

from .models import AuditFirm, AuditSubject, Engagement

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _styled(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class FirmForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AuditFirm
        fields = ["name", "contact_person", "phone", "address", "qualification", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class EngageForm(forms.Form):
    """Engage one firm for the communities of a running campaign, chosen by street or one by one."""

    campaign = forms.ModelChoiceField(label=_("campaign"), queryset=Campaign.objects.none())
    firm = forms.ModelChoiceField(label=_("audit firm"), queryset=AuditFirm.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=Engagement.Kind.choices)
    engaged_on = forms.DateField(label=_("engaged on"), widget=DATE)
    streets = forms.ModelMultipleChoiceField(
        label=_("every community of these streets"),
        queryset=Street.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    communities = forms.ModelMultipleChoiceField(
        label=_("and these communities"),
        queryset=Community.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields
        f["campaign"].queryset = Campaign.objects.filter(  # type: ignore[attr-defined]
            district__in=districts, status=Campaign.Status.RUNNING
        ).order_by("-starts_on")
        f["firm"].queryset = AuditFirm.objects.filter(  # type: ignore[attr-defined]
            district__in=districts, is_active=True
        ).order_by("name")
        f["streets"].queryset = Street.objects.filter(  # type: ignore[attr-defined]
            district__in=districts
        ).order_by("name")
        f["communities"].queryset = (  # type: ignore[attr-defined]
            Community.objects.filter(street__district__in=districts)
            .select_related("street")
            .order_by("street__name", "name")
        )
        f["communities"].label_from_instance = lambda c: f"{c.street.name} · {c.name}"  # type: ignore[attr-defined]
        _styled(self)
        f["streets"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("streets") and not data.get("communities"):
            raise forms.ValidationError(_("Choose at least one street or community."))
        campaign, firm = data.get("campaign"), data.get("firm")
        if campaign and firm and firm.district_id != campaign.district_id:
            self.add_error("firm", _("Choose an audit firm of the campaign's district."))
        return data


class EngagementDatesForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Engagement
        fields = [
            "engaged_on",
            "fieldwork_started_on",
            "fieldwork_ended_on",
            "draft_received_on",
            "report_received_on",
            "amount_audited",
            "notes",
        ]
        widgets = {
            "engaged_on": DATE,
            "fieldwork_started_on": DATE,
            "fieldwork_ended_on": DATE,
            "draft_received_on": DATE,
            "report_received_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)

    def _post_clean(self) -> None:
        # the service checks the dates and saves; the model's own checks would run before it
        pass


class SubjectForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AuditSubject
        fields = ["name", "post", "term_started_on", "term_ended_on"]
        widgets = {"term_started_on": DATE, "term_ended_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)

    def _post_clean(self) -> None:
        pass


class ReportForm(forms.Form):
    file = UploadField(label=_("final report (PDF or photo)"))

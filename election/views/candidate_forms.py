"""Forms of the candidate register and the joint review. They check the shape of the input;
the services check the rules (`candidate_validate`) and report in Chinese."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from core.uploads import UploadField

from ..forms import DateInput
from ..models import Candidate, CommunityPlan, Education, Gender, NegativeCriterion, Post, SeatRule
from ..services.candidates import bodies_of

REASON_LIMIT = 90


class CandidateForm(StyledFormMixin, forms.Form):
    """A nominee's fields; `version` for an edit (the optimistic check)."""

    name = forms.CharField(
        label=_("full name"),
        max_length=60,
        error_messages={"required": _("Enter the nominee's name.")},
    )
    gender = forms.ChoiceField(label=_("gender"), choices=Gender.choices)
    birth_date = forms.DateField(
        label=_("date of birth"),
        widget=DateInput(),
        error_messages={"required": _("Enter the date of birth.")},
    )
    education = forms.TypedChoiceField(label=_("education"), choices=Education.choices, coerce=int)
    party_member = forms.BooleanField(label=_("party member"), required=False)
    ethnicity = forms.CharField(label=_("ethnicity"), max_length=20, initial="汉族")
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=18,
        required=False,
        help_text=_("Optional; shown with its last four characters only."),
    )
    body = forms.ChoiceField(label=_("committee"))
    post_sought = forms.ChoiceField(label=_("post stood for"), choices=Post.choices)
    current_post = forms.CharField(label=_("current post"), max_length=60, required=False)
    is_incumbent = forms.BooleanField(
        label=_("re-standing"), required=False, help_text=_("A member of the outgoing committee.")
    )
    nominated_on = forms.DateField(label=_("nominated on"), widget=DateInput(), required=False)
    nominated_by = forms.CharField(label=_("nominated by"), max_length=60, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, plan: CommunityPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(SeatRule.Body.choices)
        self.fields["body"].choices = [(b, labels[b]) for b in bodies_of(plan)]  # type: ignore[attr-defined]
        self.plan = plan

    @staticmethod
    def initial_for(candidate: Candidate) -> dict[str, Any]:
        from ..services.candidates import CANDIDATE_FIELDS

        initial = {f: getattr(candidate, f) for f in CANDIDATE_FIELDS}
        initial["id_number"] = ""  # never sent back to the browser; empty keeps it
        initial["version"] = candidate.version
        return initial

    def fields_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return data


class SendToReviewForm(forms.Form):
    body = forms.ChoiceField(choices=SeatRule.Body.choices)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class StreetApprovalForm(StyledFormMixin, forms.Form):
    approved_on = forms.DateField(
        label=_("approved by the street party committee on"),
        widget=DateInput(),
        error_messages={"required": _("Enter the day of the approval.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=REASON_LIMIT,
        error_messages={"required": _("Give the reason for the withdrawal.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=REASON_LIMIT,
        error_messages={"required": _("Give the reason for reopening the feedback.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecideForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=Candidate.Decision.choices)
    # kept on the candidate (`Candidate.decision_reason`), not only as the history's reason
    decision_reason = forms.CharField(
        label=_("reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Give the reason for the decision.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewAnswerForm(forms.Form):
    """One pair of fields per criterion the unit checks: `hit_<id>` (clear / hit), `note_<id>`
    and an optional `file_<id>`."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, criteria: list[NegativeCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"hit_{c.pk}"] = forms.TypedChoiceField(
                label=c.text,
                choices=[("0", _("clear")), ("1", _("hit"))],
                coerce=lambda v: v == "1",
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Answer this criterion: clear or hit.")},
            )
            self.fields[f"note_{c.pk}"] = forms.CharField(
                label=_("note"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
            self.fields[f"file_{c.pk}"] = UploadField(
                label=_("evidence"),
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/*,application/pdf,.heic", "class": "form-control"}
                ),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for c in self.criteria:
            if data.get(f"hit_{c.pk}") and not (data.get(f"note_{c.pk}") or "").strip():
                self.add_error(f"note_{c.pk}", _("A hit needs a note."))
        return data

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "criterion": c,
                "hit": self[f"hit_{c.pk}"],
                "note": self[f"note_{c.pk}"],
                "file": self[f"file_{c.pk}"],
            }
            for c in self.criteria
        ]

    def answers(self) -> dict[int, tuple[bool, str, Any]]:
        return {
            c.pk: (
                bool(self.cleaned_data.get(f"hit_{c.pk}")),
                self.cleaned_data.get(f"note_{c.pk}") or "",
                self.cleaned_data.get(f"file_{c.pk}") or None,
            )
            for c in self.criteria
        }

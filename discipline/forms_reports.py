"""Forms of the reports entered by staff and of their cases.

The services validate and save; these forms only parse what the officer typed and offer the
choices of the district (its communities, its candidates, its discipline officers).
"""

from typing import Any, ClassVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import User
from communities.forms import CommunityChoiceField
from communities.models import Community
from core.exceptions import DomainError
from core.forms import StyledFormMixin
from core.uploads import UploadField
from election.models import Candidate

from .models import Case, CaseEntry, Report
from .services.files import file_check
from .services.reports import MAX_ATTACHMENTS

TEXT_MAX = 5000

# a report staff enter comes by phone, letter, visit or from another body; the public form is
# the public channel's own
STAFF_CHANNELS = [
    (code, label) for code, label in Report.Channel.choices if code != Report.Channel.ONLINE
]


class _MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(UploadField):
    """Several photos or PDF files in one input, each checked by its content."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", _MultipleFileInput(attrs={"accept": "image/*,application/pdf,.heic"})
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("At most %(count)s files may be attached to a report."),
                code="too_many",
                params={"count": MAX_ATTACHMENTS},
            )
        cleaned = [super(AttachmentsField, self).clean(f, initial) for f in files]
        errors = []
        for upload in cleaned:
            try:
                file_check(upload)
            except DomainError as e:
                errors.append(str(e))
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class _CandidateChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.plan.community.name} · {obj.name}"


class _OfficerChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ReportFieldsForm(StyledFormMixin, forms.Form):
    """The fields of a report, whoever enters it: what is reported, its category, the reporter
    and the attachments. The staff's form below and the public form
    (`forms_public.PublicReportForm`) extend it with their own community field, their own
    wording (`labels`) and their own extras."""

    # the label of a field, where a form words it its own way
    labels: ClassVar[dict[str, StrOrPromise]] = {}

    category = forms.ChoiceField(label=_("Category"), choices=Report.Category.choices)
    anonymous = forms.BooleanField(label=_("The reporter stays anonymous"), required=False)
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=60, required=False)
    reporter_phone = forms.CharField(label=_("Reporter's phone"), max_length=30, required=False)
    reporter_address = forms.CharField(
        label=_("Reporter's address"), max_length=200, required=False
    )
    text = forms.CharField(
        label=_("What is reported"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Say what is being reported.")},
    )
    attachments = AttachmentsField(
        label=_("Photos or PDF files"),
        required=False,
        help_text=_("Up to %(count)s photos or PDF files.") % {"count": MAX_ATTACHMENTS},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            self.fields[name].label = label


class StaffReportForm(ReportFieldsForm):
    field_order = [
        "community",
        "candidate",
        "channel",
        "category",
        "anonymous",
        "reporter_name",
        "reporter_phone",
        "reporter_address",
        "text",
        "attachments",
    ]

    community = CommunityChoiceField(
        label=_("Community concerned"), queryset=Community.objects.none()
    )
    candidate = _CandidateChoice(
        label=_("Candidate concerned"),
        queryset=Candidate.objects.none(),
        required=False,
        help_text=_("Only if the report is about a candidate of that community."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)

    def __init__(
        self,
        *args: Any,
        communities: QuerySet[Community],
        candidates: QuerySet[Candidate],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        community: Any = self.fields["community"]
        community.queryset = communities
        candidate: Any = self.fields["candidate"]
        candidate.queryset = candidates

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        candidate, community = data.get("candidate"), data.get("community")
        if (
            candidate is not None
            and community is not None
            and candidate.plan.community_id != community.pk
        ):
            self.add_error(
                "candidate", _("The candidate concerned does not stand in this community.")
            )
        return data


def officer_field(officers: QuerySet[User]) -> forms.ModelMultipleChoiceField:  # type: ignore[type-arg]
    return _OfficerChoice(
        label=_("Officers on the case"),
        queryset=officers,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one discipline officer for the case.")},
    )


class CaseOpenForm(StyledFormMixin, forms.Form):
    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officers"] = officer_field(officers)


class CaseOfficersForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officers"] = officer_field(officers)


class CaseEntryForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of entry"), choices=CaseEntry.Kind.choices)
    text = forms.CharField(
        label=_("What was done or found"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what was done or found.")},
    )


class CaseStageForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseConcludeForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Please choose")), *Case.Outcome.choices],
        error_messages={"required": _("Choose the outcome of the case.")},
    )
    measures = forms.CharField(
        label=_("Measures taken"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the report is substantiated, even in part."),
    )
    reply = forms.CharField(
        label=_("Reply to the reporter"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reporter reads it with the receipt code: no names, no evidence."),
    )


class LeadForm(StyledFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("Discipline officer"), queryset=User.objects.none())
    action = forms.ChoiceField(
        choices=[("add", "add"), ("remove", "remove")], widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user: Any = self.fields["user"]
        user.queryset = officers

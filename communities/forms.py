from collections.abc import Iterator
from itertools import groupby
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from core.history import REASON_MAX
from core.text import text_truncate
from core.uploads import UploadField

from .importing import ImportFileError, workbook_check
from .models import Committee, Community, District, Street
from .selectors import CommunityFilters


class _ByStreet(ModelChoiceIterator):
    """The communities in groups by street (by district and street when they span districts),
    in one query."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = list(
            self.queryset.select_related("street__district").order_by(
                "street__district__name", "street__name", "street_id", "name", "pk"
            )
        )
        several = len({c.street.district_id for c in rows}) > 1
        for street, group in groupby(rows, key=lambda c: c.street):
            label = f"{street.district.name} · {street.name}" if several else street.name
            yield (label, [self.choice(c) for c in group])


class CommunityChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A community chosen from a select grouped by street, so that a district's many
    communities (and two streets' communities of the same name) can be told apart."""

    iterator = _ByStreet

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class CommunityFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    street = forms.ModelChoiceField(
        label=_("Street"),
        queryset=Street.objects.none(),
        required=False,
        empty_label=_("All streets"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Community.Kind.choices], required=False
    )
    track = forms.ChoiceField(
        label=_("Election track"),
        choices=[("", _("All tracks")), *Community.Track.choices],
        required=False,
    )
    difficult = forms.ChoiceField(
        label=_("Difficult"),
        choices=[
            ("", _("Difficult or not")),
            ("yes", _("Difficult only")),
            ("no", _("Not difficult")),
        ],
        required=False,
    )

    def __init__(self, *args: Any, streets: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if streets is not None:
            self.fields["street"].queryset = streets  # type: ignore[attr-defined]

    def filters(self) -> CommunityFilters:
        if not self.is_valid():
            return CommunityFilters()
        data = self.cleaned_data
        difficult = {"yes": True, "no": False}.get(data["difficult"])
        return CommunityFilters(
            street=data["street"].pk if data["street"] else None,
            kind=data["kind"],
            track=data["track"],
            difficult=difficult,
            q=data["q"].strip(),
        )


class CommunityImportForm(StyledFormMixin, forms.Form):
    """The file, and the district to import it into when the user may import into several."""

    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), empty_label=None
    )
    file = UploadField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(districts)
        self.only_district = choices[0] if len(choices) == 1 else None
        if self.only_district is not None:
            del self.fields["district"]
        else:
            self.fields["district"].queryset = districts  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if not (file.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("“%(name)s” is not an Excel workbook; upload a file saved as .xlsx."),
                params={"name": text_truncate(file.name)},
            )
        try:
            workbook_check(file)
        except ImportFileError as e:
            raise forms.ValidationError(str(e)) from e
        return file

    def chosen_district(self) -> District:
        return self.only_district or self.cleaned_data["district"]  # type: ignore[no-any-return]


class VersionedForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A model form that carries the version it was loaded at, for the service's conflict check."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Optional; kept in the history."),
    )


class CommunityForm(VersionedForm):
    class Meta:
        model = Community
        fields = [
            "name",
            "kind",
            "is_reform_finished",
            "population",
            "households",
            "registered_voters",
            "is_demolition_underway",
            "is_difficult",
            "difficult_reason",
            "track_override",
            "track_override_reason",
        ]
        widgets = {
            "difficult_reason": forms.TextInput(),
            "track_override_reason": forms.TextInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["track_override"].choices = [  # type: ignore[attr-defined]
            ("", _("As the law gives (no override)")),
            *Community.Track.choices,
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_difficult") and not (data.get("difficult_reason") or "").strip():
            self.add_error("difficult_reason", _("A difficult community needs a reason."))
        if data.get("track_override") and not (data.get("track_override_reason") or "").strip():
            self.add_error(
                "track_override_reason", _("Overriding the election track needs a reason.")
            )
        return data


class CommitteeForm(VersionedForm):
    class Meta:
        model = Committee
        fields = ["party_type", "full_members", "seats", "term_started_on"]
        widgets = {"term_started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.kind != Committee.Kind.PARTY:
            del self.fields["party_type"]
            del self.fields["full_members"]
        else:
            self.fields["party_type"].required = True

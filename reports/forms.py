from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import ReportRun
from .services import ReportError, current_iso_week, iso_week_parse


class ReportRequestForm(forms.Form):
    """What to generate: `scope` is `district-<id>` or `street-<id>`; the view checks access."""

    scope = forms.RegexField(label=_("Report of"), regex=r"^(district|street)-\d+$")
    week = forms.CharField(label=_("Week"), required=False, max_length=10)
    kind = forms.ChoiceField(label=_("Format"), choices=ReportRun.Kind.choices)

    def clean_week(self) -> tuple[int, int]:
        text = self.cleaned_data["week"]
        if not text:
            return current_iso_week()
        try:
            return iso_week_parse(text)
        except ReportError as e:
            raise ValidationError(str(e)) from None

    def scope_ids(self) -> dict[str, Any]:
        level, pk = self.cleaned_data["scope"].split("-", 1)
        return (
            {"district_id": int(pk), "street_id": None}
            if level == "district"
            else {
                "district_id": None,
                "street_id": int(pk),
            }
        )

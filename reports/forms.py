from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communities.models import District

from .models import ReportRun
from .services import ReportError, current_iso_week, iso_week_parse, report_week_check


class ReportRequestForm(forms.Form):
    """The week and format of a report of `district` (the view has checked that the user may ask
    for it). An empty week is the current one; a week that does not exist, or lies outside the
    district's campaign (before its first week, or still to come), is a field error."""

    week = forms.CharField(label=_("Week"), required=False, max_length=10)
    kind = forms.ChoiceField(label=_("Format"), choices=ReportRun.Kind.choices)

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district

    def clean_week(self) -> tuple[int, int]:
        text = self.cleaned_data["week"]
        try:
            iso_year, iso_week = iso_week_parse(text) if text else current_iso_week()
            report_week_check(district=self.district, iso_year=iso_year, iso_week=iso_week)
        except ReportError as e:
            raise ValidationError(str(e), code="week") from None
        return iso_year, iso_week

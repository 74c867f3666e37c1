"""The reports list as a workbook: the same public columns as the page (number, street,
community, category, channel, received, state, outcome, overdue), never an identity field or
the report's text."""

from collections.abc import Iterable
from datetime import date
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from communities.exporters import is_formula_like

from .models import Case, Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(value: str) -> str:
    # a community named "=1+1" stays text
    return f"'{value}" if is_formula_like(value) else value


def reports_workbook(reports: Iterable[Report], *, today: date) -> bytes:
    """One sheet of the reports given (already filtered to the user's scope)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Reports"))
    sheet.append(
        [
            _("Report number"),
            _("Street"),
            _("Community"),
            _("Category"),
            _("Channel"),
            _("Received on"),
            _("State"),
            _("Outcome"),
            _("Overdue"),
        ]
    )
    categories = dict(Report.Category.choices)
    channels = dict(Report.Channel.choices)
    states = dict(Report.State.choices)
    outcomes = dict(Case.Outcome.choices)
    for report in reports:
        case = getattr(report, "case", None)
        sheet.append(
            [
                report.number,
                _text(report.community.street.name),
                _text(report.community.name),
                str(categories.get(report.category, report.category)),
                str(channels.get(report.channel, report.channel)),
                timezone.localdate(report.received_at),
                str(states.get(report.state, report.state)),
                str(outcomes.get(case.outcome, "")) if case is not None and case.outcome else "",
                _("yes") if getattr(report, "is_overdue", False) else "",
            ]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()

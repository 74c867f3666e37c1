"""Spreadsheet exports. An exporter yields a header and rows; `xlsx_write` writes them.

Text that a spreadsheet would run as a formula (it starts with =, +, - or @, also after leading
whitespace, or with a tab or carriage return) is written as a quoted text cell, never a formula:
community names and reasons are typed by users.
"""

from collections.abc import Iterable, Iterator, Sequence
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from .import_columns import COLUMNS, NO, YES
from .models import Committee, Community

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")


class ListExporter:
    """One sheet: a header row and data rows. Subclasses give the title, headers and rows."""

    def sheet_title(self) -> str:
        raise NotImplementedError

    def filename(self) -> str:
        raise NotImplementedError

    def headers(self) -> list[str]:
        raise NotImplementedError

    def rows(self) -> Iterator[Sequence[Any]]:
        raise NotImplementedError


def is_formula_like(text: str) -> bool:
    return text.startswith(CONTROL_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def _cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
    if not isinstance(value, str) and not bold:
        return value
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and is_formula_like(value):
        # text, not a formula: openpyxl guesses "f" for a leading "="
        cell.data_type = "s"
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_write(exporter: ListExporter) -> BytesIO:
    """Write the exporter's rows into a streaming (write-only) workbook; returns the file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=exporter.sheet_title()[:31])
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, title, bold=True) for title in exporter.headers()])
    for row in exporter.rows():
        sheet.append([_cell(sheet, value) for value in row])
    out = BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def _yes_no(value: bool) -> str:
    return str(YES if value else NO)


class CommunityListExporter(ListExporter):
    """The community list as filtered on its page: profile, election track and seats.

    `communities` must come from `selectors.community_list` (street, district, track and the
    committees are already loaded), so the export's query count does not grow with its size.
    """

    def __init__(self, communities: Iterable[Community]) -> None:
        self.communities = communities
        self.row_count = 0

    def sheet_title(self) -> str:
        return _("Communities")

    def filename(self) -> str:
        return _("communities-%(date)s.xlsx") % {"date": timezone.localdate().isoformat()}

    def headers(self) -> list[str]:
        titles = {c.key: str(c.title) for c in COLUMNS}
        return [
            _("District"),
            titles["street"],
            titles["name"],
            titles["kind"],
            titles["is_reform_finished"],
            _("Election track"),
            _("Reason for the track override"),
            titles["population"],
            titles["households"],
            titles["registered_voters"],
            titles["is_demolition_underway"],
            titles["is_difficult"],
            titles["difficult_reason"],
            titles["party_type"],
            titles["party_seats"],
            titles["residents_seats"],
        ]

    def rows(self) -> Iterator[Sequence[Any]]:
        for community in self.communities:
            committees = {c.kind: c for c in community.committees.all()}
            party = committees.get(Committee.Kind.PARTY)
            residents = committees.get(Committee.Kind.RESIDENTS)
            self.row_count += 1
            yield [
                community.street.district.name,
                community.street.name,
                community.name,
                community.get_kind_display(),
                _yes_no(community.is_reform_finished),
                community.get_election_track_display(),
                community.track_override_reason,
                community.population,
                community.households,
                community.registered_voters,
                _yes_no(community.is_demolition_underway),
                _yes_no(community.is_difficult),
                community.difficult_reason,
                party.get_party_type_display() if party else "",
                party.seats if party else None,
                residents.seats if residents else None,
            ]

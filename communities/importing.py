"""Excel import of streets and communities into a district.

Reading and checking only; the writes (upload, check task, confirmation, import task) are in
`services/imports.py`:

1. `workbook_check(file)` refuses what is not a plain, reasonably sized .xlsx before openpyxl opens
   it (size, zip structure, unpacked size, compression ratio).
2. `import_check(community_import=...)` parses the stored workbook and checks every row against the
   file itself and against the district as it is now. It writes nothing.
3. `district_check(rows, district)` is the part of the check that reads the database; the import
   runs it again under a row lock before it creates anything.

The first sheet holds the data, row 1 the column titles. Titles and the yes/no and choice values
are accepted in every language of the site (the translated labels) and as the English values.
"""

import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.exceptions import DomainError

from .import_columns import (
    COLUMNS,
    COUNT_MAX,
    SEATS_MAX,
    SEATS_MIN,
    Column,
    choice_labels,
    header_aliases,
    normalise,
    value_aliases,
)
from .models import Community, CommunityImport, District

# a workbook of 25,000 rows unpacks to well under 50 MB and compresses about 10:1
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024  # tiny parts compress oddly and are harmless
MAX_ZIP_MEMBERS = 500
VALUE_SHOWN_CHARS = 40
# what the import page lists of a check: the first rows and problems (the counts say how many)
ROWS_KEPT = 200
PROBLEMS_KEPT = 2000
# how often (in data rows) reading a sheet reports its progress
PROGRESS_EVERY_ROWS = 500

# called with how much of the work is done, 0 to 100
Progress = Callable[[int], None]


class CommunityImportError(DomainError):
    pass


class ImportFileError(DomainError):
    """The upload is not a workbook we are willing to open; the message says why."""


@dataclass(frozen=True)
class Problem:
    """One reason the file cannot be imported; `message` is a complete translated sentence."""

    message: str
    row: int | None = None
    column: str = ""


@dataclass(frozen=True)
class ImportRow:
    """One valid data row of the workbook; `row` is its Excel row number."""

    row: int
    street: str
    name: str
    kind: str
    is_reform_finished: bool
    population: int | None
    households: int | None
    registered_voters: int | None
    is_demolition_underway: bool
    is_difficult: bool
    difficult_reason: str
    party_type: str
    party_seats: int
    residents_seats: int

    def profile(self) -> dict[str, Any]:
        """The fields `community_create` takes as `data`."""
        return {
            "name": self.name,
            "kind": self.kind,
            "is_reform_finished": self.is_reform_finished,
            "population": self.population,
            "households": self.households,
            "registered_voters": self.registered_voters,
            "is_demolition_underway": self.is_demolition_underway,
            "is_difficult": self.is_difficult,
            "difficult_reason": self.difficult_reason,
        }


@dataclass
class ImportCheck:
    """What a workbook would do to a district: the rows, every problem, and the new streets."""

    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_streets: list[str] = field(default_factory=list)

    @property
    def is_ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def to_preview(self) -> dict[str, Any]:
        """What the import page shows of this check, as JSON for `CommunityImport.preview`."""
        return {
            "row_count": len(self.rows),
            "problem_count": len(self.problems),
            "new_streets": self.new_streets,
            "rows": [asdict(row) for row in self.rows[:ROWS_KEPT]],
            "problems": [asdict(problem) for problem in self.problems[:PROBLEMS_KEPT]],
        }


@dataclass(frozen=True)
class ImportPreview:
    """A stored check (`CommunityImport.preview`): the counts, and the first rows and problems."""

    row_count: int = 0
    problem_count: int = 0
    new_streets: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ImportPreview":
        return cls(
            row_count=data.get("row_count", 0),
            problem_count=data.get("problem_count", 0),
            new_streets=list(data.get("new_streets", [])),
            rows=[ImportRow(**row) for row in data.get("rows", [])],
            problems=[Problem(**problem) for problem in data.get("problems", [])],
        )

    @property
    def is_ok(self) -> bool:
        return not self.problem_count and bool(self.row_count)


# --- the file itself ------------------------------------------------------------------------------


def _not_a_workbook() -> ImportFileError:
    return ImportFileError(
        _(
            "The file is not an Excel workbook (.xlsx). In Excel, choose “Save as” and the type "
            "“Excel Workbook (*.xlsx)”, then upload it again."
        )
    )


def workbook_check(file: File) -> None:  # type: ignore[type-arg]
    """Raise ImportFileError unless `file` is an .xlsx we are willing to hand to openpyxl.

    Checks, before anything is parsed: the size (`settings.IMPORT_MAX_BYTES`), that it is a zip
    holding a workbook, and that it is no zip bomb (total unpacked size and compression ratio, read
    from the zip directory; zipfile never unpacks more than a member declares).
    """
    limit = settings.IMPORT_MAX_BYTES
    size = file.size or 0
    if size > limit:
        raise ImportFileError(
            _("The file is %(size)s; files up to %(limit)s are accepted.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise _not_a_workbook() from e
    finally:
        file.seek(0)
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_ZIP_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _(
                "The workbook unpacks to more than %(limit)s and is refused as unsafe. Split the "
                "data into smaller files."
            )
            % {"limit": filesizeformat(MAX_UNPACKED_BYTES)}
        )
    for member in members:
        if (
            member.file_size >= RATIO_CHECKED_FROM_BYTES
            and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise ImportFileError(
                _(
                    "The workbook is packed far more tightly than a normal workbook (over "
                    "%(ratio)s to 1) and is refused as unsafe."
                )
                % {"ratio": MAX_COMPRESSION_RATIO}
            )
    names = {m.filename for m in members}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise _not_a_workbook()


def _read_sheet(
    file: IO[bytes], progress: Progress | None = None
) -> tuple[list[Any] | None, list[tuple[int, tuple[Any, ...]]], bool]:
    """Row 1 and the non-empty data rows (with their Excel row numbers) of the first sheet.

    Returns (header or None for an empty sheet, rows, whether rows were cut at IMPORT_MAX_ROWS).
    Raises ImportFileError when openpyxl cannot read the workbook. `progress` is told how much
    of the sheet is read, as far as the sheet's declared size tells.
    """
    max_rows = settings.IMPORT_MAX_ROWS
    try:
        workbook = load_workbook(file, read_only=True, data_only=True, keep_links=False)
    except Exception as e:  # openpyxl and the XML parser raise many types for a damaged file
        raise _not_a_workbook() from e
    try:
        if not workbook.worksheets:
            return None, [], False
        sheet = workbook.worksheets[0]
        header_row = next(sheet.iter_rows(max_row=1, values_only=True), None)
        header = list(header_row or [])
        while header and _is_blank(header[-1]):
            header.pop()
        if not header:
            return None, [], False
        rows: list[tuple[int, tuple[Any, ...]]] = []
        # the declared size; a workbook written by another program may not declare it
        last_row = min(sheet.max_row or 0, max_rows + 1)
        for number, values in enumerate(
            sheet.iter_rows(min_row=2, max_col=len(header), values_only=True), start=2
        ):
            if progress is not None and last_row and number % PROGRESS_EVERY_ROWS == 0:
                progress(min(100, 100 * number // last_row))
            if all(_is_blank(v) for v in values):
                continue
            if len(rows) >= max_rows:
                return header, rows, True
            rows.append((number, tuple(values)))
        return header, rows, False
    except Exception as e:  # a damaged sheet fails while it is read, not when it is opened
        raise _not_a_workbook() from e
    finally:
        workbook.close()


# --- cells ----------------------------------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value).strip()
    return text if len(text) <= VALUE_SHOWN_CHARS else text[: VALUE_SHOWN_CHARS - 1] + "…"


class _RowReader:
    """Converts the cells of one row, collecting a problem for each bad cell."""

    def __init__(self, number: int, problems: list[Problem], aliases: dict[str, dict[str, Any]]):
        self.number = number
        self.problems = problems
        self.aliases = aliases
        self.is_ok = True

    def refuse(self, column: Column, message: str) -> None:
        self.problems.append(Problem(message=message, row=self.number, column=str(column.title)))
        self.is_ok = False

    def params(self, column: Column, value: Any = "") -> dict[str, Any]:
        return {"row": self.number, "column": column.title, "value": _shown(value)}

    def read(self, column: Column, value: Any) -> Any:
        if _is_blank(value):
            if column.required:
                self.refuse(
                    column,
                    _("Row %(row)s, “%(column)s”: this cell must be filled in.")
                    % self.params(column),
                )
            return {"text": "", "yes_no": False}.get(column.kind)
        return getattr(self, f"read_{column.kind}")(column, value)

    def read_text(self, column: Column, value: Any) -> str:
        text = _shown(value) if isinstance(value, float | datetime | date) else str(value).strip()
        if column.max_length and len(text) > column.max_length:
            self.refuse(
                column,
                _(
                    "Row %(row)s, “%(column)s”: at most %(max)s characters are allowed, "
                    "got %(length)s."
                )
                % {**self.params(column), "max": column.max_length, "length": len(text)},
            )
        return text

    def _whole_number(self, value: Any) -> int | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return int(value) if value.is_integer() else None
        if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]+", value.strip()):
            return int(value.strip())
        return None

    def read_count(self, column: Column, value: Any) -> int | None:
        number = self._whole_number(value)
        if number is None or number < 0:
            self.refuse(
                column,
                _(
                    "Row %(row)s, “%(column)s”: expected a whole number of 0 or more, "
                    "got “%(value)s”."
                )
                % self.params(column, value),
            )
            return None
        if number > COUNT_MAX:
            self.refuse(
                column,
                _("Row %(row)s, “%(column)s”: “%(value)s” is too large.")
                % self.params(column, value),
            )
            return None
        return number

    def read_seats(self, column: Column, value: Any) -> int:
        number = self._whole_number(value)
        if number is None or not SEATS_MIN <= number <= SEATS_MAX:
            self.refuse(
                column,
                _(
                    "Row %(row)s, “%(column)s”: expected a whole number from %(min)s to %(max)s, "
                    "got “%(value)s”."
                )
                % {**self.params(column, value), "min": SEATS_MIN, "max": SEATS_MAX},
            )
            return 0
        return number

    def read_choice(self, column: Column, value: Any) -> Any:
        if isinstance(value, bool) and column.kind == "yes_no":
            return value
        found = self.aliases[column.key].get(normalise(value))
        if found is None:
            self.refuse(
                column,
                _("Row %(row)s, “%(column)s”: “%(value)s” is not one of: %(choices)s.")
                % {**self.params(column, value), "choices": _(", ").join(choice_labels(column))},
            )
        return found

    read_yes_no = read_choice


# --- the sheet ------------------------------------------------------------------------------------


def _map_header(header: list[Any]) -> tuple[dict[str, int], list[Problem]]:
    aliases = header_aliases()
    positions: dict[str, int] = {}
    problems = []
    for index, title in enumerate(header):
        if _is_blank(title):
            continue
        key = aliases.get(normalise(title))
        if key is None:
            problems.append(
                Problem(
                    _("Row 1: “%(column)s” is not a column of the import template.")
                    % {"column": _shown(title)},
                    row=1,
                    column=_shown(title),
                )
            )
        elif key in positions:
            problems.append(
                Problem(
                    _(
                        "Row 1: the column “%(column)s” appears twice, in columns %(first)s "
                        "and %(second)s."
                    )
                    % {
                        "column": _shown(title),
                        "first": get_column_letter(positions[key] + 1),
                        "second": get_column_letter(index + 1),
                    },
                    row=1,
                    column=_shown(title),
                )
            )
        else:
            positions[key] = index
    missing = [str(c.title) for c in COLUMNS if c.key not in positions]
    if missing:
        problems.append(
            Problem(
                _("Row 1: these columns are missing: %(columns)s.")
                % {"columns": _(", ").join(missing)},
                row=1,
            )
        )
    return positions, problems


def _read_rows(
    rows: Iterable[tuple[int, tuple[Any, ...]]], positions: dict[str, int]
) -> tuple[list[ImportRow], list[Problem]]:
    aliases = {c.key: value_aliases(c) for c in COLUMNS if c.kind in {"choice", "yes_no"}}
    by_key = {c.key: c for c in COLUMNS}
    problems: list[Problem] = []
    result = []
    first_seen: dict[tuple[str, str], int] = {}
    width = max(positions.values()) + 1
    for number, cells_in_row in rows:
        values = (*cells_in_row, *[None] * (width - len(cells_in_row)))
        reader = _RowReader(number, problems, aliases)
        cells = {c.key: reader.read(c, values[positions[c.key]]) for c in COLUMNS}
        if cells["is_difficult"] and not cells["difficult_reason"]:
            reader.refuse(
                by_key["difficult_reason"],
                _("Row %(row)s, “%(column)s”: a difficult community needs a reason.")
                % reader.params(by_key["difficult_reason"]),
            )
        if cells["street"] and cells["name"]:
            key = (cells["street"], cells["name"])
            if key in first_seen:
                reader.refuse(
                    by_key["name"],
                    _(
                        "Row %(row)s, “%(column)s”: “%(name)s” in “%(street)s” is already in row "
                        "%(first)s of this file."
                    )
                    % {
                        **reader.params(by_key["name"]),
                        "name": cells["name"],
                        "street": cells["street"],
                        "first": first_seen[key],
                    },
                )
            else:
                first_seen[key] = number
        if reader.is_ok:
            result.append(ImportRow(row=number, **cells))
    return result, problems


def workbook_parse(
    file: File,  # type: ignore[type-arg]
    progress: Progress | None = None,
) -> tuple[list[ImportRow], list[Problem]]:
    """Parse an uploaded or stored workbook into valid rows and the problems of the others.

    Checks the file (`workbook_check`), the header (unknown, duplicated and missing columns) and
    every cell; a file with a header problem yields no rows. Touches no database table. Reading
    the sheet (most of the time) is reported to `progress`.
    """
    try:
        workbook_check(file)
        header, raw_rows, is_cut = _read_sheet(file, progress)
    except ImportFileError as e:
        return [], [Problem(str(e))]
    if header is None:
        return [], [Problem(_("The first sheet is empty: row 1 must hold the column titles."))]
    positions, problems = _map_header(header)
    if problems:
        return [], problems
    if is_cut:
        return [], [
            Problem(
                _("The sheet has more than %(limit)s rows of data; split it into several files.")
                % {"limit": settings.IMPORT_MAX_ROWS}
            )
        ]
    if not raw_rows:
        return [], [Problem(_("The sheet has column titles but no community below them."))]
    return _read_rows(raw_rows, positions)


def district_check(rows: list[ImportRow], district: District) -> ImportCheck:
    """The problems that depend on the district as it is now (communities that exist), the rows
    without such a problem, and the streets the import would create."""
    streets = set(district.streets.values_list("name", flat=True))
    existing = set(
        Community.objects.filter(street__district=district).values_list("street__name", "name")
    )
    name_title = str(COLUMNS[1].title)
    check = ImportCheck()
    for row in rows:
        if (row.street, row.name) in existing:
            check.problems.append(
                Problem(
                    _(
                        "Row %(row)s, “%(column)s”: “%(name)s” already exists in “%(street)s”. The "
                        "import only creates communities; edit existing ones on their page."
                    )
                    % {
                        "row": row.row,
                        "column": name_title,
                        "name": row.name,
                        "street": row.street,
                    },
                    row=row.row,
                    column=name_title,
                )
            )
        else:
            check.rows.append(row)
    check.new_streets = sorted({row.street for row in rows} - streets)
    return check


def checks_merge(check: ImportCheck, file_problems: list[Problem]) -> ImportCheck:
    """Add the problems of the file itself to a district check: every problem, sorted by row,
    and no row to import when there is any problem."""
    check.problems = sorted([*file_problems, *check.problems], key=lambda p: p.row or 0)
    if check.problems:
        check.rows = []
        check.new_streets = []
    return check


def import_check(
    *, community_import: CommunityImport, progress: Progress | None = None
) -> ImportCheck:
    """Parse the stored workbook and check it against its district as it is now; writes nothing.

    Every problem is listed, sorted by row; `is_ok` says whether confirming would import. Raises
    ImportFileError when the stored file is gone (deleted after a day).
    """
    if not community_import.file:
        raise ImportFileError(_("The uploaded file has been deleted; upload it again."))
    with community_import.file.open("rb") as file:
        rows, problems = workbook_parse(file, progress)
    return checks_merge(district_check(rows, community_import.district), problems)

"""Excel import of streets and communities into a district.

Reading and checking only; the writes (upload, check task, confirmation, import task) are in
`services/imports.py`:

1. `workbook_check(file)` refuses what is not a plain, reasonably sized .xlsx before openpyxl opens
   it (size, zip structure, unpacked size, compression ratio).
2. `workbook_parse(file)` streams the first sheet: it keeps only the columns of the template,
   counts the text it reads (`IMPORT_MAX_TEXT_CHARS` in all, `IMPORT_MAX_CELL_CHARS` per cell) and
   stops at the first limit passed, so a small file that repeats one huge shared string thousands
   of times is refused after reading a little of it. Messages quote at most `VALUE_SHOWN_CHARS`
   of any value, and a check keeps its first `PROBLEMS_KEPT` problems and only counts the rest.
3. `import_check(community_import=...)` parses the stored workbook and checks every row against the
   file itself and against the district as it is now. It writes nothing.
4. `district_check(rows, district)` is the part of the check that reads the database; the import
   runs it again under a row lock before it creates anything.

The first sheet holds the data, row 1 the column titles. Titles and the yes/no and choice values
are accepted in every language of the site (the translated labels) and as the English values.
"""

import heapq
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from core.exceptions import DomainError
from core.text import text_clean, text_truncate

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
# distinct texts (shared strings) of a workbook: openpyxl keeps them all in memory, about 150 bytes
# each; 25,000 communities need well under 100,000
MAX_SHARED_STRINGS = 200_000
# the start of a shared string's element, with or without a namespace prefix
_SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?si[\s/>]")
VALUE_SHOWN_CHARS = 40
# what a check keeps and the import page lists: the first rows, problems and new streets (the
# counts say how many there are in all); the stored preview stays a few hundred kilobytes at most
ROWS_KEPT = 200
PROBLEMS_KEPT = 200
NEW_STREETS_KEPT = 200
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
class ProblemList:
    """Problems in the order they are found: the first PROBLEMS_KEPT are kept, the rest counted.

    A file with a bad cell in every row yields hundreds of thousands of problems; nobody reads
    past the first few hundred, and keeping them all would cost memory and database space.
    """

    kept: list[Problem] = field(default_factory=list)
    count: int = 0

    @classmethod
    def of(cls, *problems: Problem) -> "ProblemList":
        found = cls()
        for problem in problems:
            found.add(problem)
        return found

    def add(self, problem: Problem) -> None:
        self.count += 1
        if len(self.kept) < PROBLEMS_KEPT:
            self.kept.append(problem)

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass
class ImportCheck:
    """What a workbook would do to a district: the rows, its problems, and the new streets."""

    rows: list[ImportRow] = field(default_factory=list)
    problems: ProblemList = field(default_factory=ProblemList)
    new_streets: list[str] = field(default_factory=list)

    @property
    def is_ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def to_preview(self) -> dict[str, Any]:
        """What the import page shows of this check, as JSON for `CommunityImport.preview`:
        the counts, and the first rows, problems and new streets (bounded in size)."""
        return {
            "row_count": len(self.rows),
            "problem_count": self.problems.count,
            "new_street_count": len(self.new_streets),
            "new_streets": self.new_streets[:NEW_STREETS_KEPT],
            "rows": [asdict(row) for row in self.rows[:ROWS_KEPT]],
            "problems": [asdict(problem) for problem in self.problems.kept[:PROBLEMS_KEPT]],
        }


@dataclass(frozen=True)
class ImportPreview:
    """A stored check (`CommunityImport.preview`): the counts, and the first rows and problems."""

    row_count: int = 0
    problem_count: int = 0
    new_street_count: int = 0
    new_streets: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ImportPreview":
        new_streets = list(data.get("new_streets", []))
        return cls(
            row_count=data.get("row_count", 0),
            problem_count=data.get("problem_count", 0),
            new_street_count=data.get("new_street_count", len(new_streets)),
            new_streets=new_streets,
            rows=[ImportRow(**row) for row in data.get("rows", [])],
            problems=[Problem(**problem) for problem in data.get("problems", [])],
        )

    @property
    def is_ok(self) -> bool:
        return not self.problem_count and bool(self.row_count)

    @property
    def problems_not_listed(self) -> int:
        return max(0, self.problem_count - len(self.problems))

    @property
    def new_streets_not_listed(self) -> int:
        return max(0, self.new_street_count - len(self.new_streets))


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
    holding a workbook, that it is no zip bomb (total unpacked size and compression ratio, read
    from the zip directory; zipfile never unpacks more than a member declares), that it holds no
    macros, and that its table of distinct texts stays small enough for memory (counted in a
    streamed read of every part, since a part's name and type are the file's to choose).
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
    if any(name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        raise ImportFileError(
            _(
                "The workbook contains macros. In Excel, choose “Save as” and the type “Excel "
                "Workbook (*.xlsx)”, which leaves them out, then upload it again."
            )
        )
    if _shared_string_count(file, members) > MAX_SHARED_STRINGS:
        raise ImportFileError(
            _(
                "The workbook holds more than %(limit)s different texts, far more than the "
                "communities of a district need. The file is refused: check that it holds only "
                "the template's columns, or split it into several files."
            )
            % {"limit": MAX_SHARED_STRINGS}
        )


def _shared_string_count(file: File, members: list[zipfile.ZipInfo]) -> int:  # type: ignore[type-arg]
    """How many shared-string elements the parts of the (size-checked) zip hold, read in chunks."""
    count = 0
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            for member in members:
                with archive.open(member) as part:
                    carry = b""
                    while chunk := part.read(1024 * 1024):
                        data = carry + chunk
                        # a tag (at most 35 bytes) cut by the chunk's end is counted next time
                        cut = data.rfind(b"<", max(0, len(data) - 64))
                        cut = len(data) if cut == -1 else cut
                        count += len(_SHARED_STRING_TAG.findall(data, 0, cut))
                        carry = data[cut:]
                        if count > MAX_SHARED_STRINGS:
                            return count  # enough to refuse; read no further
                    count += len(_SHARED_STRING_TAG.findall(carry + b" "))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, zlib.error) as e:
        # damaged, encrypted (RuntimeError) or of an unknown compression (NotImplementedError
        # is a RuntimeError)
        raise _not_a_workbook() from e
    finally:
        file.seek(0)
    return count


class _TextBudget:
    """Counts the text read from a sheet and refuses the file at the first limit passed.

    A cell value that comes from the shared-string table is one object however many cells use
    it, so a small file can make the check handle gigabytes of text; counting every cell read
    bounds the work whatever the file's size says.
    """

    def __init__(self) -> None:
        self.left = settings.IMPORT_MAX_TEXT_CHARS
        self.cell_limit = settings.IMPORT_MAX_CELL_CHARS

    def take(self, row: int, column: int, value: Any) -> None:
        """Count one cell (1-based row and column); raise ImportFileError past a limit."""
        if not isinstance(value, str):
            return
        length = len(value)
        if length > self.cell_limit:
            raise ImportFileError(
                _(
                    "Cell %(cell)s holds %(length)s characters; no column of the template takes "
                    "more than %(limit)s. The file is refused: correct that cell and upload it "
                    "again."
                )
                % {
                    "cell": f"{get_column_letter(column)}{row}",
                    "length": length,
                    "limit": self.cell_limit,
                }
            )
        self.left -= length
        if self.left < 0:
            raise ImportFileError(
                _(
                    "The sheet holds more than %(limit)s characters of text, far more than the "
                    "communities of a district need. The file is refused: check that it holds only "
                    "the template's columns, or split it into several files."
                )
                % {"limit": settings.IMPORT_MAX_TEXT_CHARS}
            )


def _cell_name(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"


# the start of a formula element, with or without a namespace prefix
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _has_formulas(sheet: ReadOnlyWorksheet) -> bool:
    """Whether the sheet's XML holds any formula: a quick byte search, so that a sheet without
    formulas (the template has none) is not parsed a second time."""
    tail = b""
    with sheet._get_source() as source:  # openpyxl 3.1: the sheet's XML in the archive
        while chunk := source.read(1024 * 1024):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _formula_problems(sheet: ReadOnlyWorksheet, columns: set[int], problems: ProblemList) -> None:
    """Add a problem for each cell of `columns` (1-based) holding a formula without a calculated
    result, or whose result is an error (#REF!, #DIV/0! ...).

    openpyxl reads the result Excel saved with the formula; a program that writes formulas
    without calculating them leaves none, and the cell would read as empty. openpyxl does not
    say which cells those are, so the sheet's XML is read once more, streamed, to find them.
    """
    cell_tag, formula_tag, value_tag = (f"{{{SHEET_MAIN_NS}}}{t}" for t in ("c", "f", "v"))
    row_tag = f"{{{SHEET_MAIN_NS}}}row"
    with sheet._get_source() as source:  # openpyxl 3.1: the sheet's XML in the archive
        for _event, element in iterparse(source):
            if element.tag == row_tag:
                element.clear()  # keep memory flat over a long sheet
                continue
            if element.tag != cell_tag:
                continue
            coordinate = element.get("r")
            if not coordinate or element.find(formula_tag) is None:
                continue
            row, column = coordinate_to_tuple(coordinate)
            if column not in columns:
                continue
            value = element.findtext(value_tag)
            cell = text_truncate(coordinate, 12)
            if not value:
                problems.add(
                    Problem(
                        _(
                            "%(cell)s: the formula has no calculated result. Open the file in "
                            "Excel, let it calculate, save it, and upload it again; or type the "
                            "value instead of the formula."
                        )
                        % {"cell": cell},
                        row=row,
                        column=get_column_letter(column),
                    )
                )
            elif element.get("t") == "e":
                problems.add(
                    Problem(
                        _("%(cell)s: the formula gives the error “%(value)s”.")
                        % {"cell": cell, "value": text_truncate(value, VALUE_SHOWN_CHARS)},
                        row=row,
                        column=get_column_letter(column),
                    )
                )


def _data_rows(
    sheet: ReadOnlyWorksheet,
    positions: list[int],
    budget: _TextBudget,
    progress: Progress | None,
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The non-empty data rows of the sheet (row 2 on), as the values at `positions` (0-based)
    with their Excel row numbers. Counts their text in `budget`, and raises ImportFileError past
    IMPORT_MAX_ROWS rows or a text limit, as soon as it is passed."""
    max_rows = settings.IMPORT_MAX_ROWS
    width = max(positions) + 1
    # the declared size; a workbook written by another program may not declare it
    last_row = min(sheet.max_row or 0, max_rows + 1)
    found = 0
    # openpyxl fills the rows a sheet skips with empty ones: a sheet with one cell in its last
    # row (1,048,576) yields a million of them, passed over here as fast as possible
    empty = (None,) * width
    for number, values in enumerate(
        sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2
    ):
        if values == empty:
            continue
        if progress is not None and last_row and number % PROGRESS_EVERY_ROWS == 0:
            progress(min(100, 100 * number // last_row))
        picked = tuple(values[i] if i < len(values) else None for i in positions)
        if all(_is_blank(v) for v in picked):
            continue
        found += 1
        if found > max_rows:
            raise ImportFileError(
                _("The sheet has more than %(limit)s rows of data; split it into several files.")
                % {"limit": max_rows}
            )
        for index, value in zip(positions, picked, strict=True):
            budget.take(number, index + 1, value)
        yield number, picked


def _parse_sheet(
    file: IO[bytes], problems: ProblemList, progress: Progress | None
) -> list[ImportRow]:
    """Read the first sheet of a checked workbook: its header, then its rows one at a time.

    Returns the valid rows and adds every problem to `problems` (none are read when the header
    or a formula is wrong). Raises ImportFileError for a problem of the whole file: not a
    workbook openpyxl can read, an empty sheet, too many rows, or too much text.
    """
    try:
        workbook = load_workbook(file, read_only=True, data_only=True, keep_links=False)
    except Exception as e:  # openpyxl and the XML parser raise many types for a damaged file
        raise _not_a_workbook() from e
    try:
        if not workbook.worksheets:
            raise ImportFileError(_empty_sheet())
        sheet = workbook.worksheets[0]
        budget = _TextBudget()
        header = list(next(sheet.iter_rows(max_row=1, values_only=True), None) or [])
        for column, title in enumerate(header, start=1):
            budget.take(1, column, title)
        header = [text_clean(t) if isinstance(t, str) else t for t in header]
        while header and _is_blank(header[-1]):
            header.pop()
        if not header:
            raise ImportFileError(_empty_sheet())
        positions = _map_header(header, problems)
        if problems:
            return []
        rows = _data_rows(sheet, [positions[c.key] for c in COLUMNS], budget, progress)
        row_problems = ProblemList()
        found = _read_rows(rows, row_problems)
        # after the rows, so that a file past a limit is refused before a second reading
        formula_problems = ProblemList()
        if _has_formulas(sheet):
            _formula_problems(sheet, set(range(1, len(header) + 1)), formula_problems)
        problems_merge(problems, formula_problems, row_problems)
        if formula_problems:
            return []  # a cell without its result reads as empty: no row can be trusted
        if not found and not problems:
            raise ImportFileError(_("The sheet has column titles but no community below them."))
        return found
    except ImportFileError:
        raise
    except Exception as e:  # a damaged sheet fails while it is read, not when it is opened
        raise _not_a_workbook() from e
    finally:
        workbook.close()


def _empty_sheet() -> str:
    return _("The first sheet is empty: row 1 must hold the column titles.")


# --- cells ----------------------------------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return text_truncate(str(value).strip(), VALUE_SHOWN_CHARS)


class _RowReader:
    """Converts the cells of one row, collecting a problem for each bad cell."""

    def __init__(self, number: int, problems: ProblemList, aliases: dict[str, dict[str, Any]]):
        self.number = number
        self.problems = problems
        self.aliases = aliases
        self.is_ok = True

    def refuse(self, column: Column, message: str) -> None:
        self.problems.add(Problem(message=message, row=self.number, column=str(column.title)))
        self.is_ok = False

    def params(self, column: Column, value: Any = "") -> dict[str, Any]:
        return {"row": self.number, "column": column.title, "value": _shown(value)}

    def read(self, column: Column, value: Any) -> Any:
        if isinstance(value, str):
            # no invisible or direction-changing characters in names (nor in any value)
            value = text_clean(value)
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
        text = _shown(value) if isinstance(value, float | datetime | date) else str(value)
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


def _map_header(header: list[Any], problems: ProblemList) -> dict[str, int]:
    """The 0-based position of each column of the template; adds a problem for each unknown,
    duplicated or missing column."""
    aliases = header_aliases()
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        if _is_blank(title):
            continue
        key = aliases.get(normalise(title))
        if key is None:
            problems.add(
                Problem(
                    _("Row 1: “%(column)s” is not a column of the import template.")
                    % {"column": _shown(title)},
                    row=1,
                    column=_shown(title),
                )
            )
        elif key in positions:
            problems.add(
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
        problems.add(
            Problem(
                _("Row 1: these columns are missing: %(columns)s.")
                % {"columns": _(", ").join(missing)},
                row=1,
            )
        )
    return positions


def _read_rows(
    rows: Iterable[tuple[int, tuple[Any, ...]]], problems: ProblemList
) -> list[ImportRow]:
    """Convert data rows (the values of COLUMNS, in order) one at a time: the valid rows are
    returned, a problem is added for each bad cell and each row already seen in the file."""
    aliases = {c.key: value_aliases(c) for c in COLUMNS if c.kind in {"choice", "yes_no"}}
    by_key = {c.key: c for c in COLUMNS}
    result = []
    first_seen: dict[tuple[str, str], int] = {}
    for number, values in rows:
        reader = _RowReader(number, problems, aliases)
        cells = {c.key: reader.read(c, value) for c, value in zip(COLUMNS, values, strict=True)}
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
                        "name": _shown(cells["name"]),
                        "street": _shown(cells["street"]),
                        "first": first_seen[key],
                    },
                )
            else:
                first_seen[key] = number
        if reader.is_ok:
            result.append(ImportRow(row=number, **cells))
    return result


def workbook_parse(
    file: File,  # type: ignore[type-arg]
    progress: Progress | None = None,
) -> tuple[list[ImportRow], ProblemList]:
    """Parse an uploaded or stored workbook into valid rows and the problems of the others.

    Checks the file (`workbook_check`), the header (unknown, duplicated and missing columns),
    formulas without a result, and every cell; a file with a header or formula problem yields no
    rows, and one that passes a limit (rows, text) yields only that problem. Touches no database
    table. Reading the sheet (most of the time) is reported to `progress`.
    """
    problems = ProblemList()
    try:
        workbook_check(file)
        rows = _parse_sheet(file, problems, progress)
    except ImportFileError as e:
        return [], ProblemList.of(Problem(str(e)))
    return rows, problems


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
            check.problems.add(
                Problem(
                    _(
                        "Row %(row)s, “%(column)s”: “%(name)s” already exists in “%(street)s”. The "
                        "import only creates communities; edit existing ones on their page."
                    )
                    % {
                        "row": row.row,
                        "column": name_title,
                        "name": _shown(row.name),
                        "street": _shown(row.street),
                    },
                    row=row.row,
                    column=name_title,
                )
            )
        else:
            check.rows.append(row)
    check.new_streets = sorted({row.street for row in rows} - streets)
    return check


def problems_merge(into: ProblemList, *others: ProblemList) -> None:
    """Merge problem lists found in row order into `into`, by row; their counts add up.

    Each list holds its first problems in row order, so the first PROBLEMS_KEPT of the lists
    merged are the first PROBLEMS_KEPT of all."""
    count = into.count + sum(other.count for other in others)
    kept = list(heapq.merge(into.kept, *(o.kept for o in others), key=lambda p: p.row or 0))
    into.kept = kept[:PROBLEMS_KEPT]
    into.count = count


def checks_merge(check: ImportCheck, file_problems: ProblemList) -> ImportCheck:
    """Add the problems of the file itself to a district check: the first problems of both, by
    row, and their total count; no row to import when there is any problem."""
    problems = ProblemList(kept=list(file_problems.kept), count=file_problems.count)
    problems_merge(problems, check.problems)
    check.problems = problems
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

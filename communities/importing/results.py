"""What a check of an import finds: its problems (bounded), rows, and the stored preview."""

import heapq
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from core.exceptions import DomainError
from core.text import text_truncate

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

    # what the shared job life (`jobs.Checked`) reads: the rows are the records to create
    @property
    def records(self) -> list[ImportRow]:
        return self.rows

    @property
    def shown(self) -> list[dict[str, Any]]:
        return [asdict(row) for row in self.rows[:ROWS_KEPT]]

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


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def value_shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return text_truncate(str(value).strip(), VALUE_SHOWN_CHARS)


def problems_merge(into: ProblemList, *others: ProblemList) -> None:
    """Merge problem lists found in row order into `into`, by row; their counts add up.

    Each list holds its first problems in row order, so the first PROBLEMS_KEPT of the lists
    merged are the first PROBLEMS_KEPT of all."""
    count = into.count + sum(other.count for other in others)
    kept = list(heapq.merge(into.kept, *(o.kept for o in others), key=lambda p: p.row or 0))
    into.kept = kept[:PROBLEMS_KEPT]
    into.count = count

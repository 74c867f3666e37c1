"""The parts of the check that read the district, and the check of a stored upload."""

from django.utils.translation import gettext as _

from ..import_columns import COLUMNS
from ..models import Community, CommunityImport, District
from .results import (
    ImportCheck,
    ImportFileError,
    ImportRow,
    Problem,
    ProblemList,
    Progress,
    problems_merge,
    value_shown,
)
from .sheet import workbook_parse


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
                        "name": value_shown(row.name),
                        "street": value_shown(row.street),
                    },
                    row=row.row,
                    column=name_title,
                )
            )
        else:
            check.rows.append(row)
    check.new_streets = sorted({row.street for row in rows} - streets)
    return check


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

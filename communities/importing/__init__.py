"""Excel import of streets and communities into a district.

Reading and checking only; the life of an import job (upload, check task, confirmation, import
task, clean-up) is `jobs`, shared with the other apps' imports, and its page `pages`; the
community import's writes are in `services/imports.py`. The package: `workbook` (the file as
a zip), `sheet` (reading the first sheet), `results` (problems, rows, the stored preview),
`checks` (what reads the district).

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

from .checks import checks_merge, district_check, import_check
from .results import (
    NEW_STREETS_KEPT,
    PROBLEMS_KEPT,
    ROWS_KEPT,
    VALUE_SHOWN_CHARS,
    CommunityImportError,
    ImportCheck,
    ImportFileError,
    ImportPreview,
    ImportRow,
    Problem,
    ProblemList,
    Progress,
    problems_merge,
)
from .sheet import workbook_parse
from .workbook import (
    MAX_COMPRESSION_RATIO,
    MAX_SHARED_STRINGS,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
    workbook_check,
)

__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_SHARED_STRINGS",
    "MAX_UNPACKED_BYTES",
    "MAX_ZIP_MEMBERS",
    "NEW_STREETS_KEPT",
    "PROBLEMS_KEPT",
    "ROWS_KEPT",
    "VALUE_SHOWN_CHARS",
    "CommunityImportError",
    "ImportCheck",
    "ImportFileError",
    "ImportPreview",
    "ImportRow",
    "Problem",
    "ProblemList",
    "Progress",
    "checks_merge",
    "district_check",
    "import_check",
    "problems_merge",
    "workbook_check",
    "workbook_parse",
]

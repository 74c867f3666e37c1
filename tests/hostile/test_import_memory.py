"""The import check's peak memory, measured in a fresh process for the heaviest workbooks.

A workbook of 650 KB that repeats one 30,000-character shared string in 25,000 rows once took the
check from 112 MB to 3.6 GB. Each file here is checked in a new Python process (Django set up,
nothing else loaded), which reports its peak resident memory (`ru_maxrss`): the whole process,
Django included, stays under 300 MB, and the file is refused or accepted as expected. The files
are built in a process of their own too, so that the test process stays small.
"""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

from communities.importing import MAX_SHARED_STRINGS
from tests.communities.import_helpers import chinese, row, titles
from tests.hostile.corpus import (
    BOMB_ROWS,
    many_shared_strings,
    shared_string_bomb,
    strings_xml,
    too_many_rows,
    xlsx,
)
from tests.hostile.corpus import sheet_xml as sheet

PEAK_MB_MAX = 300

# the process's own peak (VmHWM): ru_maxrss would include the parent's memory at the fork
CHECK = """
import json, sys
import django
django.setup()
from django.core.files import File
from django.utils import translation
from communities.importing import ImportCheck, workbook_parse

translation.activate("zh-hans")
with open(sys.argv[1], "rb") as handle:
    rows, problems = workbook_parse(File(handle, name="upload.xlsx"))
preview = json.dumps(ImportCheck(rows=rows, problems=problems).to_preview())
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({
    "peak_mb": peak_kb / 1024,
    "rows": len(rows),
    "problems": [p.message for p in problems.kept[:3]],
    "problem_count": problems.count,
    "preview_bytes": len(preview),
}))
"""


def full_rows() -> bytes:
    """A legitimate workbook at the limits: 25,000 rows, every text column at its full length."""
    shared: dict[str, int] = {}
    reason = "征" * 300
    rows = [(1, list(titles()))]
    rows += [
        (
            n,
            row(
                street=f"{n % 50:02d}" + "街" * 58,
                name=f"{n:05d}" + "社" * 55,
                difficult_reason=reason,
            ),
        )
        for n in range(2, BOMB_ROWS + 2)
    ]
    return xlsx(sheet(rows, shared=shared), strings_xml(shared))


BUILD = """
import sys
import django
django.setup()
from tests.hostile.test_import_memory import CASES

build = next(build for key, build, _refusal in CASES if key == sys.argv[1])
with open(sys.argv[2], "wb") as out:
    out.write(build())
"""


def _run(script: str, *args: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(  # noqa: S603 (the test's own interpreter and script)
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _check_in_a_new_process(path: Path) -> dict[str, object]:
    result: dict[str, object] = json.loads(_run(CHECK, str(path)).strip().splitlines()[-1])
    return result


CASES: list[tuple[str, Callable[[], bytes], str | None]] = [
    (
        "shared-string-bomb",
        shared_string_bomb,
        "Cell %(cell)s holds %(length)s characters; no column of the template takes more than "
        "%(limit)s. The file is refused: correct that cell and upload it again.",
    ),
    (
        "shared-string-total",
        lambda: shared_string_bomb(chars=990),
        "The sheet holds more than %(limit)s characters of text, far more than the communities "
        "of a district need. The file is refused: check that it holds only the template's "
        "columns, or split it into several files.",
    ),
    (
        "too-many-rows",
        too_many_rows,
        "The sheet has more than %(limit)s rows of data; split it into several files.",
    ),
    (
        # two million short texts in a file just under the size limit
        "many-shared-strings",
        lambda: many_shared_strings(2_000_000),
        "The workbook holds more than %(limit)s different texts, far more than the "
        "communities of a district need. The file is refused: check that it holds only the "
        "template's columns, or split it into several files.",
    ),
    ("full-rows", full_rows, None),
]


@pytest.mark.parametrize(
    ("key", "refusal"), [(c[0], c[2]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_import_check_of_a_heavy_workbook_stays_under_300_mb(
    key: str, refusal: str | None, tmp_path: Path
) -> None:
    path = tmp_path / "upload.xlsx"
    _run(BUILD, key, str(path))
    # every one passes the upload's own checks: its size is that of an ordinary workbook
    assert path.stat().st_size < settings.IMPORT_MAX_BYTES

    result = _check_in_a_new_process(path)

    assert result["peak_mb"] < PEAK_MB_MAX, result  # type: ignore[operator]
    if refusal is None:
        assert result["rows"] == BOMB_ROWS, result
        return
    assert result["rows"] == 0
    assert result["problem_count"] == 1
    limits = {
        "cell": "A2",
        "length": 30_000,
        "limit": settings.IMPORT_MAX_CELL_CHARS,
    }
    if "characters of text" in refusal:
        limits = {"limit": settings.IMPORT_MAX_TEXT_CHARS}
    elif "rows of data" in refusal:
        limits = {"limit": settings.IMPORT_MAX_ROWS}
    elif "different texts" in refusal:
        limits = {"limit": MAX_SHARED_STRINGS}
    assert result["problems"] == [chinese(refusal, **limits)]

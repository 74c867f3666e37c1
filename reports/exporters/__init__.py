"""Writers of the weekly report: one function, three formats (pdf, xlsx, html).

Each writer takes the dict of `reports.selectors.report_context` and writes one file; none of them
queries the database.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

KINDS = ("pdf", "xlsx", "html")


def report_write(
    *,
    kind: str,
    context: dict[str, Any],
    path: Path,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the report of `context` as `kind` to `path` (the caller renames it into place).

    `progress(percent)` is called a few times as the work advances, if given. The PDF builds the
    subset fonts on first use (reports.fonts; `manage.py fonts_prepare` builds them ahead).
    Raises ValueError for an unknown kind.
    """
    report = progress or (lambda percent: None)
    if kind == "pdf":
        from .pdf import pdf_write

        pdf_write(context, Path(path), report)
    elif kind == "xlsx":
        from .xlsx import xlsx_report_write

        xlsx_report_write(context, Path(path), report)
    elif kind == "html":
        from .html import html_write

        html_write(context, Path(path), report)
    else:
        raise ValueError(f"unknown report kind: {kind!r}")
    report(100)

"""The weekly report as a standalone HTML page (the run's snapshot; prints on A4 too)."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from reports.fonts import font_stacks

TEMPLATE = "reports/weekly_report.html"


def html_render(context: dict[str, Any]) -> str:
    # the page names the system fonts: a browser never sees the server's subset files
    return render_to_string(TEMPLATE, {**context, "fonts": font_stacks(subsets=False)})


def html_write(context: dict[str, Any], path: Path, progress: Callable[[int], None]) -> None:
    html = html_render(context)
    progress(60)
    path.write_text(html, encoding="utf-8")

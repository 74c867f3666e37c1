"""Writers of the weekly report: one function, three formats (pdf, xlsx, html)."""

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
    """Write the report of `context` as `kind` to `path` (the caller renames it into place)."""
    raise NotImplementedError

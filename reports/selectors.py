"""Reads for the weekly report: everything a report shows, gathered once for all formats."""

from typing import Any

from communities.models import District, Street


def report_context(
    *, district: District, iso_year: int, iso_week: int, street: Street | None = None
) -> dict[str, Any]:
    """The content of one weekly report (district, or one street of it), for every format."""
    raise NotImplementedError

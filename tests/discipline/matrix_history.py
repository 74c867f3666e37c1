"""URL-matrix cases of a report's change history: read only by the officers on the case and the
district's leads (the matrix's `discipline` officer is on the open report's case); everyone else
gets a 404, as for the report's attachment. The other method (POST) is refused for everyone
(tests/discipline/test_history.py requests it)."""

from typing import Any

from tests.discipline.matrix_reports import reports_world
from tests.url_matrix import NOT_ALLOWED, NOT_FOUND, OK, World, everyone
from tests.url_matrix import Case as MatrixCase


def _open_report(world: World) -> dict[str, Any]:
    return {"pk": reports_world(world)["open"].pk}


HISTORY_ENTRIES: dict[str, MatrixCase] = {
    "discipline:report-history": MatrixCase(
        expect=everyone(NOT_FOUND, discipline=OK), kwargs=_open_report
    ),
}

HISTORY_OTHER_ENTRIES: dict[str, MatrixCase] = {
    "discipline:report-history": MatrixCase(
        expect=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED), method="post", kwargs=_open_report
    ),
}

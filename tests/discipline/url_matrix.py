"""URL-matrix cases of the discipline app: each part keeps its cases in its own `matrix_<part>.py`
and adds them here."""

from tests.url_matrix import Case

ENTRIES: dict[str, Case] = {}

# the discipline and supervision landing page
from tests.discipline.matrix_index import INDEX_ENTRIES  # noqa: E402

ENTRIES.update(INDEX_ENTRIES)

# reports entered by staff, their cases, the discipline leads
from tests.discipline.matrix_reports import REPORT_ENTRIES  # noqa: E402

ENTRIES.update(REPORT_ENTRIES)

# supervision (inspections, findings, rectification orders) and joint meetings
from tests.discipline.matrix_supervision import SUPERVISION_ENTRIES  # noqa: E402

ENTRIES.update(SUPERVISION_ENTRIES)

# publicity (discipline texts, tallies) and major events
from tests.discipline.matrix_publicity import PUBLICITY_ENTRIES  # noqa: E402

ENTRIES.update(PUBLICITY_ENTRIES)

# the public reporting channel (绿色通道) and the receipt look-up
from tests.discipline.matrix_public import PUBLIC_ENTRIES  # noqa: E402

ENTRIES.update(PUBLIC_ENTRIES)

# the change history of a report and its case
from tests.discipline.matrix_history import HISTORY_ENTRIES  # noqa: E402

ENTRIES.update(HISTORY_ENTRIES)

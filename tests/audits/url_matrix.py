"""URL-matrix cases of the audits app: each part keeps its cases in its own `matrix_<part>.py`
and adds them here."""

from tests.url_matrix import Case

ENTRIES: dict[str, Case] = {}

# audit firms and engagements
from tests.audits.matrix_engagements import ENTRIES as ENGAGEMENT_ENTRIES  # noqa: E402

ENTRIES.update(ENGAGEMENT_ENTRIES)

# Excel imports of engagements and findings
from tests.audits.matrix_imports import IMPORT_ENTRIES  # noqa: E402

ENTRIES.update(IMPORT_ENTRIES)

# the handover and the refusals to hand over
from tests.audits.matrix_handover import HANDOVER_ENTRIES  # noqa: E402

ENTRIES.update(HANDOVER_ENTRIES)

# findings, rectification items, finding categories and postings
from tests.audits.matrix_findings import FINDINGS_ENTRIES  # noqa: E402

ENTRIES.update(FINDINGS_ENTRIES)

# the overview of the audits and handovers, and its workbook
from tests.audits.matrix_overview import OVERVIEW_ENTRIES  # noqa: E402

ENTRIES.update(OVERVIEW_ENTRIES)

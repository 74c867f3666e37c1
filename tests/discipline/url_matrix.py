"""URL-matrix cases of the discipline app: each part keeps its cases in its own `matrix_<part>.py`
and adds them here."""

from tests.url_matrix import Case

ENTRIES: dict[str, Case] = {}

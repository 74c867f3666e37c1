"""URL-matrix cases of the discipline and supervision landing page: whoever sees a community or
reads a district gets it (its cards per role); a member unit without a grant a 404."""

from tests.url_matrix import LOGIN, NOT_FOUND, OK, Case, everyone

INDEX_ENTRIES: dict[str, Case] = {
    "discipline:index": Case(expect=everyone(OK, anonymous=LOGIN, member_unit_user=NOT_FOUND)),
}

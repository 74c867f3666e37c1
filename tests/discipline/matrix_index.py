"""URL-matrix cases of the discipline and supervision landing page: the district's readers (the
office, discipline, supervision, a superuser) get it; anyone else a 404."""

from tests.url_matrix import LOGIN, NOT_FOUND, OK, Case, everyone

INDEX_ENTRIES: dict[str, Case] = {
    "discipline:index": Case(
        expect=everyone(
            NOT_FOUND, anonymous=LOGIN, admin_user=OK, office=OK, discipline=OK, supervisor=OK
        )
    ),
}

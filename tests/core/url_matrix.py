from tests.url_matrix import FOUND, OK, Case, everyone

ENTRIES = {
    "healthz": Case(expect=everyone(OK, anonymous=OK)),
    "set_language": Case(
        method="post",
        data=lambda w: {"language": "en", "next": "/"},
        expect=everyone(FOUND, anonymous=FOUND),
    ),
}

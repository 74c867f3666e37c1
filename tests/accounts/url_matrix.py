from tests.url_matrix import FOUND, NOT_FOUND, OK, Case, everyone

ENTRIES = {
    "accounts:login": Case(expect=everyone(FOUND, anonymous=OK)),
    "accounts:logout": Case(method="post", expect=everyone(FOUND, anonymous=FOUND)),
    "accounts:password-change": Case(expect=everyone(OK)),
    # filled in with the security log and grant management
    "accounts:security-log": Case(expect=everyone(NOT_FOUND)),
    "accounts:grant-list": Case(expect=everyone(NOT_FOUND)),
    "accounts:grant-add": Case(expect=everyone(NOT_FOUND)),
    "accounts:grant-revoke": Case(expect=everyone(NOT_FOUND)),
}

from tests.url_matrix import OK, Case, everyone

# every signed-in account has a home page; what it shows depends on the role and the grants
ENTRIES = {
    "dashboard": Case(expect=everyone(OK)),
}

"""The pages each role may open, derived from the URL permission matrix.

Shared by the link crawl (`tests/test_crawl.py`) and the browser screenshots
(`tests/e2e/test_pages_browser.py`): a page is a GET entry of the matrix whose expected status
for the role is 200, pointing at the matrix's in-scope objects. New matrix entries become new
pages here without any change.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from election import negative_lists
from election.models import NegativeList, RuleSet
from election.rulesets import shipped_files
from election.services.negative_lists import negative_list_load_file
from election.services.rulesets import ruleset_reload_shipped
from tests.election import matrix_campaigns
from tests.test_url_matrix import COVERED_ELSEWHERE, MATRIX
from tests.url_matrix import OK, World


@dataclass(frozen=True)
class Page:
    name: str  # the namespaced URL name, as in the matrix
    url: str  # path and query string
    kwargs: tuple[tuple[str, str], ...]  # the URL's arguments, as strings, sorted


def prepare_world(world: World) -> None:
    """Build the shared objects in the one order that lets every matrix helper reuse them.

    The matrix requests one URL per test, so its helpers never meet; here all of them run in one
    world. The campaigns' running campaign is made first: the plan helpers reuse the district's
    running campaign and the dashboard helper finds it by name, so there is one campaign.
    The shipped rule sets and negative lists come from migrations; a transactional test before
    this one may have flushed them, so they are loaded again when missing.
    """
    if not RuleSet.objects.filter(code="national-2018").exists():
        ruleset_reload_shipped(shipped_files())
    if not NegativeList.objects.exists():
        for path in negative_lists.shipped_files():
            negative_list_load_file(path)
    matrix_campaigns.running_campaign(world)


def pages_for(world: World, role: str) -> list[Page]:
    """Every GET page of the matrix that `role` opens with 200, its objects made in `world`."""
    pages = []
    for name in sorted(MATRIX):
        case = MATRIX[name]
        if name.startswith(COVERED_ELSEWHERE) or case.method != "get":
            continue
        if case.status_for(role) != OK:
            continue
        kwargs: dict[str, Any] = case.kwargs(world) if case.kwargs else {}
        query = case.query(world) if callable(case.query) else case.query
        url = reverse(name, kwargs=kwargs or None) + query
        key = tuple(sorted((k, str(v)) for k, v in kwargs.items()))
        pages.append(Page(name=name, url=url, kwargs=key))
    return pages

"""Every page a role may open is reachable by links from the home page.

As each role of the URL permission matrix, start at `/` and follow every same-site `<a href>` and
`hx-get` breadth-first with the test client (GET only). Then every GET page of the matrix that
the role opens with 200 (against the matrix's in-scope objects) must have been reached, by URL name
and by object: a page reachable only by typing its address fails, naming the role and the page.
"""

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.matrix_pages import Page, pages_for, prepare_world
from tests.test_url_matrix import world  # noqa: F401  (the matrix's fixture, shared)
from tests.url_matrix import ROLES, World

# Pages that are legitimately not linked, with why. Keep it short: a page missing a link is a bug.
NOT_LINKED = {
    # a monitoring endpoint for machines (load balancer, `make run`), not a page for people
    "healthz": "monitoring endpoint",
    # the status fragment of an import is polled only by its page (hx-trigger, not a link)
    "communities:import-status": "polled by the import's page",
    "election:import-status": "polled by the import's page",
    "audits:import-status": "polled by the import's page",
}

# Links still missing on pages owned elsewhere (reported to their owners): each is checked to be
# still missing, so its entry must go once the link lands. (role, URL name): the page to fix.
AWAITING_LINKS: dict[tuple[str, str], str] = {
    # (role, URL name): the template that should link it; a landed link must leave the list
}

# never fetched: signing out would end the crawl's session; the admin is Django's own
SKIP_NAMES = {"accounts:logout", "set_language"}
SKIP_PREFIXES = ("/admin/", "/static/", "/media/")

PAGE_LIMIT = 800  # a bound on the whole crawl of one role
VARIANTS_PER_PATH = 6  # a bound on query-string variants (filters, pages) of one path
FETCHES_PER_NAME = 12  # a bound on pages fetched of one URL name


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and ((tag == "a" and name == "href") or name == "hx-get"):
                self.links.append(value)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


@dataclass
class Crawl:
    reached: dict[tuple[str, tuple[tuple[str, str], ...]], str] = field(default_factory=dict)
    fetched: int = 0
    errors: list[str] = field(default_factory=list)

    def names(self) -> set[str]:
        return {name for name, _kwargs in self.reached}


def _same_site(base: str, href: str) -> str | None:
    """The path and query of `href` when it stays on this site, else None."""
    if href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _resolved(url: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    kwargs = tuple(sorted((k, str(v)) for k, v in match.kwargs.items()))
    return match.view_name, kwargs


def crawl(client: Client, start: str = "/") -> Crawl:
    """Breadth-first over same-site links from `start`.

    Records every page a link (or a redirect) leads to, by URL name and arguments. Pages are
    fetched and parsed breadth-first, at most `FETCHES_PER_NAME` of one URL name (forty step
    editors of a rule set look alike) and `PAGE_LIMIT` in all.
    """
    result = Crawl()
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    seen = {start}
    variants: dict[str, int] = {}
    fetches: dict[str, int] = {}
    first = _resolved(start)
    if first is not None:
        result.reached[first] = start
    while queue and result.fetched < PAGE_LIMIT:
        url, source = queue.popleft()
        resolved = _resolved(url)
        name = resolved[0] if resolved is not None else url
        if name in SKIP_NAMES or fetches.get(name, 0) >= FETCHES_PER_NAME:
            continue
        fetches[name] = fetches.get(name, 0) + 1
        response = client.get(url)
        result.fetched += 1
        if response.status_code >= 500 or response.status_code == 404:
            # a link the user may click must not end on an error page
            result.errors.append(f"{url} (linked from {source}) answered {response.status_code}")
        for link in _next_links(response):
            target = _same_site(url, link)
            if target is None or target in seen:
                continue
            path = urlsplit(target).path
            if variants.get(path, 0) >= VARIANTS_PER_PATH:
                continue
            variants[path] = variants.get(path, 0) + 1
            seen.add(target)
            queue.append((target, url))
            linked = _resolved(target)
            if linked is not None:
                result.reached.setdefault(linked, target)
    return result


def _next_links(response: Any) -> Iterator[str]:
    if response.status_code in (301, 302, 303, 307, 308):
        yield response["Location"]
        return
    content_type = response.get("Content-Type", "")
    if response.status_code != 200 or not content_type.startswith("text/html"):
        # a download: fetched (it answered) but not parsed
        _drain(response)
        return
    yield from links_of(response.content.decode())


def _drain(response: Any) -> None:
    """Read a streamed download to its end without parsing it.

    The test client closes a streamed response when its content is read; closing it directly
    would fire `request_finished`, which closes the test's database connection (PostgreSQL).
    """
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


def _missing(pages: list[Page], result: Crawl, allowed: set[str]) -> list[str]:
    missing = []
    for page in pages:
        if page.name in allowed:
            continue
        if (page.name, page.kwargs) in result.reached:
            continue
        if page.name in result.names():
            missing.append(f"{page.name} {page.url} (linked, but not for this object)")
        else:
            missing.append(f"{page.name} {page.url}")
    return missing


def _crawl_as(w: World, role: str) -> Crawl:
    client = Client()
    if w.users[role] is not None:
        client.force_login(w.users[role])
    return crawl(client)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_is_reachable_by_links(role: str, world: World) -> None:  # noqa: F811
    prepare_world(world)
    pages = pages_for(world, role)

    result = _crawl_as(world, role)

    assert not result.errors, f"{role}: links that end on an error page: {result.errors}"
    awaited = {name for (who, name) in AWAITING_LINKS if who == role}
    missing = _missing(pages, result, set(NOT_LINKED) | awaited)
    assert not missing, (
        f"{role}: pages it may open but reaches only by typing the address "
        f"({result.fetched} pages crawled): {missing}"
    )
    # an awaited link that has landed must leave the list, so the check covers it again
    landed = sorted(awaited & result.names())
    assert not landed, f"{role}: now linked, remove from AWAITING_LINKS: {landed}"


def test_a_page_no_link_leads_to_is_reported(world: World) -> None:  # noqa: F811
    """The check itself: a page nothing links to, or another object than the one linked."""
    prepare_world(world)
    result = _crawl_as(world, "office")
    unlinked = Page(name="healthz", url="/healthz", kwargs=())
    other_object = Page(name="election:ruleset-detail", url="/x/", kwargs=(("pk", "0"),))

    assert ("election:ruleset-list", ()) in result.reached
    assert _missing([unlinked, other_object], result, allowed=set()) == [
        "healthz /healthz",
        "election:ruleset-detail /x/ (linked, but not for this object)",
    ]

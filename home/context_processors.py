"""The menu by role. It names the pages of every app, so it sits at the top of the house with the
home pages (design.md §2), not in core."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# navigation by role: what each kind of user needs first; the views still check every access
_NAV = {
    "dashboard": (_("Dashboard"), "dashboard"),
    "communities": (_("Communities"), "communities:community-list"),
    "campaigns": (_("Campaigns"), "election:campaign-list"),
    "worklist": (_("Worklist"), "election:worklist"),
    "rules": (_("Rule sets"), "election:ruleset-list"),
    "assignments": (_("Assignments"), "election:assignment-list"),
    "import": (_("Import"), "communities:import-upload"),
    # nominees, results and previous-term members from Excel (election/views/imports.py)
    "election_import": (
        pgettext_lazy("election import column", "Import from Excel"),
        "election:import-hub",
    ),
    "grants": (_("Access"), "accounts:grant-list"),
    "security": (_("Security log"), "accounts:security-log"),
    "reports": (_("Reports"), "reports:archive"),
    "review": (_("Joint review tasks"), "election:review-queue"),
    "statistics": (_("Statistics"), "election:statistics-latest"),
    # departure audits of the outgoing committees (audits/views/engagements.py)
    "audits": (_("Departure audits"), "audits:engagement-list"),
    # the district's (or street's) overview of the audits and handovers (audits/views/overview.py)
    "audits_overview": (pgettext_lazy("audits overview", "Audits overview"), "audits:overview"),
    # discipline and supervision: the landing page of the district's readers, and the major
    # events of a street official or a leader (discipline/views/)
    "discipline": (pgettext_lazy("menu", "Discipline"), "discipline:index"),
    "events": (pgettext_lazy("menu", "Major events"), "discipline:events"),
}
# every page a role may open is reachable from here or from a page linked here (tests/test_crawl)
_ROLE_NAV = {
    "office": [
        "dashboard",
        "campaigns",
        "worklist",
        "communities",
        "reports",
        "audits",
        "audits_overview",
        "discipline",
        "statistics",
        "assignments",
        "rules",
        "import",
        "grants",
        "security",
    ],
    "street": [
        "dashboard",
        "worklist",
        "communities",
        "assignments",
        "reports",
        "audits",
        "audits_overview",
        "events",
        "statistics",
        "election_import",
    ],
    "leader": [
        "dashboard",
        "assignments",
        "worklist",
        "communities",
        "reports",
        "audits",
        "events",
    ],
    "member_unit": ["review", "dashboard", "worklist", "communities", "reports"],
    "discipline": [
        "dashboard",
        "discipline",
        "worklist",
        "communities",
        "reports",
        "audits",
        "audits_overview",
        "statistics",
    ],
    "supervisor": [
        "dashboard",
        "discipline",
        "worklist",
        "communities",
        "reports",
        "audits",
        "audits_overview",
        "statistics",
    ],
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    keys = _ROLE_NAV["office"] if user.is_superuser else _ROLE_NAV.get(user.role, ["dashboard"])
    current = request.path
    items = []
    for key in keys:
        label, name = _NAV[key]
        url = reverse(name)
        active = current == url if url == "/" else current.startswith(url)
        items.append({"key": key, "label": label, "url": url, "active": active})
    # the user's own assignments (maybe none) stay one tap away in the account menu
    return {"nav_items": items, "nav_has_assignments": "assignments" in keys}

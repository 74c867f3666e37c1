from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# navigation by role: what each kind of user needs first; the views still check every access
_NAV = {
    "dashboard": (_("Dashboard"), "dashboard"),
    "communities": (_("Communities"), "communities:community-list"),
    "campaigns": (_("Campaigns"), "election:campaign-list"),
    "worklist": (_("Worklist"), "election:worklist"),
    "assignments": (_("Assignments"), "election:assignment-list"),
    "import": (_("Import"), "communities:import-upload"),
    "grants": (_("Access"), "accounts:grant-list"),
    "security": (_("Security log"), "accounts:security-log"),
    "reports": (_("Reports"), "reports:archive"),
}
_ROLE_NAV = {
    "office": [
        "dashboard",
        "campaigns",
        "communities",
        "reports",
        "assignments",
        "import",
        "grants",
        "security",
    ],
    "street": ["dashboard", "worklist", "communities", "reports"],
    "leader": ["dashboard", "assignments", "communities"],
    "member_unit": ["dashboard"],
    "discipline": ["dashboard", "communities", "reports"],
    "supervisor": ["dashboard", "communities", "reports"],
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
    return {"nav_items": items}

"""The change reasons services record in the history, and their labels for people.

Services store short English codes (`_change_reason`); pages show the translated label. A reason
typed by a user is not in this table and is shown as it was typed.
"""

from django.utils.translation import gettext_lazy as _

REASON_LABELS = {
    "profile edited": _("profile edited"),
    "seats edited": _("seats edited"),
    "community created": _("community created"),
    "imported": _("imported from Excel"),
    "demo data": _("demo data"),
    "scale data": _("synthetic data for benchmarks"),
    "grant assigned": _("grant assigned"),
    "grant revoked": _("grant revoked"),
}


def reason_label(reason: str | None) -> str:
    return str(REASON_LABELS.get(reason or "", reason or ""))

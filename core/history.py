"""The change reasons services record in the history, and their labels for people.

Services store short English codes (`_change_reason`); pages show the translated label. A reason
typed by a user is not in this table and is shown as it was typed.
"""

from django.utils.translation import gettext_lazy as _

# the length of simple-history's `history_change_reason` column (its default CharField): a reason
# a user types is refused by the form beyond it, never cut or left to the database to refuse
REASON_MAX = 100

REASON_LABELS = {
    "profile edited": _("profile edited"),
    "seats edited": _("seats edited"),
    "community created": _("community created"),
    "imported": _("imported from Excel"),
    "demo data": _("demo data"),
    "scale data": _("synthetic data for benchmarks"),
    "grant assigned": _("grant assigned"),
    "grant revoked": _("grant revoked"),
    "assignment": _("assigned to follow the community"),
    "assignment created": _("assignment created"),
    "assignment ended": _("assignment ended"),
    "visit recorded": _("visit recorded"),
    "follow-up done": _("follow-up done"),
    "rule set loaded": _("rule set loaded"),
    "rule set cloned": _("rule set cloned"),
    "step rule edited": _("step rule edited"),
    "seat rule edited": _("seat rule edited"),
    "campaign created": _("campaign created"),
    "campaign started": _("campaign started"),
    "step updated": _("step updated"),
    "recomputed": _("due dates and checks recomputed"),
    "election day moved": _("election day moved"),
    "stage closed": _("stage closed"),
    "evidence added": _("evidence added"),
    "notice added": _("public notice added"),
    "survey updated": _("survey updated"),
    "seats planned": _("seats planned"),
    "calendar loaded": _("calendar loaded"),
    "committee formed": _("committee formed"),
    "election postponed": _("election postponed"),
    "negative list cloned": _("negative list cloned"),
    "negative list loaded": _("negative list loaded"),
    "objection decided": _("objection decided"),
    "objection received": _("objection received"),
    "result recorded": _("election result recorded"),
    "term closed": _("term closed"),
    "negative criterion edited": _("negative list criterion edited"),
    "negative criterion added": _("negative list criterion added"),
    "negative criterion deleted": _("negative list criterion deleted"),
    "criteria reordered": _("criteria reordered"),
    "criteria renumbered": _("criteria renumbered"),
}


def reason_label(reason: str | None) -> str:
    return str(REASON_LABELS.get(reason or "", reason or ""))

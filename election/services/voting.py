"""Writes for how a community votes and who may vote: the voter figures by the ground on which
each voter registered, the voting mode, a runoff (另行选举) and a new election (重新选举), and the
Party members' meeting (its attendance, and whether it is an open recommendation and direct
election, 公推直选).

What is allowed is data on the campaign's rule set: the voting modes of each track
(`VotingRule`), whether 公推直选 is an option, and the Party meeting's quorum.
"""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Community
from core.exceptions import DomainError
from core.locking import stale

from ..models import Applies, Campaign, CommunityPlan, VotingMode, VotingRule
from .plans import _after_commit_rollup, plan_refresh

VOTING_FIELDS = [
    "voters_by_register",
    "voters_by_residence",
    "voters_community_workers",
    "voters_village_admitted",
    "voting_mode",
    "runoff_on",
    "reelection_ground",
    "reelection_on",
    "party_members_entitled",
    "party_members_present",
    "is_party_direct_election",
]
# the registration grounds of each track: a city community registers residents of six months and
# community workers; a village-track community admits non-register residents after a year
CITY_ONLY = ["voters_by_residence", "voters_community_workers"]
VILLAGE_ONLY = ["voters_village_admitted"]


class VotingError(DomainError):
    """One or more rules are broken; `problems` lists each, in order."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def voting_rules_for(plan: CommunityPlan, track: str) -> list[VotingRule]:
    """The voting rules of the plan's rule set that apply to `track`."""
    return list(
        VotingRule.objects.filter(rule_set_id=plan.campaign.rule_set_id).filter(
            Q(applies_to=Applies.ALL) | Q(applies_to=track)
        )
    )


def _problems(plan: CommunityPlan, track: str, values: dict[str, Any]) -> list[str]:
    problems = []
    wrong_track = VILLAGE_ONLY if track == Community.Track.RESIDENTS else CITY_ONLY
    for name in wrong_track:
        if values[name]:
            if track == Community.Track.RESIDENTS:
                message = _(
                    "“%(field)s” is a figure of the villagers' committee rules; this community "
                    "elects under the residents' committee rules."
                )
            else:
                message = _(
                    "“%(field)s” is a figure of the residents' committee rules; this community "
                    "elects under the villagers' committee rules."
                )
            verbose = getattr(CommunityPlan._meta.get_field(name), "verbose_name", name)
            problems.append(message % {"field": verbose})
    mode = values["voting_mode"]
    if mode and mode not in {r.mode for r in voting_rules_for(plan, track)}:
        problems.append(
            _("The rules of this community's track do not allow voting by %(mode)s.")
            % {"mode": VotingMode(mode).label}
        )
    if values["runoff_on"] and values["runoff_on"] < plan.election_on:
        problems.append(_("A runoff is held on election day or later."))
    ground, reelection_on = values["reelection_ground"], values["reelection_on"]
    if bool(ground) != bool(reelection_on):
        problems.append(_("A new election needs both its ground and its day."))
    if reelection_on and reelection_on <= plan.election_on:
        problems.append(_("A new election is held after the election day it replaces."))
    entitled, present = values["party_members_entitled"], values["party_members_present"]
    if entitled is not None and present is not None and present > entitled:
        problems.append(_("More members present than entitled to vote."))
    if (
        values["is_party_direct_election"]
        and not plan.campaign.rule_set.allows_party_direct_election
    ):
        problems.append(
            _("The rule set does not provide for open recommendation and direct election.")
        )
    return problems


@transaction.atomic
def plan_voting_update(
    *, plan: CommunityPlan, version: int, data: dict[str, Any], by: User, reason: str = ""
) -> CommunityPlan:
    """Save the plan's voter figures, voting mode, runoff, new election and Party meeting.

    `data` holds any of VOTING_FIELDS. Locks the plan. Raises ConflictError for a stale form, and
    VotingError (naming every broken rule) for a figure of the other track (residence and
    community workers are the city's, admitted non-register residents the village track's), a
    voting mode the rule set does not give the community's track, a runoff before election day,
    a new election without its ground or day or not after election day, more Party members
    present than entitled, 公推直选 the rule set does not provide for, or a closed campaign. A
    Party meeting short of its quorum is recorded (it is a fact) and shown red on the plan.
    Idempotent. History reason: `reason`, else "voting recorded". A runoff or new election
    moves the day the new committee is formed, so the plan is recomputed.
    """
    plan = (
        CommunityPlan.objects.select_for_update(of=("self",))
        .select_related("campaign__rule_set", "community")
        .get(pk=plan.pk)
    )
    if plan.version != version:
        raise stale(CommunityPlan, form_refilled=True)
    if plan.campaign.status == Campaign.Status.CLOSED:
        raise VotingError([_("“%(name)s” is closed.") % {"name": plan.campaign.name}])
    values = {f: data.get(f, getattr(plan, f)) for f in VOTING_FIELDS}
    track = plan.community.election_track
    problems = _problems(plan, track, values)
    if problems:
        raise VotingError(problems)
    changed = [f for f in VOTING_FIELDS if getattr(plan, f) != values[f]]
    if not changed:
        return plan
    for f in changed:
        setattr(plan, f, values[f])
    plan.version += 1
    plan._history_user = by  # type: ignore[attr-defined]
    plan._change_reason = reason.strip() or "voting recorded"  # type: ignore[attr-defined]
    plan.save(update_fields=[*changed, "version", "updated_at"])
    if {"runoff_on", "reelection_on"} & set(changed):
        plan_refresh(plan=plan, by=by)
        _after_commit_rollup(plan)
    return plan

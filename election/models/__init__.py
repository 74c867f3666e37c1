"""Rule sets, campaigns and each community's election plan, one module per concern.

A **rule set** is versioned data (never constants): the ordered stages and steps of the procedure,
each step's due date as an offset from election day E, from the Party election's day, from the
campaign's start or from another step, the lead-time check that applies to it, and the seat ranges.
A **campaign** of a district picks one rule set; starting it creates one **plan** per community,
with a stage and a step for every template that applies to the community's election track.

- `rules`: rule sets, stage and step templates, seat and voting rules, the official calendar
- `campaigns`: campaigns and their dashboard figures
- `plans`: each community's plan, its stages and steps, survey, seat plans and postponements
- `records`: evidence, public notices and objections to the voter list
- `assignments`: leaders and cadres assigned to a community, and their visits
- `vetting`: the negative lists (负面清单) that candidates are vetted against
- `candidates`: the candidate register and the member units' joint review (联审)
- `results`: election results, committee members (new and previous term), statistics bands
- `imports`: Excel imports of nominees, results and the previous term's members

Every model is importable from `election.models`, as before the split; the migrations name the
upload paths as `election.models.evidence_path` and `election.models.notice_photo_path`.
"""

from django.db import models

from . import assignments, campaigns, candidates, imports, plans, records, results, rules, vetting
from .assignments import LeaderAssignment, Visit
from .campaigns import Campaign, CampaignSnapshot, StreetStageRollup
from .candidates import (
    Candidate,
    CriterionAnswer,
    Education,
    Gender,
    Post,
    UnitReview,
    mask_id_number,
    review_evidence_path,
)
from .imports import ElectionImport
from .plans import CommunityPlan, PlanStage, PlanStep, Postponement, SeatPlan, SurveyLedger
from .records import Evidence, PublicNotice, VoterObjection, evidence_path, notice_photo_path
from .results import DEFAULT_BANDS, CandidateVote, CommitteeMember, ElectionResult, StatisticsBand
from .rules import (
    Applies,
    CalendarDay,
    RuleSet,
    SeatRule,
    StageTemplate,
    StepTemplate,
    VotingMode,
    VotingRule,
)
from .vetting import NegativeCriterion, NegativeList


def _keep_history_models_here() -> None:
    """Keep each historical model at `election.models.Historical<Model>`, where it was before the
    split: django-simple-history gives a historical model of a module other than the app's
    `models` the module name of the app ("election"), where `manage.py shell` and whatever imports
    a model by its `__module__` would not find it. Their app and names do not change."""
    for module in (
        assignments,
        campaigns,
        candidates,
        imports,
        plans,
        records,
        results,
        rules,
        vetting,
    ):
        for name, value in list(vars(module).items()):
            if (
                name.startswith("Historical")
                and isinstance(value, type)
                and issubclass(value, models.Model)
            ):
                value.__module__ = __name__
                globals()[name] = value


_keep_history_models_here()

__all__ = [
    "DEFAULT_BANDS",
    "Applies",
    "CalendarDay",
    "Campaign",
    "CampaignSnapshot",
    "Candidate",
    "CandidateVote",
    "CommitteeMember",
    "CommunityPlan",
    "CriterionAnswer",
    "Education",
    "ElectionImport",
    "ElectionResult",
    "Evidence",
    "Gender",
    "LeaderAssignment",
    "NegativeCriterion",
    "NegativeList",
    "PlanStage",
    "PlanStep",
    "Post",
    "Postponement",
    "PublicNotice",
    "RuleSet",
    "SeatPlan",
    "SeatRule",
    "StageTemplate",
    "StatisticsBand",
    "StepTemplate",
    "StreetStageRollup",
    "SurveyLedger",
    "UnitReview",
    "Visit",
    "VoterObjection",
    "VotingMode",
    "VotingRule",
    "evidence_path",
    "mask_id_number",
    "notice_photo_path",
    "review_evidence_path",
]

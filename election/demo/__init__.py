"""The election's part of the demo data (`manage.py seed_demo`, `seed_scale`, in the `demo` app).

The demo campaign (under the default rule set; skipped while there is none) is built once, with
dates relative to the day it is built, so that the dashboard is alive at first sight: started 45
days ago, election day in 25 days, a few communities that voted already and a few that vote
later, most past steps done, a few overdue, a few breaking a time limit, public notices, survey
ledgers, seat plans, assignments with visits and 30 days of snapshots. Once it exists it is left
alone (only communities added to the demo district since get a plan). Its name, notice board and
assignments are data, in `election/demo_data.json`.

The demo campaign vets against the newest version of the shipped “六不能六不宜” negative list.

The scale district gets a running campaign with one plan per community (`scale_seed`).

Fictional data only; nothing here is used by the application at run time.
"""

import json
import random
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import District

from ..models import Campaign, NegativeList, PlanStage, PlanStep, RuleSet
from ..services.campaigns import campaign_update
from .campaign import campaign_demo_build, campaign_demo_complete
from .candidates import candidates_demo_seed
from .scale import scale_campaign_seed

DATA_PATH = Path(__file__).resolve().parents[1] / "demo_data.json"
SEED = 20210101
SCALE_SEED = 20002
# the demo campaign vets its nominees against the newer six 不能 and six 不宜
DEMO_NEGATIVE_LIST_CODE = "six-six"

# the tables `seed_scale` fills by the million: loaded without their plain indexes on PostgreSQL
SCALE_BULK_MODELS = [PlanStage, PlanStep]

__all__ = ["DATA_PATH", "SCALE_BULK_MODELS", "demo_seed", "scale_seed"]


def demo_seed(*, district: District, today: date, by: User) -> str:
    """Build the demo campaign of `district` once, or give a plan to communities added since;
    return the line that describes it (the same every run). Runs in the caller's transaction."""
    spec = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    campaign = Campaign.objects.filter(district=district, name=spec["name"]).first()
    if campaign is None:
        rules = RuleSet.objects.filter(is_default=True).order_by("code", "-version").first()
        if rules is None:
            return _("No default rule set yet: the demo campaign is skipped.")
        campaign = campaign_demo_build(
            district=district, rule_set=rules, spec=spec, today=today, seed=SEED, by=by
        )
    else:
        campaign_demo_complete(campaign=campaign, by=by)
    if campaign.negative_list_id is None:
        # also for a demo campaign built before negative lists existed
        negative_list = (
            NegativeList.objects.filter(code=DEMO_NEGATIVE_LIST_CODE).order_by("-version").first()
        )
        if negative_list is not None:
            campaign = campaign_update(
                campaign=campaign,
                data={"negative_list": negative_list},
                by=by,
                reason="demo data",
            )
    line = _("Demo campaign “%(name)s” (%(rules)s): election day %(on)s, %(plans)s plans.") % {
        "name": campaign.name,
        "rules": campaign.rule_set,
        "on": campaign.election_on.isoformat(),
        "plans": campaign.plans.count(),
    }
    if campaign.negative_list_id is not None:
        # nominees at every state, joint reviews, a few elections' results and the members
        line += "\n" + candidates_demo_seed(campaign=campaign, today=today, by=by)
    return line


def scale_seed(*, district: District, by: User | None) -> str:
    """The scale district's running campaign with its plans (see `scale_campaign_seed`); returns
    a line for the command's output. Deterministic for a given day."""
    return scale_campaign_seed(
        district=district,
        by=by,
        rng=random.Random(SCALE_SEED),  # noqa: S311 - synthetic data
    )

"""The demo's overdue history (the dashboard's "overdue steps over time" chart) is smooth and
plausible: no zigzag from one day to the next, and it ends at today's real count."""

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db.models import Sum

from election.models import Campaign, CampaignSnapshot, StreetStageRollup

pytestmark = pytest.mark.django_db


def _steps(values: list[int]) -> list[int]:
    return [abs(b - a) for a, b in pairwise(values)]


def test_the_demo_overdue_history_is_smooth_and_ends_at_todays_count() -> None:
    call_command("seed_demo", stdout=StringIO())
    campaign = Campaign.objects.get(district__code="demo")
    snapshots = list(CampaignSnapshot.objects.filter(campaign=campaign).order_by("on"))
    overdue = [s.steps_overdue for s in snapshots]
    red = [s.steps_red for s in snapshots]
    done = [s.steps_done for s in snapshots]

    today = StreetStageRollup.objects.filter(campaign=campaign).aggregate(
        overdue=Sum("steps_overdue"), red=Sum("steps_red")
    )
    # the last day is the real count, the dashboard's own
    assert overdue[-1] == today["overdue"] and red[-1] == today["red"]
    # no day moves the line by more than a tenth of its height (or a few steps)
    assert max(_steps(overdue)) <= max(4, max(overdue) // 10), overdue
    assert max(_steps(red)) <= max(2, max(red) // 10), red
    # steps once done stay done
    assert done == sorted(done)

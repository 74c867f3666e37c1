"""The campaign dashboard's charts in a real Chromium: a bar per stage in the procedure's order,
labelled with the stages' names; numbers with thousands separators, percentages as "48%"."""

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from election.models import Campaign, StageTemplate
from election.services.rollups import campaign_rollups_refresh
from tests.e2e.test_browser import sign_in

# the election fixtures (a small rule set and a running campaign)
from tests.election.conftest import campaign, running_campaign, small_rules  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# what the page's charts are, read from ECharts itself (a canvas has no text to read)
CHARTS = """() => {
  const option = (id) => echarts.getInstanceByDom(document.getElementById(id)).getOption();
  const stages = option("chart-funnel");
  const streets = option("chart-streets");
  const overdue = option("chart-overdue");
  return {
    stageType: stages.series[0].type,
    stageNames: stages.yAxis[0].data,
    stageInverse: stages.yAxis[0].inverse,
    stageValues: stages.series[0].data.map((d) => d.value),
    stageAxisMax: stages.xAxis[0].max,
    stageLabel: stages.series[0].label.formatter({ value: 1234 }),
    streetLabel: streets.series[0].label.formatter({ value: 48 }),
    streetAxis: streets.xAxis[0].axisLabel.formatter(100),
    overdueAxis: overdue.yAxis[0].axisLabel.formatter(12345),
  };
}"""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_dashboards_charts_read(
    request: pytest.FixtureRequest,
    viewport: str,
    live_server: Any,
    office: Any,
    running_campaign: Campaign,  # noqa: F811 - the fixture imported above
    screenshot_dir: Path,
) -> None:
    page = request.getfixturevalue(viewport)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    campaign_rollups_refresh(campaign_id=running_campaign.pk)
    sign_in(page, live_server, "office")

    page.goto(live_server.url + reverse("election:dashboard", args=[running_campaign.pk]))
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-funnel'))"
    )
    charts = page.evaluate(CHARTS)
    page.locator("#chart-funnel").screenshot(
        path=screenshot_dir / f"dashboard-stages-{viewport}.png"
    )

    stages = list(
        StageTemplate.objects.filter(rule_set=running_campaign.rule_set)
        .order_by("order")
        .values_list("title", flat=True)
    )
    assert charts["stageType"] == "bar"
    # the procedure's order from the top, each bar labelled with its stage
    assert charts["stageNames"] == stages and charts["stageInverse"] is True
    assert len(charts["stageValues"]) == len(stages)
    # the axis ends at the number of plans: a bar's length is the share past the stage
    assert charts["stageAxisMax"] == running_campaign.plans.count()
    assert charts["stageLabel"] == "1,234"
    assert charts["streetLabel"] == "48%" and charts["streetAxis"] == "100%"
    assert charts["overdueAxis"] == "12,345"
    assert errors == []

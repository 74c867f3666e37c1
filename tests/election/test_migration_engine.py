"""Plans computed by an older rule engine are recomputed, and each step cites its track's law.

The data migration 0010 marks every existing plan as computed by an older engine and splits a
legal basis that named both tracks; `plans_refresh_stale` (after `migrate`, every quarter of an
hour, and when a plan's page opens) recomputes the marked plans as the current engine says.
"""

# the expected texts are the exact Chinese words users see, full-width punctuation included
# ruff: noqa: RUF001

import importlib
import io
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.urls import reverse

from communities.models import Community
from election import rules
from election.apps import plans_refresh_after_migrate
from election.models import (
    Campaign,
    CommunityPlan,
    PlanStep,
    PublicNotice,
    RuleSet,
    StageTemplate,
    StepTemplate,
)
from election.services.plans import (
    campaign_start,
    plan_refresh,
    plans_refresh_stale,
    plans_stale,
)
from election.tasks import plans_refresh_stale_task
from tests.election.conftest import PARTY_E, START, E
from tests.factories import CommunityFactory

MIGRATION = importlib.import_module("election.migrations.0010_plans_stale_split_legal_basis")
CITY_LAW = "城市居民委员会组织法"
VILLAGE_LAW = "村民委员会组织法"
# the voter list posted 18 days before E: two days short of the 20 the law asks
LATE_LIST = "选民名单应于选举日20日前公布，实际提前 18 天，少 2 天"


@pytest.fixture
def village(street: Any) -> Community:
    # a village-converted community whose collective economy is not reformed elects under the
    # villagers' committee law
    return CommunityFactory(
        street=street,
        name="Willow Village",
        kind=Community.Kind.VILLAGE_CONVERTED,
        is_reform_finished=False,
    )


@pytest.fixture
def plans(
    district: Any, community: Community, village: Community, admin_user: Any
) -> dict[str, CommunityPlan]:
    campaign = Campaign.objects.create(
        district=district,
        rule_set=RuleSet.objects.get(code="national-2026", version=1),
        name="2026 re-election",
        starts_on=START,
        election_on=E,
        party_election_on=PARTY_E,
    )
    campaign_start(campaign=campaign, by=admin_user)
    by_community = {p.community_id: p for p in CommunityPlan.objects.filter(campaign=campaign)}
    return {"city": by_community[community.pk], "village": by_community[village.pk]}


def _voter_list(plan: CommunityPlan) -> PlanStep:
    return PlanStep.objects.select_related("template").get(plan=plan, template__code="voter-list")


def _post_voter_list_late(plan: CommunityPlan, by: Any) -> PlanStep:
    """The voter list done and posted 18 days before E, saved without recomputing the plan (as
    an older engine left it: not red)."""
    step = _voter_list(plan)
    step.status, step.done_on = PlanStep.Status.DONE, E - timedelta(days=18)
    step.save(update_fields=["status", "done_on"])
    PublicNotice.objects.create(
        step=step, title="voters", place="board", posted_on=step.done_on, created_by=by
    )
    return step


def _row(page: str, step: PlanStep) -> str:
    """The HTML of the step's row on a list page (up to the next row)."""
    start = page.index(f'id="step-{step.pk}"')
    end = page.find('id="step-', start + 1)
    return page[start : end if end != -1 else len(page)]


# --- each step cites the law of its community's track ---------------------------------------------


def test_a_city_step_cites_only_the_residents_law(
    plans: dict[str, CommunityPlan], admin_user: Any
) -> None:
    plan = plans["city"]
    _post_voter_list_late(plan, admin_user)
    plan_refresh(plan=plan)
    step = _voter_list(plan)
    assert step.is_red
    assert step.red_reason.startswith(LATE_LIST + "（依据：")
    assert CITY_LAW in step.red_reason
    # not the villagers' committee law of the other track
    assert VILLAGE_LAW not in step.red_reason


def test_a_village_converted_step_cites_only_the_villagers_law(
    plans: dict[str, CommunityPlan], admin_user: Any
) -> None:
    plan = plans["village"]
    _post_voter_list_late(plan, admin_user)
    plan_refresh(plan=plan)
    step = _voter_list(plan)
    assert step.red_reason == (
        LATE_LIST + "（依据：村民委员会组织法（2025年修正）第十四条（条款号待核实））"
    )
    assert CITY_LAW not in step.red_reason
    assert "居民委员会选举办法" not in step.red_reason


def test_the_worklist_shows_each_community_its_own_law(
    plans: dict[str, CommunityPlan], office: Any, as_user: Any, admin_user: Any
) -> None:
    for plan in plans.values():
        _post_voter_list_late(plan, admin_user)
        plan_refresh(plan=plan)
    page = as_user(office).get(reverse("election:worklist"), {"flag": "red"})
    text = page.content.decode()
    city_row, village_row = (_row(text, _voter_list(p)) for p in (plans["city"], plans["village"]))
    assert "城市居民委员会组织法（2025年修订）" in city_row
    assert "村民委员会组织法（2025年修正）第十四条" not in city_row
    assert "村民委员会组织法（2025年修正）第十四条" in village_row
    assert "城市居民委员会组织法（2025年修订）" not in village_row


def test_a_step_without_a_village_basis_cites_its_one_basis_on_both_tracks(
    plans: dict[str, CommunityPlan],
) -> None:
    party = StepTemplate.objects.get(
        stage__rule_set=plans["city"].campaign.rule_set, code="party-request"
    )
    assert party.legal_basis_village == ""
    assert rules.legal_basis(party, "village") == party.legal_basis
    assert rules.legal_basis(party, "residents") == party.legal_basis


# --- the data migration and the recomputing of older plans ----------------------------------------


def test_a_plan_left_by_an_older_engine_is_marked_and_recomputed(
    plans: dict[str, CommunityPlan], admin_user: Any
) -> None:
    plan = plans["city"]
    _post_voter_list_late(plan, admin_user)
    assert (_voter_list(plan).is_red, plans_stale().count()) == (False, 0)

    MIGRATION.plans_mark_stale(django_apps, None)
    assert set(plans_stale().values_list("pk", flat=True)) == {p.pk for p in plans.values()}

    assert plans_refresh_stale() == 2
    step = _voter_list(plan)
    assert step.is_red
    assert step.red_reason.startswith(LATE_LIST)
    plan.refresh_from_db()
    assert (plan.steps_red, plan.engine_version) == (1, rules.ENGINE_VERSION)
    # the change is in the step's history, by the system
    last = step.history.first()
    assert (last.history_change_reason, last.history_user) == ("recomputed", None)
    # a second run finds nothing to do
    assert plans_refresh_stale() == 0


def test_recomputing_moves_due_dates_as_the_engine_says(plans: dict[str, CommunityPlan]) -> None:
    plan = plans["city"]
    step = _voter_list(plan)
    step.due_on = E  # as a buggy older engine left it
    step.save(update_fields=["due_on"])
    MIGRATION.plans_mark_stale(django_apps, None)
    plans_refresh_stale()
    assert _voter_list(plan).due_on == E - timedelta(days=20)


def test_after_migrate_a_bounded_number_of_plans_is_recomputed(
    plans: dict[str, CommunityPlan], admin_user: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("election.services.plans.STALE_AFTER_MIGRATE", 1)
    for plan in plans.values():
        _post_voter_list_late(plan, admin_user)
    MIGRATION.plans_mark_stale(django_apps, None)
    plans_refresh_after_migrate(using="default")
    # one now; the periodic job does the rest
    assert plans_stale().count() == 1
    plans_refresh_stale_task()
    assert plans_stale().count() == 0
    assert all(_voter_list(p).is_red for p in plans.values())


def test_after_migrate_on_an_empty_database_nothing_happens(db: None) -> None:
    plans_refresh_after_migrate(using="default")
    assert not CommunityPlan.objects.exists()


def test_the_periodic_job_is_scheduled() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["election-plans-refresh-stale"]
    assert entry["task"] == "election.tasks.plans_refresh_stale_task"


def test_a_plan_page_opened_while_marked_is_recomputed_first(
    plans: dict[str, CommunityPlan], street_official: Any, as_user: Any, admin_user: Any
) -> None:
    plan = plans["city"]
    step = _post_voter_list_late(plan, admin_user)
    MIGRATION.plans_mark_stale(django_apps, None)
    page = as_user(street_official).get(plan.get_absolute_url())
    assert page.status_code == 200
    assert LATE_LIST in page.content.decode()
    assert PlanStep.objects.get(pk=step.pk).is_red
    # the other plan waits for the periodic job
    assert list(plans_stale()) == [plans["village"]]


def test_the_migration_splits_a_basis_naming_both_tracks(db: None) -> None:
    rule_set = RuleSet.objects.create(code="office-copy", version=1, name="Office copy")
    stage = StageTemplate.objects.create(rule_set=rule_set, order=1, code="s", title="S")
    both = StepTemplate.objects.create(
        stage=stage,
        order=1,
        code="a",
        title="A",
        legal_basis="村改居社区：村民委员会组织法第十四条；城市社区：城市居民委员会组织法第八条",
    )
    provinces = StepTemplate.objects.create(
        stage=stage,
        order=2,
        code="b",
        title="B",
        legal_basis="省（区、市）村民委员会选举办法、居民委员会选举办法（条款号待核实）",
    )
    own = StepTemplate.objects.create(
        stage=stage, order=3, code="c", title="C", legal_basis="区实施方案"
    )
    MIGRATION.legal_basis_split(django_apps, None)
    for step in (both, provinces, own):
        step.refresh_from_db()
    assert (both.legal_basis, both.legal_basis_village) == (
        "城市居民委员会组织法第八条",
        "村民委员会组织法第十四条",
    )
    assert (provinces.legal_basis, provinces.legal_basis_village) == (
        "省（区、市）居民委员会选举办法（条款号待核实）",
        "省（区、市）村民委员会选举办法（条款号待核实）",
    )
    assert (own.legal_basis, own.legal_basis_village) == ("区实施方案", "")
    MIGRATION.legal_basis_join(django_apps, None)
    both.refresh_from_db()
    assert both.legal_basis == (
        "村改居社区：村民委员会组织法第十四条；城市社区：城市居民委员会组织法第八条"
    )


def test_the_shipped_rule_sets_give_a_basis_per_track(db: None) -> None:
    for code in ("national-2018", "national-2026"):
        handover = StepTemplate.objects.get(stage__rule_set__code=code, code="handover")
        assert VILLAGE_LAW in handover.legal_basis_village
        assert VILLAGE_LAW not in handover.legal_basis.replace(CITY_LAW, "")


def test_the_scale_seeder_writes_plans_the_current_engine_computed(db: None) -> None:
    from django.core.management import call_command

    call_command("seed_scale", communities=40, stdout=io.StringIO())
    assert CommunityPlan.objects.exists()
    assert not plans_stale().exists()


def test_the_dashboard_counts_the_recomputed_red_steps_once_per_street(
    plans: dict[str, CommunityPlan],
    admin_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.db.models import Sum

    from election.models import StreetStageRollup

    for plan in plans.values():
        _post_voter_list_late(plan, admin_user)
    MIGRATION.plans_mark_stale(django_apps, None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert plans_refresh_stale() == 2
    # both communities are of one street: one recount
    assert len(callbacks) == 1
    red = StreetStageRollup.objects.aggregate(n=Sum("steps_red"))["n"]
    assert red == 2

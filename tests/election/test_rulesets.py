"""Rule sets as data: the shipped files, loading, cloning, editing, and the office's screens."""

import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from election.models import Campaign, RuleSet, SeatRule, StageTemplate, StepTemplate
from election.rulesets import RULESET_DIR, shipped_files
from election.services.plans import campaign_start
from election.services.rulesets import (
    RuleSetError,
    ruleset_clone,
    ruleset_load,
    ruleset_load_file,
    seat_rule_update,
    step_template_update,
)
from tests.election.conftest import PARTY_E, START, E
from tests.factories import CommunityFactory, UserFactory

NATIONAL = "national-2026"
NATIONAL_2018 = "national-2018"
PROVINCE = "province-7day"
STAGES = [
    "survey",
    "rectification",
    "departure-audit",
    "seats",
    "publicity",
    "party-election",
    "election-committee",
    "voter-registration",
    "nomination",
    "vetting",
    "candidates",
    "meet-voters",
    "election-notices",
    "vote",
    "count",
    "supporting-bodies",
    "handover",
    "archive",
]


@pytest.fixture
def national(db: None) -> RuleSet:
    return RuleSet.objects.get(code=NATIONAL, version=1)


def _draft_campaign(rule_set: RuleSet, district: Any) -> Campaign:
    return Campaign.objects.create(
        district=district,
        rule_set=rule_set,
        name="2026",
        starts_on=START,
        election_on=E,
        party_election_on=PARTY_E,
    )


@pytest.fixture
def national_running(national: RuleSet, district: Any, community: Any, admin_user: Any) -> RuleSet:
    campaign_start(campaign=_draft_campaign(national, district), by=admin_user)
    return national


def _steps(rule_set: RuleSet) -> dict[str, StepTemplate]:
    return {s.code: s for s in StepTemplate.objects.filter(stage__rule_set=rule_set)}


def _step_values(rule_set: RuleSet) -> dict[str, tuple[Any, ...]]:
    fields = ["applies_to", "anchor", "offset_days", "check_kind", "check_days", "checked_date"]
    return {
        code: (*(getattr(s, f) for f in fields), s.rule_text, s.legal_basis)
        for code, s in _steps(rule_set).items()
    }


# --- the shipped data ----------------------------------------------------------------------------


def test_national_default_is_loaded_by_the_migration(national: RuleSet) -> None:
    assert national.is_default
    assert national.effective_on == date(2026, 1, 1)
    assert national.effective_to is None
    assert "2025" in national.source
    stages = StageTemplate.objects.filter(rule_set=national).order_by("order")
    assert list(stages.values_list("code", flat=True)) == STAGES
    assert [s.order for s in stages] == list(range(1, len(STAGES) + 1))
    assert RuleSet.objects.filter(is_default=True).count() == 1


def test_national_default_time_limits(national: RuleSet) -> None:
    steps = _steps(national)
    voter_list = steps["voter-list"]
    assert (voter_list.anchor, voter_list.offset_days) == ("election", -20)
    assert (voter_list.check_kind, voter_list.check_days) == ("min_lead", 20)
    assert voter_list.checked_date == "notice" and voter_list.requires_notice
    objection = steps["voter-objection"]
    assert (objection.anchor, objection.anchor_step, objection.check_days) == (
        "step",
        voter_list,
        5,
    )
    ruling = steps["voter-ruling"]
    assert (ruling.anchor_step, ruling.check_kind, ruling.check_days) == (objection, "ruling", 3)
    assert (steps["candidates-final"].check_kind, steps["candidates-final"].check_days) == (
        "min_lead",
        5,
    )
    assert steps["audit-posting"].checked_date == "notice"
    assert (steps["handover"].check_kind, steps["handover"].check_days) == ("max_lag", 10)
    # the Party election's steps hang on its own day
    party = StepTemplate.objects.filter(stage__rule_set=national, stage__code="party-election")
    assert set(party.values_list("anchor", flat=True)) <= {"party_election", "step", "start"}
    assert party.count() >= 7
    # every Party step has a time check, and the street approves the nominees before the meeting
    assert not party.filter(check_kind="").exists()
    approval = steps["party-candidates-approval"]
    assert (approval.anchor, approval.check_kind, approval.check_days) == (
        "party_election",
        "min_lead",
        7,
    )


def _seat_rules(rule_set: RuleSet) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {
        (r.body, r.party_type): (
            r.min_seats,
            r.max_seats,
            r.usual_max_seats,
            r.secretary_only_below,
            r.requires_woman,
        )
        for r in rule_set.seat_rules.all()
    }


def test_national_default_seat_rules(national: RuleSet) -> None:
    seats = _seat_rules(national)
    assert seats[("villagers", "")] == (3, 7, None, None, True)
    # the 2025 residents' law: 5 to 9 members including a woman
    assert seats[("residents", "")] == (5, 9, None, None, True)
    # the Party organisation by type: 党支部 3-5 (at most 7, a secretary only under 7 full
    # members), 党总支 5-7 (at most 9), 党委 5-9
    assert seats[("party", "branch")] == (3, 7, 5, 7, False)
    assert seats[("party", "general_branch")] == (5, 9, 7, None, False)
    assert seats[("party", "committee")] == (5, 9, None, None, False)
    assert ("party", "") not in seats


def test_national_2018_is_the_2018_texts_until_the_end_of_2025(db: None) -> None:
    old = RuleSet.objects.get(code=NATIONAL_2018, version=1)
    assert not old.is_default
    assert (old.effective_on, old.effective_to) == (date(2018, 12, 29), date(2025, 12, 31))
    # the 2018 residents' law wants no woman member and has no residents' supervision committee
    assert _seat_rules(old)[("residents", "")][4] is False
    steps = _steps(old)
    assert "supervision-residents" not in steps
    assert "supervision-residents" in _steps(RuleSet.objects.get(code=NATIONAL, version=1))
    # no step of the 2018 rules cites the 2025 texts
    assert not [code for code, s in steps.items() if "2025" in s.legal_basis + s.rule_text]
    assert (old.households_min, old.households_max) == (100, 700)


@pytest.mark.parametrize("code", [NATIONAL_2018, NATIONAL, PROVINCE])
def test_each_step_cites_the_law_of_its_track(code: str, db: None) -> None:
    steps = _steps(RuleSet.objects.get(code=code, version=1)).values()
    for step in steps:
        basis = step.legal_basis
        if step.applies_to == "residents":
            # a city step never rests on the villagers' law
            assert "村民委员会组织法" not in basis, step.code
        elif step.applies_to == "all" and "村民委员会组织法" in basis:
            # a step of both tracks names the city track's own source as well
            assert "城市社区" in basis, step.code


def test_unverified_article_numbers_say_so(national: RuleSet) -> None:
    bases = [s.legal_basis for s in _steps(national).values()]
    assert any("条款号待核实" in b for b in bases)
    assert "条款号待核实" in national.source


def test_voting_modes_per_track(national: RuleSet) -> None:
    modes = set(national.voting_rules.values_list("applies_to", "mode"))
    assert modes == {
        ("village", "all_voters"),
        ("residents", "all_voters"),
        ("residents", "households"),
        ("residents", "representatives"),
    }
    village = national.voting_rules.get(applies_to="village")
    fractions = (village.valid_numerator, village.valid_denominator, village.runoff_denominator)
    assert fractions == (1, 2, 3)
    assert (national.party_quorum_numerator, national.party_quorum_denominator) == (4, 5)
    assert national.term_years == 5
    assert (national.households_min, national.households_max) == (1000, 3000)
    assert national.allows_party_direct_election


def test_province_variant_is_marked_a_demonstration(db: None) -> None:
    province = RuleSet.objects.get(code=PROVINCE, version=1)
    assert province.is_demonstration
    assert "演示" in province.name and "演示" in province.notes


def test_tracks_get_their_own_steps(national_running: RuleSet, street: Any) -> None:
    village = CommunityFactory(street=street, kind="village_converted", is_reform_finished=False)
    campaign = Campaign.objects.get(rule_set=national_running)
    campaign_start(campaign=campaign, by=None)
    village_steps = set(village.plans.get().steps.values_list("template__code", flat=True))
    assert "supervision-village" in village_steps
    assert "supervision-residents" not in village_steps
    assert "voter-nonlocal" not in village_steps


def test_province_version_differs_only_in_final_list_and_handover(national: RuleSet) -> None:
    province = RuleSet.objects.get(code=PROVINCE, version=1)
    assert not province.is_default
    ours, theirs = _step_values(national), _step_values(province)
    assert ours.keys() == theirs.keys()
    differing = {code for code in ours if ours[code] != theirs[code]}
    assert differing == {"candidates-final", "handover"}
    steps = _steps(province)
    assert (steps["candidates-final"].offset_days, steps["candidates-final"].check_days) == (-7, 7)
    assert (steps["handover"].offset_days, steps["handover"].check_days) == (7, 7)
    assert "7" in steps["candidates-final"].rule_text


# --- loading -------------------------------------------------------------------------------------


def _counts() -> tuple[int, int, int, int]:
    return (
        RuleSet.objects.count(),
        StageTemplate.objects.count(),
        StepTemplate.objects.count(),
        SeatRule.objects.count(),
    )


def test_loading_the_shipped_files_again_creates_nothing(national: RuleSet) -> None:
    before = _counts()
    for path in shipped_files():
        _rule_set, created = ruleset_load_file(path)
        assert not created
    assert _counts() == before


def test_load_rule_sets_command_loads_a_new_file_once(db: None, tmp_path: Path) -> None:
    data = json.loads((RULESET_DIR / f"{PROVINCE}.json").read_text(encoding="utf-8"))
    data["code"], data["version"] = "other-province", 3
    path = tmp_path / "other.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("load_rule_sets", str(path), stdout=out)
    assert "other-province v3: loaded" in out.getvalue()
    before = _counts()
    call_command("load_rule_sets", str(path), stdout=out)
    call_command("load_rule_sets", stdout=out)
    assert _counts() == before
    loaded = RuleSet.objects.get(code="other-province", version=3)
    assert loaded.history.first().history_change_reason == "rule set loaded"


def test_loader_refuses_a_step_counting_from_a_later_step(db: None) -> None:
    data = json.loads((RULESET_DIR / f"{NATIONAL}.json").read_text(encoding="utf-8"))
    data["version"] = 99
    voters = next(s for s in data["stages"] if s["code"] == "voter-registration")
    voters["steps"].reverse()
    with pytest.raises(RuleSetError):
        ruleset_load(data)
    assert not RuleSet.objects.filter(code=NATIONAL, version=99).exists()


def test_loader_refuses_a_seat_range_upside_down(db: None) -> None:
    data = json.loads((RULESET_DIR / f"{NATIONAL}.json").read_text(encoding="utf-8"))
    data["version"] = 98
    data["seat_rules"][0].update(min_seats=9, max_seats=3)
    with pytest.raises(RuleSetError):
        ruleset_load(data)


# --- clone and edit ------------------------------------------------------------------------------


def test_clone_copies_everything_to_the_next_version(national: RuleSet, admin_user: Any) -> None:
    clone = ruleset_clone(rule_set=national, by=admin_user)
    assert (clone.code, clone.version, clone.is_default) == (NATIONAL, 2, False)
    assert clone.name == national.name and clone.source == national.source
    assert _step_values(clone) == _step_values(national)
    assert list(clone.stages.values_list("code", "order", "title")) == list(
        national.stages.values_list("code", "order", "title")
    )
    seats = "body", "party_type", "min_seats", "max_seats", "secretary_only_below", "legal_basis"
    assert set(clone.seat_rules.values_list(*seats)) == set(national.seat_rules.values_list(*seats))
    voting = "mode", "applies_to", "valid_numerator", "valid_denominator", "rule_text"
    assert set(clone.voting_rules.values_list(*voting)) == set(
        national.voting_rules.values_list(*voting)
    )
    # the copy governs the same election days and carries the same rule-set data
    fields = ["effective_on", "effective_to", "term_years", "households_min", "party_quorum_basis"]
    assert [getattr(clone, f) for f in fields] == [getattr(national, f) for f in fields]
    # the copy's steps count from the copy's own steps
    steps = _steps(clone)
    assert steps["voter-objection"].anchor_step == steps["voter-list"]
    assert clone.history.first().history_change_reason == "rule set cloned"
    assert clone.history.first().history_user == admin_user
    # a second clone takes the next number
    assert ruleset_clone(rule_set=national, by=admin_user).version == 3


def test_rule_set_of_a_running_campaign_cannot_be_edited_but_its_clone_can(
    national_running: RuleSet, admin_user: Any
) -> None:
    step = _steps(national_running)["voter-list"]
    with pytest.raises(RuleSetError):
        step_template_update(step=step, data={"check_days": 15}, by=admin_user)
    with pytest.raises(RuleSetError):
        seat_rule_update(
            seat_rule=national_running.seat_rules.get(body="party", party_type="branch"),
            data={"max_seats": 11},
            by=admin_user,
        )
    clone = ruleset_clone(rule_set=national_running, by=admin_user)
    copy = _steps(clone)["voter-list"]
    step_template_update(
        step=copy, data={"offset_days": -22, "check_days": 22}, by=admin_user, reason="province"
    )
    copy.refresh_from_db()
    assert (copy.offset_days, copy.check_days) == (-22, 22)
    assert copy.history.first().history_change_reason == "province"
    step.refresh_from_db()
    assert step.check_days == 20


def test_step_edit_is_idempotent(national: RuleSet, admin_user: Any) -> None:
    step = _steps(national)["handover"]
    step_template_update(step=step, data={"check_days": 7}, by=admin_user)
    rows = step.history.count()
    step_template_update(step=step, data={"check_days": 7}, by=admin_user)
    assert step.history.count() == rows
    assert step.history.first().history_change_reason == "step rule edited"


def test_step_edit_needs_an_earlier_anchor_step_of_the_same_rules(
    national: RuleSet, admin_user: Any
) -> None:
    steps = _steps(national)
    with pytest.raises(RuleSetError):
        step_template_update(
            step=steps["voter-list"],
            data={"anchor": "step", "anchor_step": steps["voter-ruling"]},
            by=admin_user,
        )
    with pytest.raises(RuleSetError):
        step_template_update(
            step=steps["voter-list"], data={"anchor": "step", "anchor_step": None}, by=admin_user
        )
    other = _steps(RuleSet.objects.get(code=PROVINCE))["voter-register"]
    with pytest.raises(RuleSetError):
        step_template_update(
            step=steps["voter-list"], data={"anchor": "step", "anchor_step": other}, by=admin_user
        )
    with pytest.raises(RuleSetError):
        step_template_update(step=steps["voter-list"], data={"check_days": -1}, by=admin_user)
    # anchoring on an earlier step is fine; another anchor clears it again
    step_template_update(
        step=steps["voter-list"],
        data={"anchor": "step", "anchor_step": steps["voter-register"], "offset_days": 10},
        by=admin_user,
    )
    step_template_update(step=steps["voter-list"], data={"anchor": "election"}, by=admin_user)
    steps["voter-list"].refresh_from_db()
    assert steps["voter-list"].anchor_step is None


def test_seat_rule_edit_checks_the_range(national: RuleSet, admin_user: Any) -> None:
    seat_rule = national.seat_rules.get(body="residents")
    with pytest.raises(RuleSetError):
        seat_rule_update(seat_rule=seat_rule, data={"min_seats": 10}, by=admin_user)
    seat_rule_update(seat_rule=seat_rule, data={"min_seats": 7}, by=admin_user)
    seat_rule.refresh_from_db()
    assert (seat_rule.min_seats, seat_rule.max_seats) == (7, 9)
    assert seat_rule.history.first().history_change_reason == "seat rule edited"


# --- screens -------------------------------------------------------------------------------------


def test_list_shows_every_rule_set_in_few_queries(
    national_running: RuleSet, office: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    client: Client = as_user(office)
    client.get(reverse("election:ruleset-list"))  # warm the session
    for _ in range(3):
        ruleset_clone(rule_set=national_running, by=office)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("election:ruleset-list"))
    assert response.status_code == 200
    rows = {(r.code, r.version): r for r in response.context["rule_sets"]}
    assert len(rows) == 6
    assert rows[(NATIONAL, 1)].is_locked
    assert not rows[(NATIONAL, 2)].is_locked


def test_detail_states_each_rule_in_plain_words(national: RuleSet, office: Any) -> None:
    client = Client()
    client.force_login(office)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("election:ruleset-detail", args=[national.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "20 days before election day" in page
    assert "at least 20 days before election day" in page
    assert "each objection ruled on within 3 days of its receipt" in page
    assert "within 10 days after the day the new committee is formed" in page
    assert reverse("election:step-template-edit", args=[_steps(national)["handover"].pk]) in page


def test_locked_rule_set_says_so_and_offers_a_clone(
    national_running: RuleSet, office: Any, as_user: Any
) -> None:
    client: Client = as_user(office)
    detail = client.get(reverse("election:ruleset-detail", args=[national_running.pk]))
    assert detail.context["is_locked"]
    page = detail.content.decode()
    assert reverse("election:ruleset-clone", args=[national_running.pk]) in page
    step = _steps(national_running)["voter-list"]
    assert reverse("election:step-template-edit", args=[step.pk]) not in page
    url = reverse("election:step-template-edit", args=[step.pk])
    form = _step_form(step) | {"check_days": 15}
    response = client.post(url, form)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    step.refresh_from_db()
    assert step.check_days == 20


def _step_form(step: StepTemplate) -> dict[str, Any]:
    return {
        "title": step.title,
        "anchor": step.anchor,
        "anchor_step": step.anchor_step_id or "",
        "offset_days": step.offset_days,
        "check_kind": step.check_kind,
        "check_days": step.check_days,
        "checked_date": step.checked_date,
        "check_anchor": step.check_anchor,
        "day_unit": step.day_unit,
        "requires_notice": "on" if step.requires_notice else "",
        "notice_days": step.notice_days,
        "rule_text": step.rule_text,
        "legal_basis": step.legal_basis,
        "reason": "",
    }


def test_office_clones_then_edits_the_clone(
    national_running: RuleSet, office: Any, as_user: Any
) -> None:
    client: Client = as_user(office)
    response = client.post(reverse("election:ruleset-clone", args=[national_running.pk]))
    clone = RuleSet.objects.get(code=NATIONAL, version=2)
    assert response.url == reverse("election:ruleset-detail", args=[clone.pk])
    step = _steps(clone)["candidates-final"]
    form = _step_form(step) | {"offset_days": -7, "check_days": 7, "reason": "province rules"}
    response = client.post(reverse("election:step-template-edit", args=[step.pk]), form)
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.offset_days, step.check_days) == (-7, 7)
    seat_rule = clone.seat_rules.get(body="villagers")
    url = reverse("election:seat-rule-edit", args=[seat_rule.pk])
    data = {"min_seats": 5, "max_seats": 3, "requires_woman": "on", "legal_basis": "", "reason": ""}
    assert client.post(url, data).status_code == 200  # upside-down range refused
    data["max_seats"] = 7
    assert client.post(url, data).status_code == 302
    seat_rule.refresh_from_db()
    assert (seat_rule.min_seats, seat_rule.max_seats) == (5, 7)


@pytest.mark.parametrize("role", ["street_official", "outsider", "leader", "supervisor"])
def test_rule_sets_do_not_exist_for_others(
    role: str, national: RuleSet, request: Any, as_user: Any
) -> None:
    client: Client = as_user(request.getfixturevalue(role))
    step = _steps(national)["voter-list"]
    assert client.get(reverse("election:ruleset-list")).status_code == 404
    assert client.get(reverse("election:ruleset-detail", args=[national.pk])).status_code == 404
    assert client.post(reverse("election:ruleset-clone", args=[national.pk])).status_code == 404
    edit = reverse("election:step-template-edit", args=[step.pk])
    assert client.post(edit, _step_form(step)).status_code == 404
    assert RuleSet.objects.filter(code=NATIONAL).count() == 1


def test_admin_pages_of_rule_sets_and_plans(
    national_running: RuleSet, admin_user: Any, as_user: Any
) -> None:
    client: Client = as_user(admin_user)
    stage = national_running.stages.get(code="voter-registration")
    urls = [
        reverse("admin:election_ruleset_changelist"),
        reverse("admin:election_ruleset_change", args=[national_running.pk]),
        reverse("admin:election_stagetemplate_change", args=[stage.pk]),
        reverse("admin:election_campaign_changelist"),
        reverse("admin:election_communityplan_changelist"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_superuser_sees_rule_sets_before_any_district_exists(db: None, as_user: Any) -> None:
    root = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
    assert as_user(root).get(reverse("election:ruleset-list")).status_code == 200


def test_a_closed_campaign_keeps_its_rules_locked(
    national_running: RuleSet, office: Any, as_user: Any
) -> None:
    Campaign.objects.filter(rule_set=national_running).update(status=Campaign.Status.CLOSED)
    step = _steps(national_running)["voter-list"]
    client: Client = as_user(office)

    response = client.post(
        reverse("election:step-template-edit", args=[step.pk]),
        _step_form(step) | {"check_days": 15},
    )

    assert response.status_code == 200
    step.refresh_from_db()
    assert step.check_days != 15
    detail = client.get(reverse("election:ruleset-detail", args=[national_running.pk]))
    assert detail.context["is_locked"]
    listed = {r.pk: r for r in client.get(reverse("election:ruleset-list")).context["rule_sets"]}
    assert listed[national_running.pk].is_locked


def test_a_draft_campaign_does_not_lock_its_rules(
    national: RuleSet, district: Any, office: Any, as_user: Any
) -> None:
    _draft_campaign(national, district)
    client: Client = as_user(office)

    detail = client.get(reverse("election:ruleset-detail", args=[national.pk]))

    assert not detail.context["is_locked"]


@pytest.mark.parametrize(("body", "party_type"), [("party", "cell"), ("residents", "branch")])
def test_loader_refuses_an_unknown_or_misplaced_party_type(
    body: str, party_type: str, db: None
) -> None:
    data = json.loads((RULESET_DIR / f"{NATIONAL}.json").read_text(encoding="utf-8"))
    data["version"] = 97
    data["seat_rules"] = [{"body": body, "party_type": party_type, "min_seats": 3, "max_seats": 5}]
    with pytest.raises(RuleSetError):
        ruleset_load(data)
    assert not RuleSet.objects.filter(code=NATIONAL, version=97).exists()


def test_reloading_the_shipped_files_keeps_a_version_in_use(
    national_running: RuleSet,
) -> None:
    from election.services.rulesets import ruleset_reload_shipped

    province = RuleSet.objects.get(code=PROVINCE, version=1)
    reloaded = ruleset_reload_shipped(shipped_files())
    # the version a campaign runs under is kept as it is; the unused ones are loaded again
    assert (NATIONAL, 1) not in reloaded
    assert (PROVINCE, 1) in reloaded
    assert RuleSet.objects.filter(pk=national_running.pk).exists()
    assert not RuleSet.objects.filter(pk=province.pk).exists()
    assert RuleSet.objects.filter(code=PROVINCE, version=1).exists()
    assert RuleSet.objects.filter(is_default=True).count() == 1


def test_detail_shows_party_types_voting_modes_term_and_norm(
    national: RuleSet, office: Any, as_user: Any
) -> None:
    page = as_user(office).get(reverse("election:ruleset-detail", args=[national.pk]))
    text = page.content.decode()
    assert page.context["voting_rules"]
    assert "党支部" in text and "正式党员不足7名的只设书记" in text
    assert "户代表选举" in text and "5年" in text
    assert "1000至3000户" in text
    assert "超过应到会人数的5分之4" in text

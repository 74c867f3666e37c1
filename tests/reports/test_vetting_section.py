"""The weekly report's candidate sections: the vetting figures (candidates by state and street,
joint-review feedback awaited and overdue per member unit, competition shortfalls), the election
results once an election is recorded, and the statistics table; counts only, never a name or an
ID number; read in the one snapshot at a fixed number of queries."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import MemberUnit
from election.models import (
    Campaign,
    Candidate,
    CommunityPlan,
    ElectionResult,
    SeatPlan,
    UnitReview,
)
from reports.exporters import report_write
from reports.selectors import report_context
from reports.selectors import snapshot as report_snapshot
from reports.selectors.candidates import _shortfalls

# the election fixtures (a small rule set and a campaign)
from tests.election.conftest import campaign, running_campaign, small_rules  # noqa: F401
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519800101987X"
SECRET_NAME = "欧阳秘"


def _context(district: Any, street: Any = None) -> dict[str, Any]:
    iso = timezone.localdate().isocalendar()
    return report_context(district=district, iso_year=iso.year, iso_week=iso.week, street=street)


def _plan(of: Campaign, name: str) -> CommunityPlan:
    return CommunityPlan.objects.get(campaign=of, community__name=name)


def _candidate(plan: CommunityPlan, status: str, *, body: str = "party", **extra: Any) -> Candidate:
    fields: dict[str, Any] = {
        "name": "候选人",
        "gender": "m",
        "birth_date": date(1980, 5, 1),
        "education": 4,
        **extra,
    }
    return Candidate.objects.create(plan=plan, body=body, status=status, **fields)


def _review(
    candidate: Candidate, unit: MemberUnit, *, due_in: int, answered: bool = False
) -> UnitReview:
    today = timezone.localdate()
    return UnitReview.objects.create(
        candidate=candidate,
        unit=unit,
        sent_on=today - timedelta(days=6),
        due_on=today + timedelta(days=due_in),
        answered_on=today - timedelta(days=1) if answered else None,
    )


@pytest.fixture
def units(db: None) -> dict[str, MemberUnit]:
    return {
        "police": MemberUnit.objects.create(code="police", name="公安局"),
        "court": MemberUnit.objects.create(code="court", name="法院"),
    }


@pytest.fixture
def vetted(running_campaign: Campaign, units: dict[str, MemberUnit]) -> Campaign:  # noqa: F811
    """Riverside (First Street): a nominee, two under review, a formal candidate, a disqualified
    one; Hillside (Second Street): one under review. The police owe one overdue and one awaited
    answer in Riverside and one overdue in Hillside; the court answered everything."""
    riverside = _plan(running_campaign, "Riverside")
    hillside = _plan(running_campaign, "Hillside")
    _candidate(riverside, Candidate.Status.NOMINEE)
    first = _candidate(riverside, Candidate.Status.UNDER_REVIEW, id_number=ID_NUMBER)
    second = _candidate(riverside, Candidate.Status.UNDER_REVIEW, name=SECRET_NAME)
    _candidate(riverside, Candidate.Status.FORMAL)
    _candidate(
        riverside,
        Candidate.Status.DISQUALIFIED,
        decision=Candidate.Decision.DISQUALIFIED,
        decision_reason="不宜",
    )
    far = _candidate(hillside, Candidate.Status.UNDER_REVIEW, body="residents")
    _review(first, units["police"], due_in=-2)
    _review(second, units["police"], due_in=3)
    _review(far, units["police"], due_in=-1)
    for c in (first, second, far):
        _review(c, units["court"], due_in=-3, answered=True)
    return running_campaign


def test_vetting_section_counts_candidates_feedback_and_units(
    district: Any, vetted: Campaign
) -> None:
    ctx = _context(district)

    vetting = ctx["vetting"]
    figures = {f["key"]: f["value"] for f in vetting["figures"]}
    assert figures["nominated"] == 6
    assert figures["nominee"] == 1
    assert figures["under_review"] == 3
    assert figures["formal"] == 1
    assert figures["disqualified"] == 1
    assert figures["office_decisions"] == 1
    assert figures["reviews_awaited"] == 3
    assert figures["reviews_overdue"] == 2
    # the unit owing most overdue feedback first
    assert [
        (u["unit"], u["sent"], u["answered"], u["awaited"], u["overdue"]) for u in vetting["units"]
    ] == [
        ("公安局", 3, 0, 3, 2),
        ("法院", 3, 3, 0, 0),
    ]
    streets = {r["street"]: r for r in vetting["streets"]}
    assert streets["First Street"]["nominated"] == 5
    assert streets["First Street"]["reviews_overdue"] == 1
    assert streets["Second Street"]["reviews_overdue"] == 1
    # the section is the report's own now: no "not yet recorded" for vetting
    assert "vetting" not in ctx["pending"]
    assert ctx["pending_sections"] == []


def test_a_streets_report_counts_its_candidates_only(
    district: Any, street: Any, vetted: Campaign
) -> None:
    vetting = _context(district, street)["vetting"]

    figures = {f["key"]: f["value"] for f in vetting["figures"]}
    assert figures["nominated"] == 5
    assert figures["reviews_overdue"] == 1
    assert [r["street"] for r in vetting["streets"]] == ["First Street"]


def test_without_candidates_the_section_says_not_yet_recorded(
    district: Any,
    running_campaign: Campaign,  # noqa: F811
) -> None:
    ctx = _context(district)

    assert ctx["vetting"] is None
    assert ctx["pending"]["vetting"]["pending"]
    assert ctx["results"] is None and ctx["statistics"] is None


def test_the_files_carry_no_id_number_and_no_name(
    district: Any, vetted: Campaign, tmp_path: Path
) -> None:
    ctx = _context(district)
    html_path, xlsx_path = tmp_path / "r.html", tmp_path / "r.xlsx"

    report_write(kind="html", context=ctx, path=html_path)
    report_write(kind="xlsx", context=ctx, path=xlsx_path)

    html = html_path.read_text(encoding="utf-8")
    assert "公安局" in html and ctx["headings"]["vetting"] in html
    workbook = openpyxl.load_workbook(xlsx_path)
    cells = [
        str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value
    ]
    assert "公安局" in cells
    for text in (html, "\n".join(cells)):
        assert ID_NUMBER not in text and ID_NUMBER[-4:] not in text
        assert SECRET_NAME not in text


def test_results_appear_once_an_election_is_recorded(
    district: Any, vetted: Campaign, tmp_path: Path
) -> None:
    before = _context(district)
    assert before["results"] is None
    assert "results" not in before["headings"]

    plan = _plan(vetted, "Riverside")
    held = timezone.localdate() - timedelta(days=2)
    common = {"plan": plan, "held_on": held, "registered_voters": 1000, "is_valid": True}
    ElectionResult.objects.create(
        **common,
        body="residents",
        ballots_issued=900,
        ballots_returned=800,
        valid_ballots=790,
        invalid_ballots=10,
        seats_to_fill=5,
        seats_filled=4,
        round=ElectionResult.Round.FIRST,
    )
    ElectionResult.objects.create(
        **common,
        body="residents",
        ballots_issued=700,
        ballots_returned=700,
        valid_ballots=690,
        invalid_ballots=10,
        seats_to_fill=1,
        seats_filled=1,
        round=ElectionResult.Round.RUNOFF,
    )
    ElectionResult.objects.create(
        **common,
        body="party",
        ballots_issued=60,
        ballots_returned=60,
        valid_ballots=60,
        invalid_ballots=0,
        seats_to_fill=5,
        seats_filled=5,
        round=ElectionResult.Round.FIRST,
    )
    ctx = _context(district)

    results = ctx["results"]
    total = results["total"]
    assert total["elections_held"] == 3
    assert total["first_round"] == 1
    assert total["runoff"] == 1
    assert total["seats_filled"] == 10
    # turnout over the first rounds (a runoff asks the same voters again)
    assert total["turnout_percent"] == pytest.approx(43.0)
    rows = {r["body"]: r for r in results["rows"]}
    assert rows["residents"]["runoff"] == 1 and rows["residents"]["first_round"] == 0
    assert rows["party"]["first_round"] == 1
    assert sum(r["held"] for r in results["rows"]) == total["elections_held"]
    # numbered in order, the results right after the vetting
    number = {k: v.split("、")[0].split(".")[0] for k, v in ctx["headings"].items()}
    assert before["headings"]["audits"] != ctx["headings"]["audits"]
    assert list(ctx["headings"]).index("results") == list(ctx["headings"]).index("vetting") + 1
    assert len(set(number.values())) == len(number)

    path = tmp_path / "r.xlsx"
    report_write(kind="xlsx", context=ctx, path=path)
    workbook = openpyxl.load_workbook(path)
    assert len(workbook.sheetnames) == 9 + 3  # joint review, candidates, results


def test_the_sections_agree_with_their_totals(district: Any, vetted: Campaign) -> None:
    vetting = _context(district)["vetting"]

    figures = {f["key"]: f["value"] for f in vetting["figures"]}
    assert sum(r["nominated"] for r in vetting["streets"]) == figures["nominated"]
    assert sum(r["reviews_overdue"] for r in vetting["streets"]) == figures["reviews_overdue"]
    assert sum(u["overdue"] for u in vetting["units"]) == figures["reviews_overdue"]


def test_competition_shortfall_counts_committees_short_of_the_rules_margin(
    vetted: Campaign,
) -> None:
    plan = _plan(vetted, "Riverside")
    SeatPlan.objects.update_or_create(plan=plan, body="party", defaults={"planned_seats": 5})
    SeatPlan.objects.update_or_create(plan=plan, body="residents", defaults={"planned_seats": 5})
    seat_plans = SeatPlan.objects.filter(plan__campaign=vetted)
    # the party's 20 %: 5 seats want 6 formal candidates; Riverside has 1 (short)
    assert _shortfalls(vetted, seat_plans) == 1
    for _ in range(5):
        _candidate(plan, Candidate.Status.FORMAL)
    assert _shortfalls(vetted, seat_plans) == 0
    # the residents': one more than the seats; 5 formal for 5 seats is short
    for _ in range(5):
        _candidate(plan, Candidate.Status.FORMAL, body="residents")
    assert _shortfalls(vetted, seat_plans) == 1
    _candidate(plan, Candidate.Status.ELECTED, body="residents")
    assert _shortfalls(vetted, seat_plans) == 0


def test_candidate_figures_cost_the_same_queries_at_two_sizes(
    district: Any, street: Any, vetted: Campaign, units: dict[str, MemberUnit], admin_user: Any
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _context(district)
        return len(queries.captured_queries)

    def result(plan: CommunityPlan) -> None:
        ElectionResult.objects.create(
            plan=plan,
            body="party",
            held_on=timezone.localdate(),
            registered_voters=100,
            ballots_issued=90,
            ballots_returned=90,
            valid_ballots=90,
            invalid_ballots=0,
            seats_to_fill=3,
            seats_filled=3,
            is_valid=True,
        )

    result(_plan(vetted, "Riverside"))
    small = count()
    for i in range(6):
        community = CommunityFactory(street=street)
        plan = CommunityPlan.objects.create(
            campaign=vetted,
            community=community,
            election_on=vetted.election_on,
            party_election_on=vetted.party_election_on,
        )
        for status in (Candidate.Status.UNDER_REVIEW, Candidate.Status.FORMAL):
            c = _candidate(plan, status)
            _review(c, units["police"], due_in=-i)
        result(plan)
    assert count() == small


def test_every_candidate_query_is_the_snapshots(
    district: Any, vetted: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_take = report_snapshot.snapshot_take
    at_snapshot_end: list[int] = []
    with CaptureQueriesContext(connection) as queries:

        def take(**kwargs: Any) -> Any:
            snap = real_take(**kwargs)
            at_snapshot_end.append(len(queries.captured_queries))
            return snap

        monkeypatch.setattr(report_snapshot, "snapshot_take", take)
        ctx = _context(district)

    assert ctx["vetting"] is not None
    assert at_snapshot_end == [len(queries.captured_queries)]

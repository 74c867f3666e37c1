# ruff: noqa: RUF001 - Chinese notes use full-width punctuation
"""The demo campaign's candidates, joint reviews, election results and committee members (see
`election.demo`): built once, after the campaign, with history-keeping bulk writes (reason "demo
data") that follow the register's rules.

- Every committee of the district gets its previous term's members (with a 一肩挑 secretary and
  director in most communities, and a few cross-appointments), so the statistics have a term to
  compare with.
- Most communities that have not voted yet get nominees for both committees, at every state:
  nominees not yet sent to review; under review, with some member units' feedback given and some
  missing (part of it overdue, the police's above all); and decided — formal candidates, one
  disqualified by a 不能 hit, one with a 不宜 hit the office decided on (with its reason), one
  withdrawn. A nominee is formal only when every unit answered and no 不能 criterion applies.
- The communities that voted already have their results: a valid first round for each committee
  (one residents' election needs a 另行选举 for its last seat), the votes of every candidate, and
  the elected members with their posts (one person as both secretary and director, and
  cross-appointments); the old term is closed.

Fictional people only; nothing here is used by the application at run time.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import MemberUnit, User
from communities.models import Committee
from core.bulk import rows_insert

from ..models import (
    Campaign,
    Candidate,
    CandidateVote,
    CommitteeMember,
    CommunityPlan,
    CriterionAnswer,
    ElectionResult,
    NegativeCriterion,
    SeatPlan,
    SeatRule,
    UnitReview,
)
from ..models.candidates import Education, Gender, Post

REASON = "demo data"
# share of the communities that have not voted yet which have nominees
NOMINEE_SHARE = 0.8
# how far each committee's vetting is, by committee: (not yet sent, under review, decided)
PHASE_WEIGHTS = {
    SeatRule.Body.PARTY: (0.15, 0.4, 0.45),
    "other": (0.3, 0.45, 0.25),
}
# the share of each member unit's feedback already given on a batch under review
ANSWERED_SHARE = 0.7
SLOW_UNIT_CODE = "police"
SLOW_UNIT_ANSWERED_SHARE = 0.35

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
    "许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN_MALE = [
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "刚",
    "平",
    "辉",
    "鹏",
    "华",
    "飞",
    "波",
    "斌",
    "宇",
    "浩",
    "凯",
    "健",
    "俊",
    "帆",
    "建国",
    "建华",
    "志强",
    "志明",
    "海涛",
    "国庆",
    "晓东",
    "文博",
    "振华",
    "永刚",
    "德明",
    "立新",
    "卫东",
    "红军",
    "春雷",
    "子豪",
]
GIVEN_FEMALE = [
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "燕",
    "玲",
    "婷",
    "雪",
    "琳",
    "颖",
    "慧",
    "倩",
    "洁",
    "红",
    "梅",
    "兰",
    "秀英",
    "桂芝",
    "玉兰",
    "晓燕",
    "丽华",
    "春梅",
    "海燕",
    "淑珍",
    "美玲",
    "雅琴",
    "文静",
    "思雨",
    "佳怡",
    "欣怡",
]
MINORITIES = ("回族", "满族", "蒙古族", "壮族", "朝鲜族")
NEW_FACE_POSTS = (
    "社区工作者",
    "网格员",
    "居民小组长",
    "楼栋长",
    "退役军人",
    "志愿者服务队队长",
    "",
)
PARTY_NOMINATED_BY = ("党员推荐", "群众推荐", "党组织推荐")
RESIDENTS_NOMINATED_BY = ("选民联名提名", "居民代表提名", "本人自荐")
OFFICE_REASON_QUALIFIED = "所涉情形已整改到位，经协调小组办公室研究，同意继续参选。"
OFFICE_REASON_DISQUALIFIED = "所涉情形影响较大，经协调小组办公室研究，不宜作为候选人。"
CANNOT_NOTE = "经核查，该人员存在本项所列情形，已附核查材料。"
UNSUITABLE_NOTE = "经核查，该人员近年存在本项所列情形，请协调小组办公室研究决定。"


@dataclass(frozen=True)
class PersonData:
    name: str
    gender: str
    birth_date: date
    education: int
    party_member: bool
    ethnicity: str
    id_number: str


@dataclass
class Nominee:
    """A candidate row to insert, with what the reviews and results need to know of it."""

    plan: CommunityPlan
    body: str
    person: PersonData
    post_sought: str = Post.MEMBER
    current_post: str = ""
    is_incumbent: bool = False
    status: str = Candidate.Status.NOMINEE
    nominated_on: date | None = None
    nominated_by: str = ""
    review_sent_on: date | None = None
    street_approved_on: date | None = None
    decision: str = ""
    decision_reason: str = ""
    decided: bool = False
    # unit code -> (answered_on or None, criterion id hit or None)
    reviews: dict[str, tuple[date | None, int | None]] | None = None
    pk: int = 0


# one election of the communities that voted: plan, committee, planned seats, its nominees, and
# whether its last seat needed a 另行选举
Election = tuple[CommunityPlan, str, int, list[Nominee], bool]


def candidates_demo_seed(*, campaign: Campaign, today: date, by: User) -> str:
    """Give the demo campaign its candidates, reviews, results and members, once; return the
    line that describes them (the same every run). Runs in the caller's transaction; a second
    run writes nothing."""
    if not Candidate.objects.filter(plan__campaign=campaign).exists():
        _build(campaign, today=today, by=by)
    return _summary_line(campaign, today=today)


def _summary_line(campaign: Campaign, *, today: date) -> str:
    figures = Candidate.objects.filter(plan__campaign=campaign).aggregate(
        candidates=Count("pk"),
        communities=Count("plan", distinct=True),
        formal=Count("pk", filter=Q(status=Candidate.Status.FORMAL)),
    )
    reviews = UnitReview.objects.filter(candidate__plan__campaign=campaign).aggregate(
        pending=Count("pk", filter=Q(answered_on__isnull=True)),
        overdue=Count("pk", filter=Q(answered_on__isnull=True, due_on__lt=today)),
    )
    elections = (
        ElectionResult.objects.filter(plan__campaign=campaign).values("plan").distinct().count()
    )
    return _(
        "Candidates: %(candidates)s in %(communities)s communities (%(formal)s formal); "
        "%(pending)s joint-review answers awaited, %(overdue)s of them overdue; "
        "%(elections)s communities with election results."
    ) % {**figures, **reviews, "elections": elections}


# --- the build ----------------------------------------------------------------------------------


def _build(campaign: Campaign, *, today: date, by: User) -> None:
    # seeded by what the demo fixes (not by the campaign's id, which differs between databases)
    rng = random.Random(f"{campaign.district.code}/{campaign.starts_on}/candidates")  # noqa: S311
    office = User.objects.filter(role=User.Role.OFFICE, username="office").first() or by
    plans = list(
        CommunityPlan.objects.filter(campaign=campaign)
        .select_related("community")
        .order_by("community__street__name", "community__name", "pk")
    )
    seats = {
        (sp.plan_id, sp.body): sp.planned_seats
        for sp in SeatPlan.objects.filter(plan__campaign=campaign)
    }
    bodies: dict[int, list[str]] = defaultdict(list)
    for plan_id, body in sorted(seats):
        bodies[plan_id].append(body)
    committees = {
        (c.community_id, c.kind): c
        for c in Committee.objects.filter(community__street__district_id=campaign.district_id)
    }
    criteria = list(
        NegativeCriterion.objects.filter(negative_list_id=campaign.negative_list_id).order_by(
            "order"
        )
    )
    units = {
        u.code: u
        for u in MemberUnit.objects.filter(code__in={c.unit_code for c in criteria if c.unit_code})
    }
    criteria = [c for c in criteria if c.unit_code in units]
    previous = _previous_terms(committees, rng=rng, today=today)
    voted = [p for p in plans if p.election_on < today and p.party_election_on < today]
    waiting = [p for p in plans if p not in voted]
    nominees: list[Nominee] = []
    for plan in waiting:
        if rng.random() > NOMINEE_SHARE:
            continue
        for body in bodies[plan.pk]:
            weights = PHASE_WEIGHTS.get(body, PHASE_WEIGHTS["other"])
            phase = rng.choices(("nominated", "reviewing", "decided"), weights=weights)[0]
            nominees += _nominees(
                plan, body, seats[(plan.pk, body)], phase, previous, criteria, rng=rng, today=today
            )
    elections = []
    for i, plan in enumerate(voted):
        for body in bodies[plan.pk]:
            batch = _nominees(
                plan,
                body,
                seats[(plan.pk, body)],
                "voted",
                previous,
                criteria,
                rng=rng,
                today=today,
            )
            runoff = i == 0 and body != SeatRule.Body.PARTY
            elections.append((plan, body, seats[(plan.pk, body)], batch, runoff))
            nominees += batch
    _people_on_both(elections, rng=rng)
    _candidates_insert(nominees, office=office, by=by)
    _reviews_insert(nominees, units, criteria, campaign=campaign, by=by)
    members = _results_insert(elections, committees, rng=rng, by=by)
    _members_insert(previous, members, committees, campaign=campaign, by=by)


def _person(
    rng: random.Random, *, today: date, gender: str | None = None, party: bool
) -> PersonData:
    gender = gender or (Gender.FEMALE if rng.random() < 0.42 else Gender.MALE)
    given = rng.choice(GIVEN_FEMALE if gender == Gender.FEMALE else GIVEN_MALE)
    age = max(24, min(64, round(rng.gauss(45, 9))))
    birth = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    education = rng.choices(
        [Education.JUNIOR, Education.SENIOR, Education.COLLEGE, Education.BACHELOR, 6],
        weights=[1, 3, 4, 3, 0.3] if age < 50 else [3, 4, 2, 1, 0.1],
    )[0]
    id_number = ""
    if rng.random() < 0.6:
        serial = rng.randint(100, 999)
        id_number = f"110199{birth:%Y%m%d}{serial}{rng.choice('0123456789X')}"
    return PersonData(
        name=rng.choice(SURNAMES) + given,
        gender=gender,
        birth_date=birth,
        education=int(education),
        party_member=party or rng.random() < 0.6,
        ethnicity=rng.choice(MINORITIES) if rng.random() < 0.06 else "汉族",
        id_number=id_number,
    )


# the posts of a committee, in the order its members are listed
def _posts(body: str, count: int) -> list[str]:
    if body == SeatRule.Body.PARTY:
        head = [Post.SECRETARY.value, Post.DEPUTY_SECRETARY.value]
    else:
        head = [Post.DIRECTOR.value, Post.DEPUTY_DIRECTOR.value]
    return (head + [Post.MEMBER.value] * count)[:count]


def _committee_kind(body: str) -> str:
    return Committee.Kind.PARTY if body == SeatRule.Body.PARTY else Committee.Kind.RESIDENTS


@dataclass
class Member:
    committee: Committee
    person: PersonData
    post: str
    started_on: date | None
    is_first_time: bool
    ended_on: date | None = None
    candidate: Nominee | None = None


def _previous_terms(
    committees: dict[tuple[int, str], Committee], *, rng: random.Random, today: date
) -> dict[tuple[int, str], list[Member]]:
    """The outgoing members of every committee, by (community, committee kind): a secretary
    who is also the director in most communities, and one or two cross-appointments."""
    terms: dict[tuple[int, str], list[Member]] = {}
    for community_id in sorted({key[0] for key in committees}):
        party = committees.get((community_id, Committee.Kind.PARTY))
        residents = committees.get((community_id, Committee.Kind.RESIDENTS))
        party_members = []
        if party is not None:
            party_members = [
                Member(
                    party,
                    _person(rng, today=today, party=True),
                    post,
                    party.term_started_on,
                    rng.random() < 0.4,
                )
                for post in _posts(SeatRule.Body.PARTY, party.seats or 5)
            ]
            terms[(community_id, Committee.Kind.PARTY)] = party_members
        if residents is None:
            continue
        residents_members = [
            Member(
                residents,
                _person(rng, today=today, party=False, gender=Gender.FEMALE if i == 2 else None),
                post,
                residents.term_started_on,
                rng.random() < 0.4,
            )
            for i, post in enumerate(_posts(SeatRule.Body.RESIDENTS, residents.seats or 5))
        ]
        terms[(community_id, Committee.Kind.RESIDENTS)] = residents_members
        if party_members and rng.random() < 0.7:  # one person as both secretary and director
            residents_members[0].person = party_members[0].person
        for i in range(3, 3 + rng.randint(1, 2)):  # cross-appointments: on both committees
            if i < min(len(party_members), len(residents_members)):
                residents_members[i].person = party_members[i].person
    return terms


def _nominees(
    plan: CommunityPlan,
    body: str,
    seats: int,
    phase: str,
    previous: dict[tuple[int, str], list[Member]],
    criteria: list[NegativeCriterion],
    *,
    rng: random.Random,
    today: date,
) -> list[Nominee]:
    """One committee's nominees at `phase`: "nominated", "reviewing", "decided" or "voted"."""
    party = body == SeatRule.Body.PARTY
    election_on = plan.party_election_on if party else plan.election_on
    surplus = max(1, math.ceil(seats * 0.2)) if party else rng.choice((1, 2, 2))
    # a decided batch loses some nominees (disqualified, withdrawn): nominate a few more
    count = seats + surplus + (rng.randint(1, 2) if phase == "decided" else 0)
    if phase == "decided" and rng.random() < 0.2:
        count -= 2  # a few communities fall short of the competition the rules ask for
    outgoing = list(previous.get((plan.community_id, _committee_kind(body)), []))
    rng.shuffle(outgoing)
    incumbents = outgoing[: max(1, round(count * 0.45))]
    # the election of those that voted: nominated six weeks before; the others' recently
    if phase == "voted":
        nominated_on = election_on - timedelta(days=rng.randint(24, 28))
        sent_on: date | None = nominated_on + timedelta(days=3)
    else:
        nominated_on = today - timedelta(days=rng.randint(10, 20))
        sent_on = None if phase == "nominated" else today - timedelta(days=rng.randint(2, 9))
        if phase == "decided" and sent_on is not None:
            sent_on = today - timedelta(days=rng.randint(7, 12))
    nominees = []
    for i in range(count):
        if i < len(incumbents):
            member = incumbents[i]
            person = member.person
            current_post = str(member.post and Post(member.post).label)
        else:
            person = _person(
                rng,
                today=today,
                party=party,
                gender=Gender.FEMALE if i == len(incumbents) else None,
            )
            current_post = rng.choice(NEW_FACE_POSTS)
        nominee = Nominee(
            plan=plan,
            body=body,
            person=person,
            post_sought=_posts(body, count)[i] if i < 2 else Post.MEMBER,
            current_post=current_post,
            is_incumbent=i < len(incumbents),
            nominated_on=nominated_on,
            nominated_by=rng.choice(PARTY_NOMINATED_BY if party else RESIDENTS_NOMINATED_BY),
            review_sent_on=sent_on,
        )
        nominees.append(nominee)
    if sent_on is None:
        return nominees
    units = sorted({c.unit_code for c in criteria})
    for nominee in nominees:
        nominee.status = Candidate.Status.UNDER_REVIEW
        nominee.reviews = {}
        for code in units:
            answered: date | None = sent_on + timedelta(days=rng.randint(1, 5))
            if phase == "reviewing":
                share = SLOW_UNIT_ANSWERED_SHARE if code == SLOW_UNIT_CODE else ANSWERED_SHARE
                if rng.random() > share or answered is None or answered > today:
                    answered = None
            elif answered is not None and answered > today:
                answered = today
            nominee.reviews[code] = (answered, None)
    if phase == "reviewing":
        return nominees
    # decided (or voted): every unit answered; a few hits, each decided as the rules say
    decided_on = max(a for n in nominees for a, _hit in (n.reviews or {}).values() if a)
    cannot = [c for c in criteria if c.tier == NegativeCriterion.Tier.CANNOT]
    unsuitable = [c for c in criteria if c.tier == NegativeCriterion.Tier.UNSUITABLE]
    fresh = [n for n in nominees if not n.is_incumbent]
    if phase == "decided" and len(fresh) >= 3:
        hit = rng.choice(cannot)
        _hit(fresh[0], hit)
        fresh[0].status = Candidate.Status.DISQUALIFIED
        hit = rng.choice(unsuitable)
        _hit(fresh[1], hit)
        fresh[1].decided = True
        if rng.random() < 0.5:
            fresh[1].decision = Candidate.Decision.QUALIFIED
            fresh[1].decision_reason = OFFICE_REASON_QUALIFIED
        else:
            fresh[1].decision = Candidate.Decision.DISQUALIFIED
            fresh[1].decision_reason = OFFICE_REASON_DISQUALIFIED
            fresh[1].status = Candidate.Status.DISQUALIFIED
        if rng.random() < 0.5:
            fresh[2].status = Candidate.Status.WITHDRAWN
    for nominee in nominees:
        if nominee.status == Candidate.Status.UNDER_REVIEW:
            nominee.status = Candidate.Status.FORMAL
            if party:
                nominee.street_approved_on = decided_on + timedelta(days=1)
    return nominees


def _hit(nominee: Nominee, criterion: NegativeCriterion) -> None:
    if nominee.reviews is None:
        return
    answered, _old = nominee.reviews[criterion.unit_code]
    nominee.reviews[criterion.unit_code] = (answered, criterion.pk)


def _people_on_both(elections: list[Election], *, rng: random.Random) -> None:
    """In the communities that voted, the party's first nominee also stands for director (one
    person as both) and two more party nominees for the residents' committee (cross-appointed)."""
    by_plan: dict[int, dict[str, list[Nominee]]] = defaultdict(dict)
    for plan, body, _seats, batch, _runoff in elections:
        by_plan[plan.pk][body] = batch
    for k, batches in enumerate(by_plan.values()):
        party = batches.get(SeatRule.Body.PARTY)
        others = [b for body, b in batches.items() if body != SeatRule.Body.PARTY]
        if not party or not others:
            continue
        residents = others[0]
        # the first two communities' secretary is also their director; elsewhere two more
        pairs = [(0, 0), (2, 2), (3, 3)] if k < 2 else [(2, 2), (3, 3)]
        for p, r in pairs:
            if p < len(party) and r < len(residents):
                residents[r].person = party[p].person
                residents[r].is_incumbent = party[p].is_incumbent
                residents[r].current_post = party[p].current_post


# the order in which the elected take the posts: those who stood for a head post first
HEAD_POSTS = [
    Post.SECRETARY.value,
    Post.DEPUTY_SECRETARY.value,
    Post.DIRECTOR.value,
    Post.DEPUTY_DIRECTOR.value,
    Post.MEMBER.value,
]


# --- the writes ---------------------------------------------------------------------------------

_CANDIDATE_COLUMNS = [
    "plan_id",
    "body",
    "name",
    "gender",
    "birth_date",
    "education",
    "party_member",
    "ethnicity",
    "id_number",
    "post_sought",
    "current_post",
    "is_incumbent",
    "status",
    "nominated_on",
    "nominated_by",
    "review_sent_on",
    "street_approved_on",
    "decision",
    "decision_reason",
    "decided_by_id",
    "decided_at",
    "created_by_id",
]


def _candidates_insert(nominees: list[Nominee], *, office: User, by: User) -> None:
    rows = []
    for n in nominees:
        p = n.person
        decided_at = None
        if n.decided and n.reviews:
            last = max(a for a, _hit in n.reviews.values() if a)
            decided_at = timezone.make_aware(datetime.combine(last + timedelta(days=1), time(10)))
        rows.append(
            (
                n.plan.pk,
                n.body,
                p.name,
                p.gender,
                p.birth_date,
                p.education,
                p.party_member,
                p.ethnicity,
                p.id_number,
                n.post_sought,
                n.current_post,
                n.is_incumbent,
                n.status,
                n.nominated_on,
                n.nominated_by,
                n.review_sent_on,
                n.street_approved_on,
                n.decision,
                n.decision_reason,
                office.pk if n.decided else None,
                decided_at,
                by.pk,
            )
        )
    for n, pk in zip(
        nominees,
        rows_insert(Candidate, _CANDIDATE_COLUMNS, rows, by=by, reason=REASON),
        strict=True,
    ):
        n.pk = pk


def _reviews_insert(
    nominees: list[Nominee],
    units: dict[str, MemberUnit],
    criteria: list[NegativeCriterion],
    *,
    campaign: Campaign,
    by: User,
) -> None:
    days = campaign.rule_set.review_feedback_days
    reviewers = {
        u.member_unit_id: u
        for u in User.objects.filter(
            role=User.Role.MEMBER_UNIT, member_unit__isnull=False
        ).order_by("pk")
    }
    review_rows = []
    keys = []
    for n in nominees:
        if not n.reviews or n.review_sent_on is None:
            continue
        for code, (answered, _hit) in sorted(n.reviews.items()):
            unit = units[code]
            reviewer = reviewers.get(unit.pk)
            review_rows.append(
                (
                    n.pk,
                    unit.pk,
                    n.review_sent_on,
                    n.review_sent_on + timedelta(days=days),
                    answered,
                    reviewer.pk if reviewer and answered else None,
                )
            )
            keys.append((n, code))
    ids = rows_insert(
        UnitReview,
        ["candidate_id", "unit_id", "sent_on", "due_on", "answered_on", "answered_by_id"],
        review_rows,
        by=by,
        reason=REASON,
    )
    by_unit: dict[str, list[NegativeCriterion]] = defaultdict(list)
    for c in criteria:
        by_unit[c.unit_code].append(c)
    answer_rows = []
    for review_id, (n, code) in zip(ids, keys, strict=True):
        answered, hit = (n.reviews or {})[code]
        if answered is None:
            continue
        for c in by_unit[code]:
            is_hit = c.pk == hit
            note = ""
            if is_hit:
                note = CANNOT_NOTE if c.tier == NegativeCriterion.Tier.CANNOT else UNSUITABLE_NOTE
            answer_rows.append((review_id, c.pk, is_hit, note, "", ""))
    rows_insert(
        CriterionAnswer,
        ["review_id", "criterion_id", "hit", "note", "evidence", "evidence_name"],
        answer_rows,
        by=by,
        reason=REASON,
    )


def _results_insert(
    elections: list[Election],
    committees: dict[tuple[int, str], Committee],
    *,
    rng: random.Random,
    by: User,
) -> list[Member]:
    """Each election's rounds and votes, the candidates' outcome, and the members elected."""
    result_rows = []
    vote_plans: list[list[tuple[Nominee, int, bool]]] = []
    members: list[Member] = []
    for plan, body, seats, batch, with_runoff in elections:
        party = body == SeatRule.Body.PARTY
        held_on = plan.party_election_on if party else plan.election_on
        standing = [n for n in batch if n.status == Candidate.Status.FORMAL]
        committee = committees[(plan.community_id, _committee_kind(body))]
        to_fill = min(seats, len(standing) - 1)
        if party:
            registered = committee.full_members or rng.randint(45, 180)
        else:
            registered = plan.community.registered_voters or rng.randint(1500, 6000)
        issued = round(registered * rng.uniform(0.82, 0.95))
        returned = issued - rng.randint(0, max(1, issued // 100))
        invalid = rng.randint(0, max(1, returned // 60))
        valid = returned - invalid
        # those standing for the head posts first, then the outgoing members
        ranked = sorted(
            standing,
            key=lambda n: (HEAD_POSTS.index(n.post_sought), not n.is_incumbent, rng.random()),
        )
        first_winners = to_fill - 1 if with_runoff else to_fill
        votes = []
        for i, n in enumerate(ranked):
            share = rng.uniform(0.62, 0.93) if i < first_winners else rng.uniform(0.2, 0.45)
            votes.append((n, round(returned * share), i < first_winners))
        result_rows.append(
            (
                plan.pk,
                body,
                ElectionResult.Round.FIRST,
                held_on,
                registered,
                issued,
                returned,
                valid,
                invalid,
                to_fill,
                True,
                first_winners,
                by.pk,
            )
        )
        vote_plans.append(votes)
        elected = [n for n, _v, won in votes if won]
        if with_runoff:
            # the last seat: a 另行选举 between the two best of the rest, the most votes win
            runoff_issued = round(registered * rng.uniform(0.7, 0.85))
            rest = [n for n, _v, won in sorted(votes, key=lambda v: -v[1]) if not won][:2]
            result_rows.append(
                (
                    plan.pk,
                    body,
                    ElectionResult.Round.RUNOFF,
                    held_on + timedelta(days=3),
                    registered,
                    runoff_issued,
                    runoff_issued,
                    runoff_issued - 3,
                    3,
                    1,
                    True,
                    1,
                    by.pk,
                )
            )
            share = rng.uniform(0.5, 0.6)
            vote_plans.append(
                [
                    (rest[0], round(runoff_issued * share), True),
                    (rest[1], round(runoff_issued * (0.97 - share)), False),
                ]
            )
            elected.append(rest[0])
        for n in standing:
            n.status = Candidate.Status.ELECTED if n in elected else Candidate.Status.NOT_ELECTED
        for n, post in zip(elected, _posts(body, len(elected)), strict=True):
            members.append(
                Member(committee, n.person, post, held_on, not n.is_incumbent, candidate=n)
            )
    result_ids = rows_insert(
        ElectionResult,
        [
            "plan_id",
            "body",
            "round",
            "held_on",
            "registered_voters",
            "ballots_issued",
            "ballots_returned",
            "valid_ballots",
            "invalid_ballots",
            "seats_to_fill",
            "is_valid",
            "seats_filled",
            "created_by_id",
        ],
        result_rows,
        by=by,
        reason=REASON,
    )
    vote_rows = [
        (result_id, n.pk, count, won)
        for result_id, votes in zip(result_ids, vote_plans, strict=True)
        for n, count, won in votes
    ]
    rows_insert(
        CandidateVote,
        ["result_id", "candidate_id", "votes", "elected"],
        vote_rows,
        by=by,
        reason=REASON,
    )
    # the outcome of the vote, on the candidates recorded as formal above
    outcome = defaultdict(list)
    for _plan, _body, _seats, batch, _runoff in elections:
        for n in batch:
            if n.status in (Candidate.Status.ELECTED, Candidate.Status.NOT_ELECTED):
                outcome[n.status].append(n.pk)
    for status, pks in outcome.items():
        Candidate.objects.filter(pk__in=pks).update(status=status)
    return members


def _members_insert(
    previous: dict[tuple[int, str], list[Member]],
    elected: list[Member],
    committees: dict[tuple[int, str], Committee],
    *,
    campaign: Campaign,
    by: User,
) -> None:
    """The previous term of every committee (closed where the new one was elected) and the new
    members."""
    formed_on = {m.committee.pk: m.started_on for m in elected}
    rows = []
    for members in previous.values():
        for m in members:
            ended_on = formed_on.get(m.committee.pk)
            rows.append(
                _member_row(
                    m,
                    ended_on=ended_on,
                    ended_in=campaign.pk if ended_on else None,
                    elected_in=None,
                )
            )
    for m in elected:
        rows.append(_member_row(m, ended_on=None, ended_in=None, elected_in=campaign.pk))
    rows_insert(
        CommitteeMember,
        [
            "committee_id",
            "post",
            "started_on",
            "ended_on",
            "elected_in_id",
            "ended_in_id",
            "candidate_id",
            "is_first_time",
            "name",
            "gender",
            "birth_date",
            "education",
            "party_member",
            "ethnicity",
            "id_number",
        ],
        rows,
        by=by,
        reason=REASON,
    )


def _member_row(
    m: Member, *, ended_on: date | None, ended_in: int | None, elected_in: int | None
) -> tuple[Any, ...]:
    p = m.person
    return (
        m.committee.pk,
        m.post,
        m.started_on,
        ended_on,
        elected_in,
        ended_in,
        m.candidate.pk if m.candidate else None,
        m.is_first_time,
        p.name,
        p.gender,
        p.birth_date,
        p.education,
        p.party_member,
        p.ethnicity,
        p.id_number,
    )


__all__ = ["candidates_demo_seed"]

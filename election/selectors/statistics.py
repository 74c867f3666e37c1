"""The statistics the district office reports upward (domain.md §6), per street and for the
district, for the Party organisation and the residents' (villagers') committee separately, the new
term against the previous one.

Everything is counted in SQL from the committee members, the plans and the first-round results:
`statistics_table` runs four queries whatever the number of communities (the rule set's bands,
the plans per street, the members grouped by street, committee and term, the first rounds grouped
by street and committee).

Terms of a campaign: its **current** (new) term is the members elected in it; its **previous**
term is the members not elected in it whose term was running when it started, i.e. those it
replaced (`ended_in`) and those still in office (`ended_on` empty).

A person is the same on both committees (交叉任职, and the 书记 who is also the 主任: 一肩挑) when
the community, the name and the date of birth are the same.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, ExtractYear
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Committee, Community, Street

from ..models import (
    DEFAULT_BANDS,
    Campaign,
    CommitteeMember,
    CommunityPlan,
    ElectionResult,
    Post,
    StatisticsBand,
)

CURRENT = "current"
PREVIOUS = "previous"
TERMS = (CURRENT, PREVIOUS)
PARTY = Committee.Kind.PARTY.value
RESIDENTS = Committee.Kind.RESIDENTS.value
BODIES = (PARTY, RESIDENTS)
TERM_LABELS = {CURRENT: _("new term"), PREVIOUS: _("previous term")}
BODY_LABELS = {PARTY: _("party organisation"), RESIDENTS: _("residents' (villagers') committee")}
# the head of each committee: the Party's 书记, the residents' 主任
HEAD_POST = {PARTY: Post.SECRETARY.value, RESIDENTS: Post.DIRECTOR.value}
MAJORITY_ETHNICITY = "汉族"

StreetScope = Street | int | Iterable[int] | None


def _pct(part: int, whole: int) -> float | None:
    """A share in percent with one decimal (None: nothing to count)."""
    return None if not whole else round(part * 100 / whole, 1)


def street_ids_of(street: StreetScope) -> tuple[int, ...] | None:
    """The scope as street ids: None is the whole district."""
    if street is None:
        return None
    if isinstance(street, Street):
        return (street.pk,)
    if isinstance(street, int):
        return (street,)
    return tuple(street)


@dataclass(frozen=True)
class Band:
    """An age band (whole years) or an education band (levels); both bounds inclusive."""

    kind: str
    order: int
    label: str
    min_value: int | None
    max_value: int | None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.order}"


def _shift_years(day: date, years: int) -> date:
    """`day` that many years earlier; 29 February becomes the 28th in a common year (a person
    born on or before the result is `years` old on `day`)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def band_filter(band: Band, as_of: date) -> Q:
    """Members inside `band` on `as_of`, as a filter on the birth date or the education level."""
    q = Q()
    if band.kind == StatisticsBand.Kind.AGE:
        if band.min_value is not None:  # at least min_value years old
            q &= Q(birth_date__lte=_shift_years(as_of, band.min_value))
        if band.max_value is not None:  # not yet max_value + 1 years old
            q &= Q(birth_date__gt=_shift_years(as_of, band.max_value + 1))
    else:
        if band.min_value is not None:
            q &= Q(education__gte=band.min_value)
        if band.max_value is not None:
            q &= Q(education__lte=band.max_value)
    return q


def campaign_bands(campaign: Campaign) -> tuple[list[Band], list[Band]]:
    """The rule set's age and education bands (one query); the shipped defaults if it has none."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in StatisticsBand.objects.filter(rule_set_id=campaign.rule_set_id)
        .order_by("kind", "order")
        .values("kind", "order", "label", "min_value", "max_value")
    ]
    if not rows:
        rows = list(DEFAULT_BANDS)
    bands = [Band(**row) for row in rows]
    ages = sorted((b for b in bands if b.kind == StatisticsBand.Kind.AGE), key=lambda b: b.order)
    education = sorted(
        (b for b in bands if b.kind == StatisticsBand.Kind.EDUCATION), key=lambda b: b.order
    )
    return ages, education


def statistics_as_of(campaign: Campaign) -> date:
    """The day ages are counted on: the campaign's default election day (or today)."""
    return campaign.election_on or timezone.localdate()


@dataclass
class TermFigures:
    """One committee's figures in one term over a street (or the district). Counts only, so
    that rows add up; the shares and the average age are derived."""

    due: int = 0  # 应换届: communities with a plan in the campaign
    done: int = 0  # 已完成: committees with members in this term
    members: int = 0
    heads: int = 0  # 书记 (Party) or 主任 (residents)
    one_shoulder: int = 0  # heads who are also the other committee's head
    cross: int = 0  # members who sit on both committees
    women: int = 0
    women_heads: int = 0
    party_members: int = 0
    minorities: int = 0
    first_time: int = 0
    re_elected: int = 0
    age_sum: int = 0
    age_bands: list[int] = field(default_factory=list)
    education_bands: list[int] = field(default_factory=list)
    # first rounds (the new term only)
    first_rounds: int = 0
    first_round_success: int = 0
    registered: int = 0
    returned: int = 0

    def add(self, other: "TermFigures") -> None:
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, list):
                if len(mine) < len(theirs):
                    mine.extend([0] * (len(theirs) - len(mine)))
                for i, value in enumerate(theirs):
                    mine[i] += value
            else:
                setattr(self, f.name, mine + theirs)

    @property
    def done_pct(self) -> float | None:
        return _pct(self.done, self.due)

    @property
    def one_shoulder_pct(self) -> float | None:
        return _pct(self.one_shoulder, self.done)

    @property
    def cross_pct(self) -> float | None:
        return _pct(self.cross, self.members)

    @property
    def women_pct(self) -> float | None:
        return _pct(self.women, self.members)

    @property
    def party_members_pct(self) -> float | None:
        return _pct(self.party_members, self.members)

    @property
    def minorities_pct(self) -> float | None:
        return _pct(self.minorities, self.members)

    @property
    def first_time_pct(self) -> float | None:
        return _pct(self.first_time, self.members)

    @property
    def re_elected_pct(self) -> float | None:
        return _pct(self.re_elected, self.members)

    @property
    def average_age(self) -> float | None:
        return None if not self.members else round(self.age_sum / self.members, 1)

    @property
    def turnout_pct(self) -> float | None:
        return _pct(self.returned, self.registered)

    @property
    def first_round_pct(self) -> float | None:
        return _pct(self.first_round_success, self.first_rounds)

    def age_band_pct(self, index: int) -> float | None:
        return _pct(self.age_bands[index], self.members)

    def education_band_pct(self, index: int) -> float | None:
        return _pct(self.education_bands[index], self.members)


@dataclass
class StatisticsRow:
    """A street (or the district total, `street_id` None): each committee in each term."""

    street_id: int | None
    name: str
    figures: dict[tuple[str, str], TermFigures]

    def get(self, body: str, term: str) -> TermFigures:
        return self.figures[(body, term)]

    @property
    def is_total(self) -> bool:
        return self.street_id is None

    @property
    def party_current(self) -> TermFigures:
        return self.figures[(PARTY, CURRENT)]

    @property
    def party_previous(self) -> TermFigures:
        return self.figures[(PARTY, PREVIOUS)]

    @property
    def residents_current(self) -> TermFigures:
        return self.figures[(RESIDENTS, CURRENT)]

    @property
    def residents_previous(self) -> TermFigures:
        return self.figures[(RESIDENTS, PREVIOUS)]


@dataclass
class StatisticsTable:
    """The statistics of a campaign: one row per street in scope and the total row (the district,
    or the streets in scope)."""

    campaign: Campaign
    as_of: date
    age_bands: list[Band]
    education_bands: list[Band]
    rows: list[StatisticsRow]
    total: StatisticsRow
    street_ids: tuple[int, ...] | None = None

    @property
    def is_district(self) -> bool:
        return self.street_ids is None

    @cached_property
    def _people_base(self) -> str:
        return reverse("election:statistics-people", args=[self.campaign.pk])

    def people_url(self, figure: str, body: str, term: str, street_id: int | None = None) -> str:
        """The people behind one figure (the list view checks the reader's scope again)."""
        query = {"figure": figure, "body": body, "term": term}
        if street_id is not None:
            query["street"] = str(street_id)
        return f"{self._people_base}?{urlencode(query)}"


def _empty_figures(n_age: int, n_education: int) -> dict[tuple[str, str], TermFigures]:
    return {
        (body, term): TermFigures(age_bands=[0] * n_age, education_bands=[0] * n_education)
        for body in BODIES
        for term in TERMS
    }


def _term_case(campaign: Campaign) -> Case:
    return Case(
        When(elected_in=campaign, then=Value(CURRENT)),
        When(Q(ended_in=campaign) | Q(ended_on__isnull=True), then=Value(PREVIOUS)),
        default=Value(""),
        output_field=CharField(),
    )


def _in_terms(campaign: Campaign) -> Q:
    return Q(elected_in=campaign) | Q(ended_in=campaign) | Q(ended_on__isnull=True)


def _members_in_terms(campaign: Campaign, street_ids: tuple[int, ...] | None) -> QuerySet[Any]:
    """The members of either term in the campaign's communities (those with a plan in it), each
    annotated with its `term`, its committee's `body` and the `head_post` of that committee."""
    qs = CommitteeMember.objects.filter(
        _in_terms(campaign), committee__community__plans__campaign=campaign
    )
    if street_ids is not None:
        qs = qs.filter(committee__community__street_id__in=street_ids)
    head_post = Case(
        When(committee__kind=PARTY, then=Value(HEAD_POST[PARTY])),
        default=Value(HEAD_POST[RESIDENTS]),
        output_field=CharField(),
    )
    return qs.annotate(
        term=_term_case(campaign), body=F("committee__kind"), head_post=head_post
    ).order_by()


def members_of_campaign(campaign: Campaign, street_ids: tuple[int, ...] | None) -> QuerySet[Any]:
    """`_members_in_terms`, each member also annotated with whether it sits on the other
    committee too (`is_cross`) and whether it heads one committee and the other
    (`is_one_shoulder`), for the drill-down.

    The same person is found by a key (community, name, date of birth, term): the keys on more
    than one committee come from one grouped subquery, which the database runs once (a hashed
    subplan on PostgreSQL), not once per member."""
    qs = _members_in_terms(campaign, street_ids)
    keyed = qs.annotate(
        person_key=Concat(
            Cast("committee__community_id", CharField()),
            Value("|"),
            "name",
            Value("|"),
            Cast("birth_date", CharField()),
            Value("|"),
            "term",
            output_field=CharField(),
        ),
    ).order_by()

    def on_both(members: QuerySet[Any]) -> QuerySet[Any]:
        grouped: QuerySet[Any] = (
            members.values("person_key")
            .annotate(committees=Count("pk"))
            .filter(committees__gt=1)
            .values("person_key")
        )
        return grouped

    cross_keys = on_both(keyed)
    head_keys = on_both(keyed.filter(post=F("head_post")))
    annotated: QuerySet[Any] = keyed.annotate(
        is_cross=ExpressionWrapper(Q(person_key__in=cross_keys), output_field=BooleanField()),
        is_one_shoulder=ExpressionWrapper(
            Q(post=F("head_post"), person_key__in=head_keys), output_field=BooleanField()
        ),
    )
    return annotated


def _figure_filters(
    as_of: date, age_bands: list[Band], education_bands: list[Band]
) -> dict[str, Q]:
    """The member figures as filters on `members_of_campaign` (the drill-down uses them too)."""
    head = Q(post=F("head_post"))
    after_birthday = Q(birth_date__month__gt=as_of.month) | Q(
        birth_date__month=as_of.month, birth_date__day__gt=as_of.day
    )
    filters = {
        "members": Q(),
        "age": Q(),
        "heads": head,
        "one_shoulder": head & Q(is_one_shoulder=True),
        "cross": Q(is_cross=True),
        "women": Q(gender="f"),
        "women_heads": head & Q(gender="f"),
        "party_members": Q(party_member=True),
        "minorities": ~Q(ethnicity=MAJORITY_ETHNICITY) & ~Q(ethnicity=""),
        "first_time": Q(is_first_time=True),
        "re_elected": Q(is_first_time=False),
        "_after_birthday": after_birthday,
    }
    for band in [*age_bands, *education_bands]:
        filters[band.key] = band_filter(band, as_of)
    return filters


MEMBER_FIGURES = (
    "members",
    "heads",
    "one_shoulder",
    "cross",
    "women",
    "women_heads",
    "party_members",
    "minorities",
    "first_time",
    "re_elected",
)
PLAN_FIGURES = ("due", "done", "turnout", "first_round")
# counted by the grouped members query; the same person on both committees has its own query
COUNTED_FIGURES = tuple(f for f in MEMBER_FIGURES if f not in ("cross", "one_shoulder"))


def statistics_table(*, campaign: Campaign, street: StreetScope = None) -> StatisticsTable:
    """The campaign's statistics per street in scope and in total, in five queries."""
    street_ids = street_ids_of(street)
    as_of = statistics_as_of(campaign)
    age_bands, education_bands = campaign_bands(campaign)
    n_age, n_edu = len(age_bands), len(education_bands)

    # 1. the streets with plans, and their plans (应换届)
    plans = CommunityPlan.objects.filter(campaign=campaign)
    if street_ids is not None:
        plans = plans.filter(community__street_id__in=street_ids)
    rows: dict[int, StatisticsRow] = {}
    for street_id, name, count in (
        plans.order_by()
        .values_list("community__street_id", "community__street__name")
        .annotate(n=Count("pk"))
        .values_list("community__street_id", "community__street__name", "n")
    ):
        row = StatisticsRow(street_id, name, _empty_figures(n_age, n_edu))
        for body in BODIES:
            for term in TERMS:
                row.get(body, term).due = count
        rows[street_id] = row

    # 2. the members, per street, committee and term
    filters = _figure_filters(as_of, age_bands, education_bands)
    aggregates: dict[str, Any] = {
        "done": Count("committee_id", distinct=True),
        "birth_years": Sum(ExtractYear("birth_date")),
        "after_birthday": Count("pk", filter=filters["_after_birthday"]),
    }
    for key in COUNTED_FIGURES:
        aggregates[key] = Count("pk", filter=filters[key]) if filters[key] else Count("pk")
    for band in [*age_bands, *education_bands]:
        aggregates[band.key] = Count("pk", filter=filters[band.key])
    grouped = (
        _members_in_terms(campaign, street_ids)
        .values("committee__community__street_id", "body", "term")
        .annotate(**aggregates)
    )
    for item in grouped:
        row_or_none = rows.get(item["committee__community__street_id"])
        if row_or_none is None or item["term"] not in TERMS:
            continue
        figures = row_or_none.get(item["body"], item["term"])
        figures.done = item["done"]
        for key in COUNTED_FIGURES:
            setattr(figures, key, item[key])
        # whole years: the year difference, less one for those whose birthday is still to come
        figures.age_sum = (
            item["members"] * as_of.year - (item["birth_years"] or 0) - item["after_birthday"]
        )
        figures.age_bands = [item[b.key] for b in age_bands]
        figures.education_bands = [item[b.key] for b in education_bands]

    # 3. the same person on both committees: grouped by community, name, date of birth and term,
    # only the groups of more than one member come back (one per person, some thousands at
    # 20,000 communities); each has a member on each committee, a head on each if one person
    # is both 书记 and 主任
    twins = (
        _members_in_terms(campaign, street_ids)
        .values(
            "committee__community__street_id",
            "term",
            "committee__community_id",
            "name",
            "birth_date",
        )
        .annotate(
            n=Count("pk"),
            heads=Count("pk", filter=Q(post=F("head_post"))),
        )
        .filter(n__gt=1)
        .values_list("committee__community__street_id", "term", "heads")
    )
    for street_id, term, heads in twins:
        row_or_none = rows.get(street_id)
        if row_or_none is None or term not in TERMS:
            continue
        for body in BODIES:
            figures = row_or_none.get(body, term)
            figures.cross += 1
            figures.one_shoulder += 1 if heads > 1 else 0

    # 4. the first rounds, per street and committee (the new term)
    results = ElectionResult.objects.filter(
        plan__campaign=campaign, round=ElectionResult.Round.FIRST
    )
    if street_ids is not None:
        results = results.filter(plan__community__street_id__in=street_ids)
    for item in (
        results.order_by()
        .values("plan__community__street_id", "body")
        .annotate(
            n=Count("pk"),
            success=Count("pk", filter=Q(is_valid=True, seats_filled__gte=F("seats_to_fill"))),
            registered=Sum("registered_voters"),
            returned=Sum("ballots_returned"),
        )
    ):
        row_or_none = rows.get(item["plan__community__street_id"])
        if row_or_none is None:
            continue
        body = PARTY if item["body"] == PARTY else RESIDENTS
        figures = row_or_none.get(body, CURRENT)
        figures.first_rounds += item["n"]
        figures.first_round_success += item["success"]
        figures.registered += item["registered"] or 0
        figures.returned += item["returned"] or 0

    ordered = sorted(rows.values(), key=lambda r: (r.name, r.street_id or 0))
    total = StatisticsRow(None, "", _empty_figures(n_age, n_edu))
    for row in ordered:
        for cell, figures in row.figures.items():
            total.figures[cell].add(figures)
    return StatisticsTable(
        campaign=campaign,
        as_of=as_of,
        age_bands=age_bands,
        education_bands=education_bands,
        rows=ordered,
        total=total,
        street_ids=street_ids,
    )


# --- the table, counted once per change of the data -------------------------------------------
# The table reads every member of the campaign: at 20,000 communities (160,000 members) about a
# second. The pages keep it in the cache under a fingerprint of the data it reads: the newest
# history row of each model (every write, the imports' and the seeders' included, leaves one; a
# read of the primary key's index, the same cost at any size), and the campaign's own row. Any
# change gives a new fingerprint, so a table from the cache is never stale.

STATISTICS_CACHE_SECONDS = 24 * 60 * 60


def _newest_history(model: Any) -> Subquery:
    history: Any = model.history.model
    return Subquery(history.objects.order_by("-history_id").values("history_id")[:1])


def statistics_fingerprint(campaign: Campaign) -> str:
    """What the table of `campaign` was counted from, in one query of constant cost."""
    newest = (
        Campaign.objects.filter(pk=campaign.pk)
        .annotate(
            m=_newest_history(CommitteeMember),
            r=_newest_history(ElectionResult),
            b=_newest_history(StatisticsBand),
            p=_newest_history(CommunityPlan),
            c=_newest_history(Community),
            s=_newest_history(Street),
        )
        .values_list("updated_at", "rule_set_id", "election_on", "m", "r", "b", "p", "c", "s")
        .first()
    )
    return repr(newest)


def statistics_table_cached(*, campaign: Campaign, street: StreetScope = None) -> StatisticsTable:
    """`statistics_table`, from the cache when the data has not changed since it was counted
    (one query then), else counted and kept."""
    street_ids = street_ids_of(street)
    identity = f"{campaign.pk}/{street_ids}/{statistics_fingerprint(campaign)}"
    key = "election:statistics:" + hashlib.sha256(identity.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        as_of, age_bands, education_bands, rows, total = cached
        return StatisticsTable(
            campaign=campaign,
            as_of=as_of,
            age_bands=age_bands,
            education_bands=education_bands,
            rows=rows,
            total=total,
            street_ids=street_ids,
        )
    table = statistics_table(campaign=campaign, street=street_ids)
    cache.set(
        key,
        (table.as_of, table.age_bands, table.education_bands, table.rows, table.total),
        timeout=STATISTICS_CACHE_SECONDS,
    )
    return table


# --- the people behind a figure -------------------------------------------------------------------


@dataclass
class StatisticsPeople:
    """The members (or, for a community figure, the plans) behind one figure."""

    kind: str  # "members" or "plans"
    figure: str
    body: str
    term: str
    label: str
    rows: QuerySet[Any]


def figure_keys(campaign: Campaign) -> set[str]:
    """Every figure the drill-down knows for this campaign (one query for the bands)."""
    ages, education = campaign_bands(campaign)
    return {*MEMBER_FIGURES, "age", *PLAN_FIGURES, *(b.key for b in [*ages, *education])}


def statistics_people(
    *,
    campaign: Campaign,
    figure: str,
    body: str,
    term: str,
    street: StreetScope = None,
) -> StatisticsPeople:
    """The people behind one figure of `statistics_table`, in the same scope; Http404 for a
    figure, committee or term it does not know. Never the ID numbers (the rows do not carry
    them)."""
    if body not in BODIES or term not in TERMS:
        raise Http404
    street_ids = street_ids_of(street)
    as_of = statistics_as_of(campaign)
    age_bands, education_bands = campaign_bands(campaign)
    bands = {b.key: b for b in [*age_bands, *education_bands]}
    if figure in PLAN_FIGURES:
        return StatisticsPeople(
            "plans", figure, body, term, "", _plans_behind(campaign, figure, body, term, street_ids)
        )
    filters = _figure_filters(as_of, age_bands, education_bands)
    if figure not in MEMBER_FIGURES and figure != "age" and figure not in bands:
        raise Http404
    label = bands[figure].label if figure in bands else ""
    # the same person on both committees needs the grouped subquery; the other figures do not
    twins = figure in ("cross", "one_shoulder")
    members = (members_of_campaign if twins else _members_in_terms)(campaign, street_ids)
    rows = (
        members.filter(filters[figure], body=body, term=term)
        .annotate(
            community_name=F("committee__community__name"),
            street_name=F("committee__community__street__name"),
        )
        .only(
            "pk",
            "name",
            "gender",
            "birth_date",
            "education",
            "party_member",
            "ethnicity",
            "post",
            "is_first_time",
            "committee_id",
        )
        .order_by("committee__community__street__name", "committee__community__name", "pk")
    )
    return StatisticsPeople("members", figure, body, term, label, rows)


def _plans_behind(
    campaign: Campaign, figure: str, body: str, term: str, street_ids: tuple[int, ...] | None
) -> QuerySet[CommunityPlan]:
    plans = CommunityPlan.objects.filter(campaign=campaign)
    if street_ids is not None:
        plans = plans.filter(community__street_id__in=street_ids)
    if figure == "done":
        formed = _members_in_terms(campaign, street_ids).filter(
            committee__community_id=OuterRef("community_id"), body=body, term=term
        )
        plans = plans.filter(Exists(formed))
    elif figure in ("turnout", "first_round"):
        if term != CURRENT:
            return plans.none()
        bodies = [PARTY] if body == PARTY else [RESIDENTS, "villagers"]
        first = ElectionResult.objects.filter(
            plan_id=OuterRef("pk"), round=ElectionResult.Round.FIRST, body__in=bodies
        )
        if figure == "first_round":
            first = first.filter(is_valid=True, seats_filled__gte=F("seats_to_fill"))
        plans = plans.filter(Exists(first))
    return plans.select_related("community__street").order_by(
        "community__street__name", "community__name", "pk"
    )


# --- the table's columns --------------------------------------------------------------------------
# One list for the page and the workbook: each column's group header, its own header, its unit
# (人 people, 个 communities, % share, 岁 years) and the figure its cells open.

UNIT_PEOPLE = "人"
UNIT_COMMUNITIES = "个"
UNIT_PERCENT = "%"
UNIT_YEARS = "岁"


@dataclass(frozen=True)
class Column:
    group: str
    label: str
    unit: str
    figure: str
    value: Callable[[TermFigures], int | float | None]

    @property
    def is_percent(self) -> bool:
        return self.unit == UNIT_PERCENT


def _count_and_share(
    group: str, figure: str, count: Callable[[TermFigures], int], share: Callable[..., Any]
) -> list[Column]:
    return [
        Column(group, str(_("people")), UNIT_PEOPLE, figure, count),
        Column(group, str(_("share")), UNIT_PERCENT, figure, share),
    ]


def _band_getters(
    kind: str, index: int
) -> tuple[Callable[[TermFigures], int], Callable[[TermFigures], float | None]]:
    if kind == "age":
        return (lambda f: f.age_bands[index]), (lambda f: f.age_band_pct(index))
    return (lambda f: f.education_bands[index]), (lambda f: f.education_band_pct(index))


def statistics_columns(table: StatisticsTable, body: str) -> list[Column]:
    """The columns of one committee's table, in the order of the official statistics table."""
    head_women = _("Women secretaries") if body == PARTY else _("Women directors")
    columns = [
        Column(str(_("Re-election")), str(_("due")), UNIT_COMMUNITIES, "due", lambda f: f.due),
        Column(str(_("Re-election")), str(_("done")), UNIT_COMMUNITIES, "done", lambda f: f.done),
        Column(
            str(_("Re-election")), str(_("share done")), UNIT_PERCENT, "done", lambda f: f.done_pct
        ),
        Column(str(_("Members")), str(_("people")), UNIT_PEOPLE, "members", lambda f: f.members),
        *_count_and_share(
            str(_("Secretary and director one person")),
            "one_shoulder",
            lambda f: f.one_shoulder,
            lambda f: f.one_shoulder_pct,
        ),
        *_count_and_share(
            str(_("Cross-appointed")), "cross", lambda f: f.cross, lambda f: f.cross_pct
        ),
        *_count_and_share(str(_("Women")), "women", lambda f: f.women, lambda f: f.women_pct),
        Column(
            str(head_women), str(_("people")), UNIT_PEOPLE, "women_heads", lambda f: f.women_heads
        ),
        *_count_and_share(
            str(_("Party members")),
            "party_members",
            lambda f: f.party_members,
            lambda f: f.party_members_pct,
        ),
        *_count_and_share(
            str(_("Ethnic minorities")),
            "minorities",
            lambda f: f.minorities,
            lambda f: f.minorities_pct,
        ),
        *_count_and_share(
            str(_("First-time members")),
            "first_time",
            lambda f: f.first_time,
            lambda f: f.first_time_pct,
        ),
        *_count_and_share(
            str(_("Re-elected members")),
            "re_elected",
            lambda f: f.re_elected,
            lambda f: f.re_elected_pct,
        ),
        Column(str(_("Average age")), str(_("years")), UNIT_YEARS, "age", lambda f: f.average_age),
    ]
    for index, band in enumerate(table.age_bands):
        columns += _count_and_share(band.label, band.key, *_band_getters("age", index))
    for index, band in enumerate(table.education_bands):
        columns += _count_and_share(band.label, band.key, *_band_getters("education", index))
    columns += [
        Column(
            str(_("Turnout")), str(_("turnout")), UNIT_PERCENT, "turnout", lambda f: f.turnout_pct
        ),
        Column(
            str(_("First-round success")),
            str(_("communities")),
            UNIT_COMMUNITIES,
            "first_round",
            lambda f: f.first_round_success,
        ),
        Column(
            str(_("First-round success")),
            str(_("share")),
            UNIT_PERCENT,
            "first_round",
            lambda f: f.first_round_pct,
        ),
    ]
    return columns


def column_groups(columns: list[Column]) -> list[tuple[str, int]]:
    """The group headers over `columns`: each group's label and how many columns it spans."""
    groups: list[tuple[str, int]] = []
    for column in columns:
        if groups and groups[-1][0] == column.group:
            groups[-1] = (column.group, groups[-1][1] + 1)
        else:
            groups.append((column.group, 1))
    return groups

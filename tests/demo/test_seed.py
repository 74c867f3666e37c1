"""The two seeders: the demo district and accounts (design.md §4), and the scale district."""

import json
import math
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.test import Client

from accounts.models import MemberUnit, SecurityEvent, User
from communities.demo import DATA_PATH
from communities.models import (
    Committee,
    Community,
    CommunityUserObjectPermission,
    District,
    DistrictUserObjectPermission,
    Street,
    StreetUserObjectPermission,
)
from communities.permissions import communities_for_user

pytestmark = pytest.mark.django_db

ACCOUNTS = [
    "admin",
    "office",
    "street1",
    "street2",
    "leader1",
    "police",
    "discipline",
    "supervisor",
]


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def seed_scale(communities: int) -> str:
    out = StringIO()
    call_command("seed_scale", communities=communities, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    """Rows in every table the seeders write, history tables included."""
    models: list[Any] = [
        District,
        Street,
        Community,
        Committee,
        DistrictUserObjectPermission,
        StreetUserObjectPermission,
        CommunityUserObjectPermission,
        User,
        MemberUnit,
        SecurityEvent,
    ]
    history: list[Any] = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    return {m.__name__: m._default_manager.count() for m in [*models, *history]}


def test_seed_demo_builds_the_district_and_the_accounts() -> None:
    output = seed_demo()

    district = District.objects.get(code="demo")
    assert district.streets.count() >= 6
    assert Community.objects.filter(street__district=district).count() >= 60
    # each community has both committees
    assert Committee.objects.filter(community__street__district=district).count() == (
        2 * Community.objects.filter(street__district=district).count()
    )
    assert set(User.objects.filter(username__in=ACCOUNTS).values_list("username", flat=True)) == (
        set(ACCOUNTS)
    )
    assert "huanjie-demo" in output


def test_seed_demo_mixes_kinds_and_profiles() -> None:
    seed_demo()
    communities = Community.objects.filter(street__district__code="demo").with_track()
    village = communities.filter(kind=Community.Kind.VILLAGE_CONVERTED)
    assert communities.filter(kind=Community.Kind.CITY).exists()
    assert (
        village.filter(is_reform_finished=False).count()
        > village.filter(is_reform_finished=True).count()
    )
    assert village.filter(is_reform_finished=True).exists()
    assert communities.exclude(track_override="").exclude(track_override_reason="").exists()
    assert communities.filter(is_demolition_underway=True).count() >= 3
    assert communities.filter(is_difficult=True).exclude(difficult_reason="").count() >= 3
    assert communities.filter(population__gte=40000).exists()
    party_types = set(
        Committee.objects.filter(community__in=communities, kind=Committee.Kind.PARTY).values_list(
            "party_type", flat=True
        )
    )
    assert party_types == set(Committee.PartyType.values)
    community: Any
    for community in communities.prefetch_related("committees"):
        seats = {c.kind: c.seats for c in community.committees.all()}
        low, high = (3, 7) if community.track == Community.Track.VILLAGE else (5, 9)
        assert low <= seats[Committee.Kind.RESIDENTS] <= high
        assert 3 <= seats[Committee.Kind.PARTY] <= 9


def test_every_demo_account_signs_in_with_the_demo_password() -> None:
    seed_demo()
    for username in ACCOUNTS:
        # axes needs the request to decide on lock-outs
        assert Client().login(request=HttpRequest(), username=username, password="huanjie-demo"), (
            username
        )


def test_demo_history_rows_carry_the_admin_and_the_reason() -> None:
    seed_demo()
    admin = User.objects.get(username="admin")
    for model in (District, Street, Community, Committee, MemberUnit):
        history = model.history.all()
        assert set(history.values_list("history_user", "history_change_reason")) == {
            (admin.pk, "demo data")
        }, model.__name__


def test_street1_sees_only_the_first_street() -> None:
    seed_demo()
    first = json.loads(DATA_PATH.read_text(encoding="utf-8"))["streets"][0]["name"]
    street = Street.objects.get(district__code="demo", name=first)
    user = User.objects.get(username="street1")

    visible = set(communities_for_user(user).values_list("pk", flat=True))

    assert visible == set(street.communities.values_list("pk", flat=True))
    assert len(visible) >= 10


def test_leader1_sees_exactly_one_village_converted_community() -> None:
    seed_demo()
    user = User.objects.get(username="leader1")

    visible = list(communities_for_user(user))

    assert len(visible) == 1
    assert visible[0].kind == Community.Kind.VILLAGE_CONVERTED


def test_seed_demo_twice_changes_nothing() -> None:
    first_output = seed_demo()
    before = counts()

    second_output = seed_demo()
    third_output = seed_demo()

    assert counts() == before
    assert second_output == third_output == first_output


def test_seed_demo_resets_a_changed_password_and_role() -> None:
    seed_demo()
    user = User.objects.get(username="street1")
    user.set_password("something-else")
    user.role = User.Role.LEADER
    user.save(update_fields=["password", "role"])

    seed_demo()

    user.refresh_from_db()
    assert user.check_password("huanjie-demo")
    assert user.role == User.Role.STREET


def test_seed_scale_builds_n_communities_in_streets_of_about_forty() -> None:
    output = seed_scale(100)

    district = District.objects.get(code="scale")
    assert Community.objects.filter(street__district=district).count() == 100
    assert district.streets.count() == math.ceil(100 / 40)
    assert Committee.objects.filter(community__street__district=district).count() == 200
    office = User.objects.get(username="scale_office")
    street = User.objects.get(username="scale_street")
    assert communities_for_user(office).count() == 100
    first = district.streets.order_by("name").first()
    assert first is not None
    assert set(communities_for_user(street).values_list("street", flat=True)) == {first.pk}
    assert "huanjie-demo" in output


def test_seed_scale_twice_replaces_its_district_and_leaves_the_demo_alone() -> None:
    seed_demo()
    demo = District.objects.get(code="demo")
    demo_communities = set(
        Community.objects.filter(street__district=demo).values_list("pk", flat=True)
    )
    demo_history = Community.history.filter(id__in=demo_communities).count()
    seed_scale(100)
    after_first = counts()

    seed_scale(100)

    assert Community.objects.filter(street__district__code="scale").count() == 100
    assert District.objects.filter(code="scale").count() == 1
    # the old scale rows and their history went; the totals are those of one scale district
    assert counts() == {**after_first, "SecurityEvent": after_first["SecurityEvent"] + 2}
    assert set(Community.objects.filter(street__district=demo).values_list("pk", flat=True)) == (
        demo_communities
    )
    assert Community.history.filter(id__in=demo_communities).count() == demo_history
    # the demo accounts' grants survive
    assert communities_for_user(User.objects.get(username="street1")).exists()


def test_seed_scale_refuses_zero_communities() -> None:
    with pytest.raises(CommandError):
        seed_scale(0)


# --- the demo campaign ----------------------------------------------------------------------------


def test_seed_demo_runs_a_campaign_under_the_default_rule_set() -> None:
    from django.db.models import Count, Q
    from django.utils import timezone

    from election.models import (
        Campaign,
        CampaignSnapshot,
        LeaderAssignment,
        PlanStep,
        PublicNotice,
        RuleSet,
        StreetStageRollup,
        SurveyLedger,
    )

    default = RuleSet.objects.filter(is_default=True).order_by("code", "-version").first()
    assert default is not None, "the default rule set ships as data (election migration 0002)"
    seed_demo()
    today = timezone.localdate()

    campaign = Campaign.objects.get(district__code="demo")
    assert campaign.status == Campaign.Status.RUNNING
    assert campaign.rule_set == default
    # elections from 2026 run under the 2025 amendments
    assert (default.code, default.version) == ("national-2026", 1)
    assert campaign.plans.count() == Community.objects.filter(street__district__code="demo").count()
    assert (today - campaign.starts_on).days == 45
    assert (campaign.election_on - today).days == 25
    # some communities voted already, some vote later
    assert campaign.plans.filter(election_on__lt=today).exists()
    assert campaign.plans.filter(election_on__gt=campaign.election_on).exists()
    steps = PlanStep.objects.filter(plan__campaign=campaign).aggregate(
        past=Count("pk", filter=Q(due_on__lt=today)),
        done=Count("pk", filter=Q(status="done")),
        red=Count("pk", filter=Q(is_red=True)),
        overdue=Count("pk", filter=Q(due_on__lt=today) & ~Q(status="done")),
    )
    assert steps["done"] > 0.8 * steps["past"]
    assert 0 < steps["overdue"] < 0.2 * steps["past"]
    assert 2 <= steps["red"] <= 6
    assert not PlanStep.objects.filter(status="done", done_on__gt=today).exists()
    assert PublicNotice.objects.filter(step__plan__campaign=campaign).exists()
    assert not SurveyLedger.objects.filter(plan__campaign=campaign, forums_held=0).exists()
    assert campaign.plans.filter(planned_one_shoulder=True).exists()
    # 30 days of the overdue chart, and the dashboard's street counts
    assert CampaignSnapshot.objects.filter(campaign=campaign).count() == 30
    assert StreetStageRollup.objects.filter(campaign=campaign).exists()
    leader = LeaderAssignment.objects.get(user__username="leader1")
    # the leader is assigned to the community the leader is granted
    grants = json.loads(DATA_PATH.read_text(encoding="utf-8"))["grants"]
    scope = next(g["scope"] for g in grants if g["username"] == "leader1")
    assert scope == f"community:{leader.community.name}"
    assert leader.visits.count() == 2
    assert LeaderAssignment.objects.filter(kind=LeaderAssignment.Kind.CADRE).count() >= 2


def test_seed_demo_twice_leaves_the_campaign_as_it_was() -> None:
    from election.models import CampaignSnapshot, PlanStep, StreetStageRollup

    seed_demo()
    before = (
        counts(),
        CampaignSnapshot.objects.count(),
        StreetStageRollup.objects.count(),
        list(PlanStep.objects.order_by("pk").values_list("status", "done_on", "is_red")),
    )

    seed_demo()

    after = (
        counts(),
        CampaignSnapshot.objects.count(),
        StreetStageRollup.objects.count(),
        list(PlanStep.objects.order_by("pk").values_list("status", "done_on", "is_red")),
    )
    assert after == before


def test_seed_demo_without_a_default_rule_set_skips_the_campaign() -> None:
    from election.models import Campaign, RuleSet

    RuleSet.objects.filter(is_default=True).update(is_default=False)

    output = seed_demo()

    assert not Campaign.objects.exists()
    assert Community.objects.filter(street__district__code="demo").count() >= 60
    assert output == seed_demo()


def test_seed_demo_history_of_the_campaign_carries_the_admin() -> None:
    from election.models import CommunityPlan, PlanStep, SurveyLedger

    seed_demo()
    admin = User.objects.get(username="admin")
    for model in (CommunityPlan, PlanStep, SurveyLedger):
        # "recomputed" rows are the rule engine's own (plan_refresh), written without a user
        rows = model.history.exclude(history_change_reason="recomputed")
        assert set(rows.values_list("history_user", flat=True)) == {admin.pk}, model.__name__


def _schema_of(tables: list[str]) -> set[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables]
        )
        indexes = set(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) OR confrelid::regclass::text = ANY(%s)",
            [tables, tables],
        )
        return indexes | set(cursor.fetchall())


def test_seed_scale_loads_without_indexes_and_leaves_every_one_as_it_was(
    requires_postgres: None,
) -> None:
    from election.models import PlanStage, PlanStep

    tables = [
        PlanStep._meta.db_table,
        PlanStep.history.model._meta.db_table,
        PlanStage._meta.db_table,
        PlanStage.history.model._meta.db_table,
    ]
    before = _schema_of(tables)
    assert len(before) > 20  # indexes, foreign keys, unique and check constraints

    seed_scale(100)
    seed_scale(100)

    assert _schema_of(tables) == before
    assert PlanStep.objects.filter(plan__community__street__district__code="scale").exists()

"""The statistics table (domain.md §6): per street and for the district, the Party organisation
and the residents' committee separately, the new term against the previous one; the people behind
each figure; a constant number of queries."""

from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from communities.models import Committee, Community, Street
from election.models import (
    Campaign,
    CommitteeMember,
    CommunityPlan,
    ElectionResult,
    RuleSet,
    StatisticsBand,
)
from election.selectors.statistics import (
    CURRENT,
    PARTY,
    PREVIOUS,
    RESIDENTS,
    statistics_people,
    statistics_table,
    statistics_table_cached,
)
from tests.factories import CommunityFactory

from .conftest import PARTY_E, E

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # ids start again in each test's database: a table kept by another test must not be read
    cache.clear()


def plan_for(campaign: Campaign, community: Community) -> CommunityPlan:
    return CommunityPlan.objects.create(
        campaign=campaign, community=community, election_on=E, party_election_on=PARTY_E
    )


def member(committee: Committee, **fields: Any) -> CommitteeMember:
    values: dict[str, Any] = {
        "name": "张三",
        "gender": "m",
        "birth_date": date(1980, 5, 1),
        "education": 4,
        "party_member": True,
        "ethnicity": "汉族",
        "post": "member",
    }
    values.update(fields)
    return CommitteeMember.objects.create(committee=committee, **values)


def committees(community: Community) -> tuple[Committee, Committee]:
    party = community.committees.get(kind="party")
    residents = community.committees.get(kind="residents")
    return party, residents


def populate(campaign: Campaign, community: Community, *, prefix: str = "") -> None:
    """A formed new term and its previous term in `community`.

    New term: Party 书记 王芳 (woman, born 1990-12-25: 35 on E, college) who is also the
    residents' 主任 (一肩挑, 交叉任职 on both); Party member 李四 (60 on E, 回族, re-elected);
    residents' member 赵六. Previous term (replaced by the campaign): Party 书记 孙七, residents'
    主任 周八 (different people), one member still in office without an end."""
    party, residents = committees(community)
    new = {"elected_in": campaign, "started_on": E}
    member(
        party,
        name=prefix + "王芳",
        gender="f",
        birth_date=date(1990, 12, 25),
        post="secretary",
        **new,
    )
    member(
        residents,
        name=prefix + "王芳",
        gender="f",
        birth_date=date(1990, 12, 25),
        post="director",
        **new,
    )
    member(
        party,
        name=prefix + "李四",
        birth_date=date(1966, 12, 20),
        ethnicity="回族",
        is_first_time=False,
        education=2,
        **new,
    )
    member(
        residents,
        name=prefix + "赵六",
        birth_date=date(1966, 12, 21),
        party_member=False,
        education=6,
        **new,
    )
    old = {"ended_in": campaign, "ended_on": E}
    member(party, name=prefix + "孙七", post="secretary", **old)
    member(residents, name=prefix + "周八", post="director", **old)
    member(residents, name=prefix + "吴九", gender="f")  # still in office, no end yet


@pytest.fixture
def stats_campaign(
    campaign: Campaign, community: Community, other_community: Community
) -> Campaign:
    plan_for(campaign, community)
    plan_for(campaign, other_community)
    populate(campaign, community)
    ElectionResult.objects.create(
        plan=campaign.plans.get(community=community),
        body="residents",
        held_on=E,
        registered_voters=1000,
        ballots_issued=900,
        ballots_returned=800,
        valid_ballots=790,
        invalid_ballots=10,
        seats_to_fill=5,
        is_valid=True,
        seats_filled=5,
    )
    ElectionResult.objects.create(
        plan=campaign.plans.get(community=other_community),
        body="residents",
        held_on=E,
        registered_voters=1000,
        ballots_issued=500,
        ballots_returned=400,
        valid_ballots=400,
        invalid_ballots=0,
        seats_to_fill=5,
        is_valid=False,
        seats_filled=0,
    )
    return campaign


def test_new_term_figures(stats_campaign: Campaign, street: Street) -> None:
    table = statistics_table(campaign=stats_campaign)
    assert [row.name for row in table.rows] == ["First Street", "Second Street"]
    party = table.total.get(PARTY, CURRENT)
    assert (party.due, party.done, party.done_pct) == (2, 1, 50.0)
    assert (party.members, party.heads, party.women, party.women_heads) == (2, 1, 1, 1)
    assert (party.one_shoulder, party.one_shoulder_pct) == (1, 100.0)
    assert (party.cross, party.cross_pct) == (1, 50.0)
    assert (party.minorities, party.first_time, party.re_elected) == (1, 1, 1)
    # 王芳 is 35 on election day, 李四 turned 60 on it
    assert party.age_bands == [1, 1]  # 35 and under, 60 and over
    assert party.average_age == 47.5
    assert party.education_bands == [1, 1, 0]  # high school+, college+, bachelor+
    residents = table.total.get(RESIDENTS, CURRENT)
    assert (residents.members, residents.heads, residents.party_members) == (2, 1, 1)
    # 赵六 is one day short of 60
    assert residents.age_bands == [1, 0]
    assert residents.education_bands == [2, 2, 1]
    assert (residents.first_rounds, residents.first_round_success) == (2, 1)
    assert residents.turnout_pct == 60.0


def test_previous_term_figures(stats_campaign: Campaign) -> None:
    table = statistics_table(campaign=stats_campaign)
    party = table.total.get(PARTY, PREVIOUS)
    residents = table.total.get(RESIDENTS, PREVIOUS)
    assert (party.members, party.heads, party.one_shoulder, party.cross) == (1, 1, 0, 0)
    assert (residents.members, residents.women, residents.done) == (2, 1, 1)
    assert residents.first_rounds == 0


def test_street_scope(stats_campaign: Campaign, street: Street, other_street: Street) -> None:
    table = statistics_table(campaign=stats_campaign, street=other_street)
    assert [row.name for row in table.rows] == ["Second Street"]
    assert table.total.get(PARTY, CURRENT).members == 0
    assert table.total.get(RESIDENTS, CURRENT).first_rounds == 1
    mine = statistics_table(campaign=stats_campaign, street=street.pk)
    assert mine.total.get(PARTY, CURRENT).members == 2


def test_bands_are_the_rule_sets_data(stats_campaign: Campaign) -> None:
    StatisticsBand.objects.create(
        rule_set=stats_campaign.rule_set, kind="age", order=1, label="40岁及以下", max_value=40
    )
    table = statistics_table(campaign=stats_campaign)
    assert [b.label for b in table.age_bands] == ["40岁及以下"]
    assert table.education_bands == []
    assert table.total.get(PARTY, CURRENT).age_bands == [1]


def test_people_behind_a_figure(stats_campaign: Campaign, other_street: Street) -> None:
    people = statistics_people(
        campaign=stats_campaign, figure="one_shoulder", body=PARTY, term=CURRENT
    )
    assert [m.name for m in people.rows] == ["王芳"]
    women = statistics_people(
        campaign=stats_campaign, figure="women", body=RESIDENTS, term=PREVIOUS
    )
    assert [m.name for m in women.rows] == ["吴九"]
    plans = statistics_people(
        campaign=stats_campaign, figure="first_round", body=RESIDENTS, term=CURRENT
    )
    assert [p.community.name for p in plans.rows] == ["Riverside"]
    scoped = statistics_people(
        campaign=stats_campaign, figure="members", body=PARTY, term=CURRENT, street=other_street
    )
    assert list(scoped.rows) == []


def test_constant_queries(campaign: Campaign, street: Street) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            statistics_table(campaign=campaign)
        return len(ctx.captured_queries)

    for i in range(2):
        community = CommunityFactory(street=street)
        plan_for(campaign, community)
        populate(campaign, community, prefix=str(i))
    small = count()
    for i in range(2, 10):
        community = CommunityFactory(street=street)
        plan_for(campaign, community)
        populate(campaign, community, prefix=str(i))
    assert count() == small <= 15
    table = statistics_table(campaign=campaign)
    assert table.total.get(PARTY, CURRENT).members == 20


# --- the pages ------------------------------------------------------------------------------------


def test_page_for_the_office(stats_campaign: Campaign, as_user: Any, office: Any) -> None:
    response = as_user(office).get(f"/election/campaigns/{stats_campaign.pk}/statistics/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "First Street" in page and "Second Street" in page
    people = f"/election/campaigns/{stats_campaign.pk}/statistics/people/?figure=one_shoulder"
    assert people in page.replace("&amp;", "&")
    assert "vendor/echarts/echarts.min.js" in page


def test_street_official_reads_its_street_only(
    stats_campaign: Campaign, as_user: Any, street_official: Any, other_street: Street
) -> None:
    client = as_user(street_official)
    url = f"/election/campaigns/{stats_campaign.pk}/statistics/"
    page = client.get(url).content.decode()
    assert "First Street" in page and "Second Street" not in page
    # another street, by the filter or in a drill-down, is a 404
    assert client.get(url, {"street": other_street.pk}).status_code == 404
    people = url + "people/"
    query = {"figure": "members", "body": "party", "term": "current", "street": other_street.pk}
    assert client.get(people, query).status_code == 404
    export = client.get(f"/election/campaigns/{stats_campaign.pk}/statistics.xlsx")
    assert export.status_code == 200


def test_leader_and_member_unit_get_404(
    stats_campaign: Campaign, as_user: Any, leader: Any, member_unit_user: Any
) -> None:
    for user in (leader, member_unit_user):
        client = as_user(user)
        assert client.get(f"/election/campaigns/{stats_campaign.pk}/statistics/").status_code == 404
        assert (
            client.get(f"/election/campaigns/{stats_campaign.pk}/statistics.xlsx").status_code
            == 404
        )


def test_people_page_never_shows_id_numbers(
    stats_campaign: Campaign, as_user: Any, office: Any
) -> None:
    CommitteeMember.objects.filter(name="王芳").update(id_number="110101199012251234")
    response = as_user(office).get(
        f"/election/campaigns/{stats_campaign.pk}/statistics/people/",
        {"figure": "women", "body": "party", "term": "current"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "王芳" in page and "李四" not in page
    assert "110101" not in page and "1234" not in page
    bad = {"figure": "nonsense", "body": "party", "term": "current"}
    url = f"/election/campaigns/{stats_campaign.pk}/statistics/people/"
    assert as_user(office).get(url, bad).status_code == 404


def test_people_page_of_communities(stats_campaign: Campaign, as_user: Any, office: Any) -> None:
    response = as_user(office).get(
        f"/election/campaigns/{stats_campaign.pk}/statistics/people/",
        {"figure": "due", "body": "residents", "term": "current"},
    )
    page = response.content.decode()
    assert "Riverside" in page and "Hillside" in page


def _page_queries(client: Any, url: str) -> int:
    cache.clear()  # the table counted afresh, not read from the cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_page_queries_do_not_grow(
    campaign: Campaign, as_user: Any, office: Any, street: Street
) -> None:
    client = as_user(office)
    urls = [
        f"/election/campaigns/{campaign.pk}/statistics/",
        f"/election/campaigns/{campaign.pk}/statistics/?body=residents",
        f"/election/campaigns/{campaign.pk}/statistics.xlsx",
        f"/election/campaigns/{campaign.pk}/statistics/people/?figure=women&body=party&term=current",
    ]
    for i in range(2):
        community = CommunityFactory(street=street)
        plan_for(campaign, community)
        populate(campaign, community, prefix=str(i))
    for url in urls:  # the first request of a session fills caches
        _page_queries(client, url)
    small = [_page_queries(client, url) for url in urls]
    for i in range(2, 10):
        community = CommunityFactory(street=CommunityFactory().street)
        plan_for(campaign, community)
        populate(campaign, community, prefix=str(i))
    large = [_page_queries(client, url) for url in urls]
    assert large == small
    assert max(large) <= 15


def test_workbook_like_the_official_table(
    stats_campaign: Campaign, as_user: Any, office: Any
) -> None:
    response = as_user(office).get(f"/election/campaigns/{stats_campaign.pk}/statistics.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    assert len(workbook.sheetnames) == 2
    sheet = workbook.worksheets[0]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # the title over the whole width, the lead headers over the three header rows
    assert f"A1:{get_column_letter(sheet.max_column)}1" in merged
    assert "A3:A5" in merged and "B3:B5" in merged
    # each street's cell spans its two rows, the total's too
    assert {"A6:A7", "A8:A9", "A10:A11"} <= merged
    assert "2026 re-election" in sheet["A1"].value
    assert "Demo District" in sheet["A2"].value
    # 填报日期 on the right of the same row
    today = timezone.localdate().strftime("%Y-%m-%d")
    assert any(today in str(c.value) for c in sheet[2] if c.value)
    assert sheet.freeze_panes == "C6"
    units = [sheet.cell(row=5, column=c).value for c in range(3, sheet.max_column + 1)]
    assert set(units) <= {"人", "个", "%", "岁"} and "%" in units and "人" in units
    # the streets in two rows each (new term, previous term), then the total
    assert [sheet.cell(row=r, column=1).value for r in (6, 8, 10)][:2] == [
        "First Street",
        "Second Street",
    ]
    headers = [sheet.cell(row=4, column=c).value for c in range(1, sheet.max_column + 1)]
    share_done = headers.index(str(_share_done_label())) + 1
    total_new = sheet.cell(row=10, column=share_done)
    assert total_new.value == 0.5 and total_new.number_format == "0.0%"
    count_cell = sheet.cell(row=10, column=3)
    assert count_cell.value == 2 and count_cell.number_format == "#,##0"
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not any("110101" in v for v in values)


def _share_done_label() -> str:
    from django.utils.translation import gettext

    return gettext("share done")


def test_menu_opens_the_newest_campaign(
    stats_campaign: Campaign, as_user: Any, office: Any, street_official: Any, leader: Any
) -> None:
    for user in (office, street_official):
        client = as_user(user)
        home = client.get("/").content.decode()
        assert 'href="/election/statistics/"' in home
        response = client.get("/election/statistics/")
        assert response.status_code == 302
        assert response["Location"] == f"/election/campaigns/{stats_campaign.pk}/statistics/"
    assert 'href="/election/statistics/"' not in as_user(leader).get("/").content.decode()


def test_menu_without_a_campaign(as_user: Any, office: Any, leader: Any) -> None:
    response = as_user(office).get("/election/statistics/")
    assert response.status_code == 200
    assert as_user(leader).get("/election/statistics/").status_code == 404


def test_bands_in_the_rule_set_admin(
    stats_campaign: Campaign, as_user: Any, admin_user: Any
) -> None:
    StatisticsBand.objects.create(
        rule_set=stats_campaign.rule_set, kind="age", order=1, label="40岁及以下", max_value=40
    )
    page = (
        as_user(admin_user)
        .get(f"/admin/election/ruleset/{stats_campaign.rule_set_id}/change/")
        .content.decode()
    )
    assert "40岁及以下" in page


@pytest.mark.django_db(transaction=True)
def test_seed_scale_gives_the_statistics_members() -> None:
    from io import StringIO

    from django.core.management import call_command

    from communities.models import District
    from election.rulesets import shipped_files
    from election.services.rulesets import ruleset_reload_shipped

    # the shipped rule sets come from migrations; a transactional test before this one may have
    # flushed them (seed_scale's campaign needs the default one)
    if not RuleSet.objects.filter(is_default=True).exists():
        ruleset_reload_shipped(shipped_files())
    call_command("seed_scale", communities=60, stdout=StringIO())
    campaign = Campaign.objects.get(district=District.objects.get(code="scale"))
    table = statistics_table(campaign=campaign)
    previous = table.total.get(PARTY, PREVIOUS)
    current = table.total.get(RESIDENTS, CURRENT)
    # every community has its previous term; those that voted, their new term and first rounds
    assert previous.done == previous.due == 60
    assert 0 < current.done < 60 and current.first_rounds == current.done
    assert 0 < previous.one_shoulder < 60 and previous.cross > 0
    assert (
        CommitteeMember.objects.filter(
            committee__community__street__district=campaign.district
        ).count()
        >= 7 * 60
    )


def test_the_cached_table_follows_every_change(
    stats_campaign: Campaign, as_user: Any, office: Any, community: Community
) -> None:
    client = as_user(office)
    url = f"/election/campaigns/{stats_campaign.pk}/statistics/"
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url + "?body=residents")
    cache_hit = len(warm.captured_queries)
    party, _residents = committees(community)
    # a new member elected in the campaign: the next page counts it
    member(party, name="钱十", gender="f", elected_in=stats_campaign)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    assert len(ctx.captured_queries) > cache_hit
    table = statistics_table_cached(campaign=stats_campaign)
    assert table.total.get(PARTY, CURRENT).members == 3
    assert table.total.get(PARTY, CURRENT).women == 2
    assert "钱十" not in page  # counts only
    # and a changed band
    StatisticsBand.objects.create(
        rule_set=stats_campaign.rule_set, kind="age", order=1, label="40岁及以下", max_value=40
    )
    assert [b.label for b in statistics_table_cached(campaign=stats_campaign).age_bands] == [
        "40岁及以下"
    ]

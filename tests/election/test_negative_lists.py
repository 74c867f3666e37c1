"""Negative lists as versioned data: the shipped versions, cloning, a campaign's chosen version,
and the office's read pages."""

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from election.models import Campaign, NegativeCriterion, NegativeList
from election.negative_lists import shipped_files
from election.services.negative_lists import negative_list_clone, negative_list_load_file
from tests.election.conftest import PARTY_E, START, E
from tests.factories import MemberUnitFactory

Tier = NegativeCriterion.Tier
CLASSIC = "ten-unsuitable"
SIX_SIX = "six-six"


def _list(code: str, version: int = 1) -> NegativeList:
    return NegativeList.objects.get(code=code, version=version)


def _tiers(negative_list: NegativeList) -> tuple[int, int]:
    criteria = negative_list.criteria.all()
    return (
        criteria.filter(tier=Tier.CANNOT).count(),
        criteria.filter(tier=Tier.UNSUITABLE).count(),
    )


@pytest.mark.django_db
def test_the_classic_ten_unsuitable_list_is_shipped_with_its_look_back_periods() -> None:
    classic = _list(CLASSIC)
    assert classic.name == "十类不宜"
    # a criminal sentence and gang activity bar a candidate; the other eight make one unsuitable
    assert _tiers(classic) == (2, 8)
    first = classic.criteria.get(order=1)
    assert (first.tier, first.lookback_years, first.unit_code) == (Tier.CANNOT, 5, "court")
    assert [c.order for c in classic.criteria.order_by("order")] == list(range(1, 11))


@pytest.mark.django_db
def test_the_newer_list_has_six_cannot_and_six_unsuitable_criteria() -> None:
    six_six = _list(SIX_SIX)
    assert _tiers(six_six) == (6, 6)
    cannot = " ".join(six_six.criteria.filter(tier=Tier.CANNOT).values_list("text", flat=True))
    assert "村霸" in cannot
    assert "邪教" in cannot
    detention = six_six.criteria.get(text__contains="行政拘留")
    assert (detention.tier, detention.lookback_years) == (Tier.UNSUITABLE, 5)


@pytest.mark.django_db
def test_loading_a_shipped_file_again_changes_nothing() -> None:
    before = NegativeCriterion.objects.count()
    for path in shipped_files():
        negative_list_load_file(path)
    assert NegativeList.objects.count() == 2
    assert NegativeCriterion.objects.count() == before == 22


@pytest.mark.django_db
def test_clone_copies_every_criterion_into_a_new_version_and_records_history(
    office: Any,
) -> None:
    source = _list(SIX_SIX)
    clone = negative_list_clone(negative_list=source, by=office)
    assert (clone.code, clone.version, clone.name) == (SIX_SIX, 2, source.name)
    fields = ("order", "text", "tier", "lookback_years", "unit_code")
    assert list(clone.criteria.order_by("order").values_list(*fields)) == list(
        source.criteria.order_by("order").values_list(*fields)
    )
    # the source keeps its own rows: the copies are new rows of the new version
    assert source.criteria.count() == 12
    assert clone.history.get().history_user == office
    copied = NegativeCriterion.history.filter(
        negative_list_id=clone.pk, history_change_reason="negative list cloned"
    )
    assert copied.filter(history_user=office).count() == 12
    # a second clone makes a third version
    assert negative_list_clone(negative_list=source, by=office).version == 3


@pytest.mark.django_db
def test_a_campaign_keeps_its_chosen_version(
    district: Any, small_rules: Any, office: Any, as_user: Any
) -> None:
    chosen = _list(SIX_SIX)
    response = as_user(office).post(
        reverse("election:campaign-create"),
        {
            "rule_set": small_rules.pk,
            "negative_list": chosen.pk,
            "name": "2026 换届",
            "starts_on": START.isoformat(),
            "party_election_on": PARTY_E.isoformat(),
            "election_on": E.isoformat(),
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="2026 换届")
    assert campaign.negative_list == chosen
    # a newer version, with an edited criterion, does not change what the campaign vets against
    clone = negative_list_clone(negative_list=chosen, by=office)
    criterion = clone.criteria.get(order=7)
    criterion.lookback_years = 3
    criterion.save(update_fields=["lookback_years"])
    campaign.refresh_from_db()
    assert campaign.negative_list_id == chosen.pk
    assert chosen.criteria.get(order=7).lookback_years == 5
    page = as_user(office).get(reverse("election:campaign-detail", args=[campaign.pk]))
    assert reverse("election:negative-list-detail", args=[chosen.pk]) in page.content.decode()
    # a version a campaign uses cannot be deleted
    with pytest.raises(ProtectedError):
        chosen.delete()


@pytest.mark.django_db
def test_the_office_picks_a_list_when_editing_a_campaign(
    campaign: Campaign, office: Any, as_user: Any
) -> None:
    classic = _list(CLASSIC)
    response = as_user(office).post(
        reverse("election:campaign-edit", args=[campaign.pk]),
        {
            "rule_set": campaign.rule_set_id,
            "negative_list": classic.pk,
            "name": campaign.name,
            "starts_on": campaign.starts_on.isoformat(),
            "party_election_on": campaign.party_election_on.isoformat(),
            "election_on": (campaign.election_on + timedelta(days=0)).isoformat(),
            "reason": "vetting list chosen",
        },
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.negative_list == classic
    last = campaign.history.first()
    assert (last.history_user, last.negative_list_id) == (office, classic.pk)


@pytest.mark.django_db
def test_the_read_page_shows_each_criterion_with_its_tier_in_chinese(
    office: Any, as_user: Any
) -> None:
    MemberUnitFactory(code="police", name="公安局")
    six_six = _list(SIX_SIX)
    response = as_user(office).get(reverse("election:negative-list-detail", args=[six_six.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(">不能</span>") == 6
    assert html.count(">不宜</span>") == 6
    assert "5 年" in html
    assert "不限" in html
    # the checking unit by its name where the unit exists, else by its code
    assert "公安局" in html
    assert "court" in html
    assert "村霸" in html


@pytest.mark.django_db
def test_the_list_page_counts_each_versions_tiers_in_a_constant_number_of_queries(
    office: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    client = as_user(office)
    url = reverse("election:negative-list-list")
    client.get(url)  # warm the session and the translations
    with django_assert_max_num_queries(12) as few:
        response = client.get(url)
    html = response.content.decode()
    assert "十类不宜" in html and "六不能六不宜" in html
    for _ in range(5):
        negative_list_clone(negative_list=_list(SIX_SIX), by=office)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("六不能六不宜") >= 6


@pytest.mark.django_db
def test_the_office_clones_from_the_page_and_lands_on_the_new_version(
    office: Any, as_user: Any
) -> None:
    classic = _list(CLASSIC)
    response = as_user(office).post(reverse("election:negative-list-clone", args=[classic.pk]))
    clone = _list(CLASSIC, 2)
    assert response.status_code == 302
    assert response["Location"] == reverse("election:negative-list-detail", args=[clone.pk])
    assert _tiers(clone) == (2, 8)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["street_official", "outsider", "leader", "member_unit_user", "discipline"]
)
def test_users_who_do_not_run_the_district_get_404_and_clone_nothing(
    role: str, request: Any, as_user: Any
) -> None:
    client = as_user(request.getfixturevalue(role))
    six_six = _list(SIX_SIX)
    assert client.get(reverse("election:negative-list-list")).status_code == 404
    detail = reverse("election:negative-list-detail", args=[six_six.pk])
    assert client.get(detail).status_code == 404
    clone = reverse("election:negative-list-clone", args=[six_six.pk])
    assert client.post(clone).status_code == 404
    assert not NegativeList.objects.filter(code=SIX_SIX, version=2).exists()


@pytest.mark.django_db
def test_a_list_that_does_not_exist_is_404_for_the_office(office: Any, as_user: Any) -> None:
    missing = reverse("election:negative-list-detail", args=[NegativeList.objects.count() + 99])
    assert as_user(office).get(missing).status_code == 404

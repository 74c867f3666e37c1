"""Editing a negative list's criteria in the product (change, add, delete, reorder), the lock once a
campaign using the list has started its joint review, and a campaign's list fixed from then on."""

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from election.models import (
    Campaign,
    Candidate,
    CommunityPlan,
    CriterionAnswer,
    NegativeCriterion,
    NegativeList,
    UnitReview,
)
from election.services.campaigns import CampaignError, campaign_update
from election.services.negative_lists import (
    ConflictError,
    NegativeListError,
    criterion_fingerprint,
    negative_criterion_add,
    negative_criterion_delete,
    negative_criterion_move,
    negative_criterion_update,
    negative_list_clone,
    negative_list_is_locked,
)
from tests.factories import MemberUnitFactory

Tier = NegativeCriterion.Tier
SIX_SIX = "six-six"
CLASSIC = "ten-unsuitable"
OTHER_ROLES = [
    "street_official",
    "outsider",
    "leader",
    "member_unit_user",
    "discipline",
    "supervisor",
]


def _list(code: str = SIX_SIX, version: int = 1) -> NegativeList:
    return NegativeList.objects.get(code=code, version=version)


def _criterion(order: int, code: str = SIX_SIX) -> NegativeCriterion:
    return NegativeCriterion.objects.get(negative_list=_list(code), order=order)


def _rows(negative_list: NegativeList) -> list[tuple[int, str]]:
    return list(negative_list.criteria.order_by("order").values_list("order", "text"))


def _send_to_review(campaign: Campaign, unit_code: str = "police") -> UnitReview:
    """One candidate of the campaign's first plan sent to one member unit: the joint review has
    started."""
    plan = CommunityPlan.objects.filter(campaign=campaign).order_by("pk").first()
    assert plan is not None
    candidate = Candidate.objects.create(
        plan=plan,
        body="residents",
        name="张三",
        gender="m",
        birth_date=date(1980, 5, 1),
        education=4,
        status=Candidate.Status.UNDER_REVIEW,
    )
    unit = MemberUnitFactory(code=unit_code, name="公安局")
    return UnitReview.objects.create(
        candidate=candidate, unit=unit, sent_on=date(2026, 11, 10), due_on=date(2026, 11, 17)
    )


@pytest.fixture
def reviewing(running_campaign: Campaign) -> Campaign:
    """A running campaign that vets against the six/six list and has sent a nominee to review."""
    running_campaign.negative_list = _list()
    running_campaign.save(update_fields=["negative_list"])
    _send_to_review(running_campaign)
    return running_campaign


@pytest.fixture
def police(db: None) -> Any:
    return MemberUnitFactory(code="police", name="公安局")


# --- the service -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_editing_a_criterion_changes_it_and_records_who_and_why(office: Any, police: Any) -> None:
    criterion = _criterion(8)
    data = {"text": "受到行政拘留未满三年的", "tier": Tier.CANNOT, "lookback_years": 3}
    negative_criterion_update(
        criterion=criterion, data={**data, "unit_code": "police"}, by=office, reason="市里新文件"
    )
    criterion.refresh_from_db()
    assert (criterion.text, criterion.tier, criterion.lookback_years, criterion.unit_code) == (
        "受到行政拘留未满三年的",
        Tier.CANNOT,
        3,
        "police",
    )
    last = criterion.history.first()
    assert (last.history_user, last.history_change_reason) == (office, "市里新文件")
    # the same data again saves nothing
    recorded = criterion.history.count()
    negative_criterion_update(criterion=criterion, data=data, by=office)
    assert criterion.history.count() == recorded


@pytest.mark.django_db
def test_a_criterion_edited_without_a_reason_says_what_happened(office: Any) -> None:
    criterion = _criterion(1)
    negative_criterion_update(criterion=criterion, data={"lookback_years": 10}, by=office)
    assert criterion.history.first().history_change_reason == "negative criterion edited"


@pytest.mark.django_db
def test_the_checking_unit_must_exist_but_a_shipped_code_may_stay(office: Any) -> None:
    classic_first = _criterion(1, CLASSIC)
    assert classic_first.unit_code == "court"  # no member unit "court" exists here
    # the text changes, the unknown unit the shipped list names stays
    negative_criterion_update(criterion=classic_first, data={"text": "新的表述"}, by=office)
    classic_first.refresh_from_db()
    assert (classic_first.text, classic_first.unit_code) == ("新的表述", "court")
    # but a newly chosen code must be a member unit's
    with translation.override("zh-hans"), pytest.raises(NegativeListError) as e:
        negative_criterion_update(criterion=classic_first, data={"unit_code": "nobody"}, by=office)
    assert "请选择负责审查该条目的成员单位" in str(e.value)
    classic_first.refresh_from_db()
    assert classic_first.unit_code == "court"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "请填写条目内容"),
        ({"tier": "maybe"}, "不能”还是“不宜"),
        ({"lookback_years": 0}, "追溯期限"),
        ({"lookback_years": 100}, "追溯期限"),
    ],
)
def test_a_criterion_refuses_bad_values_in_chinese(
    office: Any, data: dict[str, Any], message: str
) -> None:
    criterion = _criterion(2)
    before = _rows(_list())
    with translation.override("zh-hans"), pytest.raises(NegativeListError) as e:
        negative_criterion_update(criterion=criterion, data=data, by=office)
    assert message in str(e.value)
    assert _rows(_list()) == before


@pytest.mark.django_db
def test_a_stale_form_is_refused_as_a_conflict(office: Any) -> None:
    criterion = _criterion(3)
    seen = criterion_fingerprint(criterion)
    negative_criterion_update(criterion=criterion, data={"lookback_years": 2}, by=office)
    with translation.override("zh-hans"), pytest.raises(ConflictError) as e:
        negative_criterion_update(
            criterion=criterion, data={"lookback_years": 7}, by=office, fingerprint=seen
        )
    assert "其他人已保存" in str(e.value)
    criterion.refresh_from_db()
    assert criterion.lookback_years == 2
    # with the fresh digest the save goes through
    fresh = criterion_fingerprint(criterion)
    negative_criterion_update(
        criterion=criterion, data={"lookback_years": 7}, by=office, fingerprint=fresh
    )
    criterion.refresh_from_db()
    assert criterion.lookback_years == 7


@pytest.mark.django_db
def test_adding_puts_the_criterion_last_and_twice_adds_two(office: Any, police: Any) -> None:
    six_six = _list()
    data = {"text": "参与非法集资的", "tier": Tier.UNSUITABLE, "lookback_years": None}
    added = negative_criterion_add(
        negative_list=six_six, data={**data, "unit_code": "police"}, by=office
    )
    assert added.order == 13
    assert added.history.get().history_change_reason == "negative criterion added"
    again = negative_criterion_add(
        negative_list=six_six, data={**data, "unit_code": "police"}, by=office
    )
    assert again.order == 14
    assert six_six.criteria.count() == 14


@pytest.mark.django_db
def test_deleting_moves_the_later_criteria_up_and_keeps_the_history(office: Any) -> None:
    six_six = _list()
    before = _rows(six_six)
    doomed = _criterion(4)
    negative_criterion_delete(criterion=doomed, by=office, reason="已并入第3条")
    after = _rows(six_six)
    # 1 to 3 as they were, then what was 5 to 12 as 4 to 11
    assert after == [(o, t) for o, t in before[:3]] + [(o - 1, t) for o, t in before[4:]]
    deleted = NegativeCriterion.history.filter(id=doomed.pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (office, "已并入第3条")
    # a second delete of the same criterion is refused, not a server error
    with pytest.raises(NegativeListError):
        negative_criterion_delete(criterion=doomed, by=office)


@pytest.mark.django_db
def test_moving_swaps_with_the_neighbour_and_stops_at_the_ends(office: Any) -> None:
    six_six = _list()
    first, second = _criterion(1).text, _criterion(2).text
    negative_criterion_move(criterion=_criterion(2), up=True, by=office)
    assert _rows(six_six)[:2] == [(1, second), (2, first)]
    # the first one cannot go higher, the last one cannot go lower
    before = _rows(six_six)
    negative_criterion_move(criterion=_criterion(1), up=True, by=office)
    negative_criterion_move(criterion=_criterion(12), up=False, by=office)
    assert _rows(six_six) == before
    negative_criterion_move(criterion=_criterion(1), up=False, by=office)
    assert _rows(six_six)[:2] == [(1, first), (2, second)]


# --- the lock ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_list_is_locked_only_once_a_campaign_using_it_has_sent_someone_to_review(
    running_campaign: Campaign, office: Any
) -> None:
    six_six = _list()
    running_campaign.negative_list = six_six
    running_campaign.save(update_fields=["negative_list"])
    # chosen by a running campaign, but nobody sent to review yet: still editable
    assert not negative_list_is_locked(six_six)
    _send_to_review(running_campaign)
    assert negative_list_is_locked(six_six)
    # another list, and a clone of the locked one, stay editable
    assert not negative_list_is_locked(_list(CLASSIC))
    clone = negative_list_clone(negative_list=six_six, by=office)
    assert not negative_list_is_locked(clone)


@pytest.mark.django_db
def test_a_review_in_a_campaign_using_another_list_does_not_lock_this_one(
    running_campaign: Campaign,
) -> None:
    running_campaign.negative_list = _list(CLASSIC)
    running_campaign.save(update_fields=["negative_list"])
    _send_to_review(running_campaign)
    assert negative_list_is_locked(_list(CLASSIC))
    assert not negative_list_is_locked(_list())


@pytest.mark.django_db
def test_every_edit_of_a_locked_list_is_refused_in_chinese_and_changes_nothing(
    reviewing: Campaign, office: Any
) -> None:
    six_six = _list()
    before = _rows(six_six)
    history_before = NegativeCriterion.history.count()
    attempts = [
        lambda: negative_criterion_update(criterion=_criterion(1), data={"text": "改"}, by=office),
        lambda: negative_criterion_add(
            negative_list=six_six,
            data={"text": "新", "tier": Tier.CANNOT, "unit_code": "police"},
            by=office,
        ),
        lambda: negative_criterion_delete(criterion=_criterion(12), by=office),
        lambda: negative_criterion_move(criterion=_criterion(2), up=True, by=office),
    ]
    for attempt in attempts:
        with translation.override("zh-hans"), pytest.raises(NegativeListError) as e:
            attempt()
        assert "已开始联审" in str(e.value)
        assert "复制为新版本" in str(e.value)
    assert _rows(six_six) == before
    assert NegativeCriterion.history.count() == history_before


# --- the pages ---------------------------------------------------------------------------------


def _form(criterion: NegativeCriterion, **changes: Any) -> dict[str, Any]:
    data = {
        "text": criterion.text,
        "tier": criterion.tier,
        "lookback_years": criterion.lookback_years or "",
        "unit_code": criterion.unit_code,
        "reason": "",
        "fingerprint": criterion_fingerprint(criterion),
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_office_edits_a_criterion_on_its_page(office: Any, as_user: Any, police: Any) -> None:
    criterion = _criterion(5)
    url = reverse("election:negative-criterion-edit", args=[criterion.pk])
    page = as_user(office).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "第 5 条" in html and "公安局" in html and "审查单位" in html
    response = as_user(office).post(
        url, _form(criterion, tier=Tier.UNSUITABLE, unit_code="police", reason="降为不宜")
    )
    assert response.status_code == 302
    detail = reverse("election:negative-list-detail", args=[criterion.negative_list_id])
    assert response["Location"] == f"{detail}#criterion-{criterion.pk}"
    criterion.refresh_from_db()
    assert (criterion.tier, criterion.unit_code) == (Tier.UNSUITABLE, "police")
    assert criterion.history.first().history_change_reason == "降为不宜"


@pytest.mark.django_db
def test_a_stale_page_shows_the_conflict_and_the_saved_values(office: Any, as_user: Any) -> None:
    criterion = _criterion(6)
    stale = _form(criterion, lookback_years=9)
    negative_criterion_update(criterion=criterion, data={"lookback_years": 4}, by=office)
    url = reverse("election:negative-criterion-edit", args=[criterion.pk])
    response = as_user(office).post(url, stale)
    assert response.status_code == 200
    assert "其他人已保存" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.lookback_years == 4


@pytest.mark.django_db
def test_the_office_adds_a_criterion_on_its_page(office: Any, as_user: Any, police: Any) -> None:
    six_six = _list()
    url = reverse("election:negative-criterion-add", args=[six_six.pk])
    assert "新增条目" in as_user(office).get(url).content.decode()
    response = as_user(office).post(
        url, {"text": "拒不履行承诺的", "tier": Tier.UNSUITABLE, "unit_code": "police"}
    )
    assert response.status_code == 302
    added = six_six.criteria.get(order=13)
    assert (added.text, added.lookback_years) == ("拒不履行承诺的", None)


@pytest.mark.django_db
def test_the_office_deletes_and_moves_criteria_from_the_pages(office: Any, as_user: Any) -> None:
    six_six = _list()
    client = as_user(office)
    second = _criterion(2)
    move = reverse("election:negative-criterion-move", args=[second.pk])
    response = client.post(move, {"direction": "up"})
    assert response.status_code == 302
    assert _criterion(1).pk == second.pk
    # a direction that is neither up nor down moves nothing
    client.post(move, {"direction": "x"})
    assert _criterion(1).pk == second.pk
    response = client.post(
        reverse("election:negative-criterion-delete", args=[second.pk]), {"reason": "重复"}
    )
    assert response.status_code == 302
    assert six_six.criteria.count() == 11
    assert not NegativeCriterion.objects.filter(pk=second.pk).exists()


@pytest.mark.django_db
def test_the_list_page_links_every_criterion_to_its_edit_page(office: Any, as_user: Any) -> None:
    six_six = _list()
    html = as_user(office).get(reverse("election:negative-list-detail", args=[six_six.pk]))
    html = html.content.decode()
    for criterion in six_six.criteria.all():
        assert reverse("election:negative-criterion-edit", args=[criterion.pk]) in html
    assert reverse("election:negative-criterion-add", args=[six_six.pk]) in html
    assert "上移" in html and "下移" in html


@pytest.mark.django_db
def test_a_locked_list_shows_why_offers_a_clone_and_no_edit_links(
    reviewing: Campaign, office: Any, as_user: Any
) -> None:
    six_six = _list()
    client = as_user(office)
    html = client.get(reverse("election:negative-list-detail", args=[six_six.pk])).content.decode()
    assert "已开始联审" in html
    assert reverse("election:negative-list-clone", args=[six_six.pk]) in html
    assert reverse("election:negative-criterion-add", args=[six_six.pk]) not in html
    first = _criterion(1)
    assert reverse("election:negative-criterion-edit", args=[first.pk]) not in html
    # the edit page still opens, read-only, and a post is refused with the reason
    url = reverse("election:negative-criterion-edit", args=[first.pk])
    page = client.get(url).content.decode()
    assert "<fieldset disabled" in page
    response = client.post(url, _form(first, text="改过的"))
    assert response.status_code == 200
    assert "已开始联审" in response.content.decode()
    first.refresh_from_db()
    assert first.text != "改过的"
    # and the delete and move buttons' posts change nothing either
    client.post(reverse("election:negative-criterion-delete", args=[first.pk]))
    client.post(reverse("election:negative-criterion-move", args=[first.pk]), {"direction": "down"})
    assert _criterion(1).pk == first.pk
    assert six_six.criteria.count() == 12


@pytest.mark.django_db
def test_the_list_page_runs_a_constant_number_of_queries(
    office: Any, as_user: Any, django_assert_max_num_queries: Any, police: Any
) -> None:
    six_six = _list()
    client = as_user(office)
    url = reverse("election:negative-list-detail", args=[six_six.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for n in range(10):
        negative_criterion_add(
            negative_list=six_six,
            data={"text": f"条目{n}", "tier": Tier.CANNOT, "unit_code": "police"},
            by=office,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "条目9" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHER_ROLES)
def test_nobody_but_the_office_reaches_the_criteria_and_nothing_changes(
    role: str, request: Any, as_user: Any, police: Any
) -> None:
    client = as_user(request.getfixturevalue(role))
    six_six = _list()
    before = _rows(six_six)
    criterion = _criterion(3)
    edit = reverse("election:negative-criterion-edit", args=[criterion.pk])
    add = reverse("election:negative-criterion-add", args=[six_six.pk])
    assert client.get(edit).status_code == 404
    assert client.get(add).status_code == 404
    assert client.post(edit, _form(criterion, text="改")).status_code == 404
    new = {"text": "新", "tier": Tier.CANNOT, "unit_code": "police"}
    assert client.post(add, new).status_code == 404
    delete = reverse("election:negative-criterion-delete", args=[criterion.pk])
    assert client.post(delete).status_code == 404
    move = reverse("election:negative-criterion-move", args=[criterion.pk])
    assert client.post(move, {"direction": "up"}).status_code == 404
    assert _rows(six_six) == before


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in(as_user: Any) -> None:
    criterion = _criterion(1)
    response = as_user(None).get(reverse("election:negative-criterion-edit", args=[criterion.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- a campaign's list ---------------------------------------------------------------------------


def _campaign_form(campaign: Campaign, negative_list: NegativeList) -> dict[str, Any]:
    return {
        "rule_set": campaign.rule_set_id,
        "negative_list": negative_list.pk,
        "name": campaign.name,
        "starts_on": campaign.starts_on.isoformat(),
        "party_election_on": campaign.party_election_on.isoformat(),
        "election_on": campaign.election_on.isoformat(),
        "reason": "",
    }


@pytest.mark.django_db
def test_a_campaigns_list_cannot_change_once_review_started(
    reviewing: Campaign, office: Any
) -> None:
    with translation.override("zh-hans"), pytest.raises(CampaignError) as e:
        campaign_update(campaign=reviewing, data={"negative_list": _list(CLASSIC)}, by=office)
    assert "负面清单不能更换" in str(e.value)
    reviewing.refresh_from_db()
    assert reviewing.negative_list == _list()
    # other changes still go through
    campaign_update(campaign=reviewing, data={"name": "2026 换届 调整"}, by=office)
    reviewing.refresh_from_db()
    assert (reviewing.name, reviewing.negative_list) == ("2026 换届 调整", _list())


@pytest.mark.django_db
def test_the_campaign_form_fixes_the_list_once_review_started(
    reviewing: Campaign, office: Any, as_user: Any
) -> None:
    client = as_user(office)
    url = reverse("election:campaign-edit", args=[reviewing.pk])
    page = client.get(url).content.decode()
    # the field's note says why it is fixed
    assert "不能更换" in page
    # a disabled field keeps the saved list, whatever is posted; the rename is saved
    data = {**_campaign_form(reviewing, _list(CLASSIC)), "name": "改名"}
    response = client.post(url, data)
    assert response.status_code == 302
    reviewing.refresh_from_db()
    assert (reviewing.name, reviewing.negative_list) == ("改名", _list())


@pytest.mark.django_db
def test_a_campaign_may_change_its_list_until_review_starts(
    running_campaign: Campaign, office: Any, as_user: Any
) -> None:
    client = as_user(office)
    url = reverse("election:campaign-edit", args=[running_campaign.pk])
    assert client.post(url, _campaign_form(running_campaign, _list())).status_code == 302
    running_campaign.refresh_from_db()
    assert running_campaign.negative_list == _list()
    _send_to_review(running_campaign)
    # the service refuses the change even when the form is bypassed
    with pytest.raises(CampaignError):
        campaign_update(
            campaign=running_campaign, data={"negative_list": _list(CLASSIC)}, by=office
        )
    running_campaign.refresh_from_db()
    assert running_campaign.negative_list == _list()


@pytest.mark.django_db
def test_a_criterion_a_member_unit_has_answered_cannot_be_deleted(
    running_campaign: Campaign, office: Any
) -> None:
    # the review belongs to a campaign vetting against another list, so this one is not locked;
    # the answer alone keeps the criterion
    running_campaign.negative_list = _list(CLASSIC)
    running_campaign.save(update_fields=["negative_list"])
    review = _send_to_review(running_campaign)
    criterion = _criterion(3)
    CriterionAnswer.objects.create(review=review, criterion=criterion)
    assert not negative_list_is_locked(_list())
    before = _rows(_list())
    with translation.override("zh-hans"), pytest.raises(NegativeListError) as e:
        negative_criterion_delete(criterion=criterion, by=office)
    assert "不能删除" in str(e.value)
    assert _rows(_list()) == before

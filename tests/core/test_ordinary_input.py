"""Ordinary input never gives a server error: each class of it gets a Chinese message instead.

Duplicate names, change reasons longer than the history column, odd ids (other scripts' digits,
numbers past 2**63), invisible characters in names, Django's password messages, and the error
pages themselves.
"""

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from accounts.models import MemberUnit, User
from communities.models import Community, District, Street
from communities.services import CommunityError, community_update
from core.history import REASON_MAX
from election.models import Campaign, LeaderAssignment, RuleSet, StepTemplate
from election.services.survey import SURVEY_FIELDS
from tests.election.conftest import campaign, running_campaign, small_rules  # noqa: F401
from tests.factories import CommunityFactory, MemberUnitFactory

pytestmark = pytest.mark.django_db

CJK = re.compile("[\u4e00-\u9fff]")
ODD_IDS = ["²", "٣", "-1", "0", "1.5", "9223372036854775808", "99999999999999999999999", " 1"]


def chinese(text: str) -> bool:
    return bool(CJK.search(text))


def edit_form(community: Community, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": community.version,
        "name": community.name,
        "kind": community.kind,
        "population": community.population or "",
        "households": community.households or "",
        "registered_voters": community.registered_voters or "",
        "difficult_reason": "",
        "track_override": "",
        "track_override_reason": "",
        "reason": "",
    }
    data.update(changes)
    return data


def errors_of(response: Any, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# --- unique names --------------------------------------------------------------------------------


def test_renaming_a_community_to_a_siblings_name_is_a_chinese_field_error(
    as_user: Any, street_official: User, community: Community, street: Street
) -> None:
    CommunityFactory(street=street, name="Lakeside")
    url = reverse("communities:community-edit", args=[community.pk])
    response = as_user(street_official).post(url, edit_form(community, name="Lakeside"))
    assert response.status_code == 200
    [error] = errors_of(response, "name")
    assert chinese(error)
    assert street.name in error
    community.refresh_from_db()
    assert community.name == "Riverside"
    assert community.version == 1


def test_a_name_used_in_another_street_is_allowed(
    as_user: Any, street_official: User, community: Community, other_community: Community
) -> None:
    url = reverse("communities:community-edit", args=[community.pk])
    response = as_user(street_official).post(url, edit_form(community, name=other_community.name))
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.name == other_community.name


def test_the_service_refuses_a_duplicate_that_got_past_the_form(
    community: Community, street: Street, street_official: User
) -> None:
    # two officials renaming at once: both forms were valid, the database keeps one name
    CommunityFactory(street=street, name="Lakeside")
    with translation.override("zh-hans"), pytest.raises(CommunityError) as refused:
        community_update(
            community=community, version=1, data={"name": "Lakeside"}, by=street_official
        )
    assert chinese(str(refused.value))
    community.refresh_from_db()
    assert community.name == "Riverside"


ADMIN_DUPLICATES = [
    ("communities", "district", {"name": "Demo District", "code": "other"}, District),
    ("communities", "district", {"name": "Other", "code": "demo"}, District),
    ("accounts", "memberunit", {"name": "Public Security", "code": "other"}, MemberUnit),
    ("accounts", "memberunit", {"name": "Other", "code": "police"}, MemberUnit),
    ("election", "ruleset", {"code": "test", "version": 1, "name": "Copy"}, RuleSet),
]


@pytest.mark.parametrize(("app", "model", "data", "model_class"), ADMIN_DUPLICATES)
def test_the_admin_refuses_a_duplicate_in_chinese(
    as_user: Any,
    admin_user: User,
    district: District,
    small_rules: RuleSet,  # noqa: F811
    app: str,
    model: str,
    data: dict[str, Any],
    model_class: Any,
) -> None:
    MemberUnitFactory(name="Public Security", code="police")
    before = model_class.objects.count()
    formsets = {
        f"{prefix}-{key}": value
        for prefix in ["stages", "seat_rules"]
        for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
    }
    response = as_user(admin_user).post(
        reverse(f"admin:{app}_{model}_add"), {**data, **formsets}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert "存在" in str(response.context["adminform"].form.errors)
    assert model_class.objects.count() == before


def test_the_admin_refuses_a_street_name_twice_in_a_district(
    as_user: Any, admin_user: User, street: Street
) -> None:
    url = reverse("admin:communities_street_add")
    data = {"district": street.district_id, "name": street.name, "kind": "street"}
    response = as_user(admin_user).post(url, data)
    assert response.status_code == 200
    assert "存在" in str(response.context["adminform"].form.errors)
    assert Street.objects.filter(name=street.name).count() == 1


@pytest.mark.parametrize("value", ["²", "٣", "9223372036854775808", "99999999999999999999999"])
def test_odd_ids_in_the_admin_never_give_a_server_error(
    admin_user: User, community: Community, value: str
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    base = "/admin/communities/community"
    for path in [
        f"{base}/{value}/change/",
        f"{base}/{value}/history/",
        f"{base}/{value}/permissions/",
        f"{base}/?street={value}",
        f"{base}/?street__district__id__exact={value}",
    ]:
        assert client.get(path).status_code < 500, path
    # a foreign key and a many-to-many field posted with an odd id are field errors
    response = client.post(
        f"{base}/add/",
        {
            "street": value,
            "name": "Lakeside",
            "kind": "city",
            "committees-TOTAL_FORMS": 0,
            "committees-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert chinese(str(response.context["adminform"].form.errors["street"]))
    assert not Community.objects.filter(name="Lakeside").exists()
    response = client.post(
        f"/admin/accounts/user/{admin_user.pk}/change/",
        {"username": "root", "groups": [value], "date_joined_0": "2026-01-01"},
    )
    assert response.status_code == 200
    assert chinese(str(response.context["adminform"].form.errors["groups"]))


def test_names_typed_in_the_admin_are_cleaned(as_user: Any, admin_user: User) -> None:
    response = as_user(admin_user).post(
        reverse("admin:communities_district_add"), {"name": "\u202eNorth\u200b", "code": "north"}
    )
    assert response.status_code == 302
    assert District.objects.filter(name="North").exists()


# --- change reasons ------------------------------------------------------------------------------


def test_a_reason_longer_than_the_history_column_is_a_chinese_form_error(
    as_user: Any, street_official: User, community: Community
) -> None:
    url = reverse("communities:community-edit", args=[community.pk])
    data = edit_form(community, population=1234, reason="x" * (REASON_MAX + 1))
    response = as_user(street_official).post(url, data)
    assert response.status_code == 200
    [error] = errors_of(response, "reason")
    assert chinese(error)
    community.refresh_from_db()
    assert community.population != 1234


def test_a_reason_as_long_as_the_column_is_stored_whole(
    as_user: Any, street_official: User, community: Community
) -> None:
    url = reverse("communities:community-edit", args=[community.pk])
    reason = "理" * REASON_MAX
    response = as_user(street_official).post(
        url, edit_form(community, population=4321, reason=reason)
    )
    assert response.status_code == 302
    assert community.history.latest().history_change_reason == reason


def test_the_history_columns_hold_the_longest_reason_a_form_accepts() -> None:
    from django.apps import apps

    # the history of many-to-many fields (a case's officers) has rows without a reason of their
    # own: the reason is on the history row of the record they belong to
    historical = [
        m
        for m in apps.get_models()
        if m.__name__.startswith("Historical")
        and any(f.name == "history_change_reason" for f in m._meta.get_fields())
    ]
    assert len(historical) > 20
    for model in historical:
        column = model._meta.get_field("history_change_reason")
        assert column.max_length is None or column.max_length >= REASON_MAX, model


def test_a_number_too_large_for_its_column_is_a_chinese_form_error(
    as_user: Any,
    office: User,
    street_official: User,
    community: Community,
    running_campaign: Campaign,  # noqa: F811
) -> None:
    # the survey form leaves its checks to the service; a count past the integer column would
    # reach the database (a DataError on PostgreSQL)
    plan = running_campaign.plans.get(community=community)
    url = reverse("election:survey-edit", args=[plan.pk])
    counts = dict.fromkeys(SURVEY_FIELDS, 0) | {"forums_held": 10**12, "version": 1}
    response = as_user(street_official).post(url, counts)
    assert response.status_code == 200
    [error] = errors_of(response, "forums_held")
    assert chinese(error)
    assert plan.survey.forums_held == 0


def test_an_offset_too_large_for_its_column_is_a_chinese_form_error(
    as_user: Any,
    office: User,
    small_rules: RuleSet,  # noqa: F811
) -> None:
    step = StepTemplate.objects.get(stage__rule_set=small_rules, code="forums")
    data = {
        "title": step.title,
        "anchor": step.anchor,
        "offset_days": 40_000,
        "check_kind": "",
        "check_days": 0,
        "checked_date": step.checked_date,
        "rule_text": "",
        "legal_basis": "",
        "reason": "",
    }
    response = as_user(office).post(reverse("election:step-template-edit", args=[step.pk]), data)
    assert response.status_code == 200
    [error] = errors_of(response, "offset_days")
    assert chinese(error)
    step.refresh_from_db()
    assert step.offset_days == 14


@pytest.mark.parametrize(
    ("election_on", "party_election_on"),
    [("9999-12-31", "9999-12-30"), ("0001-01-02", "0001-01-01")],
)
def test_a_date_at_the_end_of_the_calendar_is_a_chinese_error(
    as_user: Any,
    street_official: User,
    community: Community,
    running_campaign: Campaign,  # noqa: F811
    election_on: str,
    party_election_on: str,
) -> None:
    # due dates lie days away from election day: near year 1 or 9999 they leave Python's dates
    plan = running_campaign.plans.get(community=community)
    response = as_user(street_official).post(
        reverse("election:plan-dates", args=[plan.pk]),
        {"election_on": election_on, "party_election_on": party_election_on, "version": 1},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown
    assert all(chinese(m) for m in shown), shown
    plan.refresh_from_db()
    assert plan.election_on == running_campaign.election_on


# --- odd ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ODD_IDS)
def test_an_odd_street_filter_is_a_chinese_form_error(
    as_user: Any, office: User, community: Community, value: str
) -> None:
    response = as_user(office).get(reverse("communities:community-list"), {"street": value})
    assert response.status_code == 200
    [error] = errors_of(response, "street")
    assert chinese(error)


@pytest.mark.parametrize("value", ODD_IDS)
def test_odd_ids_in_query_strings_never_give_a_server_error(
    as_user: Any,
    office: User,
    street_official: User,
    running_campaign: Campaign,  # noqa: F811
    value: str,
) -> None:
    office_client, street_client = as_user(office), as_user(street_official)
    dashboard = reverse("election:dashboard-steps", args=[running_campaign.pk])
    for client, url, query in [
        (office_client, reverse("reports:archive"), {"run": value}),
        (office_client, dashboard, {"street": value, "stage": value}),
        (office_client, reverse("election:assignment-communities"), {"street": value}),
        (street_client, reverse("election:worklist"), {"stage": value}),
        (office_client, reverse("accounts:grant-scope-communities"), {"scope": f"street:{value}"}),
    ]:
        response = client.get(url, query)
        assert response.status_code == 200, (url, query)


@pytest.mark.parametrize("value", ["9223372036854775808", "99999999999999999999999", "0"])
def test_ids_out_of_range_in_paths_are_not_found(as_user: Any, office: User, value: str) -> None:
    client = as_user(office)
    for path in [
        f"/communities/{value}/",
        f"/communities/1/committees/{value}/edit/",
        f"/election/plans/{value}/",
        f"/election/campaigns/{value}/dashboard/",
        f"/reports/runs/{value}/status/",
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert chinese(response.content.decode())


@pytest.mark.parametrize("value", ODD_IDS)
def test_an_odd_id_posted_to_a_form_is_an_error_not_a_server_error(
    as_user: Any, office: User, street_official: User, community: Community, value: str
) -> None:
    client = as_user(office)
    response = client.post(
        reverse("election:assignment-add"),
        {"street": value, "community": value, "user": value, "kind": "leader"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown
    assert all(chinese(m) for m in shown), shown
    assert not LeaderAssignment.objects.exists()
    # revoking: the form names the user by id; an odd one is not found
    response = client.post(
        reverse("accounts:grant-revoke"),
        {"user": value, "scope": f"street:{community.street_id}"},
    )
    assert response.status_code == 404
    assert street_official.is_active


# --- invisible characters ------------------------------------------------------------------------


def test_invisible_and_direction_characters_are_taken_out_of_a_name(
    as_user: Any, street_official: User, community: Community
) -> None:
    url = reverse("communities:community-edit", args=[community.pk])
    name = "\u200bBrook\u202eside\u2066\ufeff"
    response = as_user(street_official).post(url, edit_form(community, name=name))
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.name == "Brookside"


def test_a_name_of_invisible_characters_only_is_missing(
    as_user: Any, street_official: User, community: Community
) -> None:
    url = reverse("communities:community-edit", args=[community.pk])
    response = as_user(street_official).post(url, edit_form(community, name="\u200b\u202e\u200d"))
    assert response.status_code == 200
    [error] = errors_of(response, "name")
    assert chinese(error)
    community.refresh_from_db()
    assert community.name == "Riverside"


def test_a_search_with_a_zero_width_character_still_finds_the_community(
    as_user: Any, street_official: User, community: Community
) -> None:
    response = as_user(street_official).get(
        reverse("communities:community-list"), {"q": "River\u200bside"}
    )
    assert [c.name for c in response.context["page"]] == ["Riverside"]


def test_a_campaign_name_is_cleaned_too(
    as_user: Any,
    office: User,
    small_rules: RuleSet,  # noqa: F811
) -> None:
    response = as_user(office).post(
        reverse("election:campaign-create"),
        {
            "rule_set": small_rules.pk,
            "name": "2026\u202e re-election\u200b",
            "starts_on": "2026-11-01",
            "party_election_on": "2026-12-06",
            "election_on": "2026-12-20",
        },
    )
    assert response.status_code == 302
    assert Campaign.objects.get().name == "2026 re-election"


def test_a_password_is_kept_exactly_as_typed(community: Community, street_official: User) -> None:
    password = "\u200bzero width\u202e kept "
    form = SetPasswordForm(street_official, {"new_password1": password, "new_password2": password})
    assert form.is_valid(), form.errors
    form.save()
    assert street_official.check_password(password)


# --- Django's password messages ------------------------------------------------------------------


@pytest.mark.parametrize("password", ["abc", "password", "1234567890123", "qwertyuiop", "short1"])
def test_password_errors_are_all_in_chinese(
    as_user: Any, street_official: User, password: str
) -> None:
    street_official.set_password("old-secret-93")
    street_official.save(update_fields=["password"])
    response = as_user(street_official).post(
        reverse("accounts:password-change"),
        {"old_password": "old-secret-93", "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    errors = [str(e) for e in response.context["form"].errors.get("new_password2", [])]
    assert errors
    # every sentence shown is Chinese: none is Django's English text left untranslated
    assert all(chinese(e) for e in errors), errors
    street_official.refresh_from_db()
    assert street_official.check_password("old-secret-93")


def test_the_admins_password_pages_are_chinese(
    as_user: Any, admin_user: User, street_official: User
) -> None:
    client = as_user(admin_user)
    url = f"/admin/accounts/user/{street_official.pk}/password/"
    page = client.get(url).content.decode()
    assert "current password for this user will be lost" not in page
    assert "该用户当前的密码将会丢失" in page
    response = client.post(
        url, {"usable_password": "true", "password1": "12345678", "password2": "12345678"}
    )
    errors = [str(e) for e in response.context["form"].errors["password2"]]
    assert errors
    assert all(chinese(e) for e in errors), errors
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "newbie", "usable_password": "true", "password1": "abc", "password2": "abc"},
    )
    errors = [str(e) for e in response.context["adminform"].form.errors["password2"]]
    assert errors
    assert all(chinese(e) for e in errors), errors
    assert not User.objects.filter(username="newbie").exists()


# --- error pages ---------------------------------------------------------------------------------


def test_the_not_found_page_is_chinese(as_user: Any, street_official: User) -> None:
    response = as_user(street_official).get("/communities/123456/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_server_error_page_is_chinese_and_reads_no_database(
    django_assert_num_queries: Any,
) -> None:
    request = RequestFactory().get("/")
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


def _project_forms() -> list[type[Any]]:
    """Every form class of the project's apps (their forms and views modules define them)."""
    import importlib

    from django import forms

    for module in [
        "accounts.forms",
        "accounts.views",
        "communities.forms",
        "election.forms",
        "election.views.rules",
        "reports.forms",
    ]:
        importlib.import_module(module)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in {"accounts", "communities", "election", "reports"}:
            found.append(cls)
    return found


def test_no_form_field_is_longer_than_its_column() -> None:
    from django import forms

    checked = 0
    project_forms = _project_forms()
    assert len(project_forms) > 20
    for form_class in project_forms:
        meta = getattr(form_class, "_meta", None)
        model = getattr(meta, "model", None)
        columns = {f.name: f for f in model._meta.get_fields()} if model else {}
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.CharField):
                continue
            if name == "reason" and name not in columns:
                # a reason the model does not store itself is the history's change reason
                assert field.max_length is not None, (form_class, name)
                assert field.max_length <= REASON_MAX, (form_class, name)
                checked += 1
            column = columns.get(name)
            limit = getattr(column, "max_length", None)
            if limit is not None:
                assert field.max_length is not None, (form_class, name)
                assert field.max_length <= limit, (form_class, name, field.max_length, limit)
                checked += 1
    assert checked > 10


def test_no_path_of_the_project_takes_an_unbounded_int() -> None:
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.converters import IntConverter

    def patterns(resolver: URLResolver) -> list[tuple[str, Any]]:
        found = []
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name != "admin":  # Django's admin parses its own ids
                    found.extend(patterns(entry))
            elif isinstance(entry, URLPattern):
                found.append((str(entry.pattern), entry.pattern.converters))
        return found

    seen = patterns(get_resolver())
    assert len(seen) > 30
    for route, converters in seen:
        assert not any(isinstance(c, IntConverter) for c in converters.values()), route


def test_a_request_with_too_many_fields_gets_the_chinese_bad_request_page(
    as_user: Any, street_official: User
) -> None:
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = as_user(street_official).post(reverse("communities:community-list"), fields)
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_a_form_without_its_csrf_token_gets_the_chinese_page(street_official: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(street_official)
    response = client.post(reverse("accounts:password-change"), {"old_password": "x"})
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()

"""Major events: who files and reads them, the office's acknowledgement (once, with the time it
took), and the banner the office sees on every page until then."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from discipline.models import MajorEvent
from discipline.selectors.events import duration_text, events_unacknowledged
from discipline.services.events import EventError, event_acknowledge, event_file

pytestmark = pytest.mark.django_db


def _file(community: Community, by: Any, title: str = "Crowd at the polling station") -> MajorEvent:
    return event_file(
        community=community,
        severity=MajorEvent.Severity.SERIOUS,
        occurred_at=timezone.now() - timedelta(hours=1),
        title=title,
        facts="About 50 people gathered.",
        by=by,
    )


def _post_data(community: Community, **overrides: Any) -> dict[str, Any]:
    when = timezone.localtime() - timedelta(minutes=30)
    data = {
        "community": community.pk,
        "severity": MajorEvent.Severity.CRITICAL,
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "title": "Ballot box taken",
        "facts": "Someone carried the ballot box away.",
    }
    data.update(overrides)
    return data


# --- filing -----------------------------------------------------------------------------------


def test_street_official_files_an_event_for_their_community(
    as_user: Any, street_official: Any, community: Community
) -> None:
    response = as_user(street_official).post(reverse("discipline:event-new"), _post_data(community))
    event = MajorEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("discipline:event-detail", args=[event.pk])
    assert event.district_id == community.street.district_id
    assert event.created_by == street_official
    assert event.acknowledged_at is None
    assert event.history.first().history_change_reason == "event filed"


def test_leader_files_for_their_community(as_user: Any, leader: Any, community: Community) -> None:
    response = as_user(leader).post(reverse("discipline:event-new"), _post_data(community))
    assert response.status_code == 302
    assert MajorEvent.objects.get().community == community


def test_outsider_cannot_file_for_another_streets_community(
    as_user: Any, outsider: Any, community: Community, other_community: Community
) -> None:
    client = as_user(outsider)
    response = client.post(reverse("discipline:event-new"), _post_data(community))
    # the community is not a choice for them: the form refuses it and nothing is filed
    assert response.status_code == 200
    assert not MajorEvent.objects.exists()
    page = client.get(reverse("discipline:event-new")).content.decode()
    assert other_community.name in page
    assert community.name not in page


def test_discipline_officer_and_member_unit_cannot_file(
    as_user: Any, discipline: Any, member_unit_user: Any, community: Community
) -> None:
    for user in (discipline, member_unit_user):
        response = as_user(user).post(reverse("discipline:event-new"), _post_data(community))
        assert response.status_code == 404
    assert not MajorEvent.objects.exists()


def test_an_event_in_the_future_is_refused_in_chinese(
    as_user: Any, street_official: Any, community: Community
) -> None:
    later = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = as_user(street_official).post(
        reverse("discipline:event-new"), _post_data(community, occurred_at=later)
    )
    assert response.status_code == 200
    assert "尚未到来" in response.content.decode()
    assert not MajorEvent.objects.exists()


def test_service_refuses_a_missing_title(street_official: Any, community: Community) -> None:
    with pytest.raises(EventError):
        event_file(
            community=community,
            severity="serious",
            occurred_at=timezone.now(),
            title="  ",
            facts="x",
            by=street_official,
        )
    with pytest.raises(EventError):
        event_file(
            community=community,
            severity="huge",
            occurred_at=timezone.now(),
            title="t",
            facts="x",
            by=street_official,
        )


# --- reading ----------------------------------------------------------------------------------


def test_scope_of_the_list(
    as_user: Any,
    office: Any,
    street_official: Any,
    outsider: Any,
    leader: Any,
    discipline: Any,
    supervisor: Any,
    member_unit_user: Any,
    community: Community,
    other_community: Community,
) -> None:
    mine = _file(community, street_official, title="Event in Riverside")
    theirs = _file(other_community, outsider, title="Event in Hillside")
    url = reverse("discipline:events")
    for user in (office, discipline, supervisor):
        page = as_user(user).get(url).content.decode()
        assert mine.title in page and theirs.title in page
    for user, seen, unseen in ((street_official, mine, theirs), (outsider, theirs, mine)):
        page = as_user(user).get(url).content.decode()
        assert seen.title in page and unseen.title not in page
    page = as_user(leader).get(url).content.decode()
    assert mine.title in page and theirs.title not in page
    assert as_user(member_unit_user).get(url).status_code == 404
    # another street's event is a 404, not a 403
    detail = reverse("discipline:event-detail", args=[theirs.pk])
    assert as_user(street_official).get(detail).status_code == 404
    assert as_user(outsider).get(detail).status_code == 200


def test_list_shows_the_open_first_and_filters(
    as_user: Any, office: Any, street_official: Any, community: Community
) -> None:
    old = _file(community, street_official, title="Older open")
    done = _file(community, street_official, title="Acknowledged one")
    event_acknowledge(event=done, version=done.version, by=office)
    client = as_user(office)
    page = client.get(reverse("discipline:events")).content.decode()
    # the rows carry the event's id (the office's banner names the open ones too)
    row_old, row_done = f'id="event-{old.pk}"', f'id="event-{done.pk}"'
    assert page.index(row_old) < page.index(row_done)
    open_only = client.get(reverse("discipline:events"), {"state": "open"}).content.decode()
    assert row_old in open_only and row_done not in open_only
    acked = client.get(reverse("discipline:events"), {"state": "acknowledged"}).content.decode()
    assert row_done in acked and row_old not in acked


def test_list_query_count_does_not_grow_with_rows(
    as_user: Any,
    office: Any,
    street_official: Any,
    community: Community,
    django_assert_max_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(office)
    url = reverse("discipline:events")
    for i in range(2):
        _file(community, street_official, title=f"e{i}")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(12):
        event = _file(community, street_official, title=f"more{i}")
        if i % 2:
            event_acknowledge(event=event, version=event.version, by=office)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- acknowledging ----------------------------------------------------------------------------


def test_office_acknowledges_and_the_time_is_recorded(
    as_user: Any, office: Any, street_official: Any, community: Community
) -> None:
    event = _file(community, street_official)
    # filed 2 h 5 min before the office acknowledges
    MajorEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - timedelta(hours=2, minutes=5, seconds=10)
    )
    client = as_user(office)
    response = client.post(
        reverse("discipline:event-acknowledge", args=[event.pk]),
        {"version": event.version, "handling": "Police sent."},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.acknowledged_by == office
    assert event.acknowledged_at is not None
    assert event.handling == "Police sent."
    assert event.history.first().history_change_reason == "event acknowledged"
    detail = client.get(reverse("discipline:event-detail", args=[event.pk])).content.decode()
    assert "2 小时 5 分钟" in detail
    listing = client.get(reverse("discipline:events")).content.decode()
    assert "2 小时 5 分钟" in listing


def test_acknowledging_twice_is_refused_in_chinese(
    as_user: Any, office: Any, admin_user: Any, street_official: Any, community: Community
) -> None:
    event = _file(community, street_official)
    event_acknowledge(event=event, version=event.version, by=office)
    first = MajorEvent.objects.get(pk=event.pk)
    response = as_user(admin_user).post(
        reverse("discipline:event-acknowledge", args=[event.pk]),
        {"version": first.version},
        follow=True,
    )
    assert "已确认" in response.content.decode()
    again = MajorEvent.objects.get(pk=event.pk)
    assert (again.acknowledged_by, again.acknowledged_at) == (office, first.acknowledged_at)
    with pytest.raises(EventError):
        event_acknowledge(event=again, version=again.version, by=office)


def test_only_the_office_acknowledges(
    as_user: Any,
    street_official: Any,
    leader: Any,
    discipline: Any,
    supervisor: Any,
    community: Community,
) -> None:
    event = _file(community, street_official)
    for user in (street_official, leader, discipline, supervisor):
        response = as_user(user).post(
            reverse("discipline:event-acknowledge", args=[event.pk]), {"version": event.version}
        )
        assert response.status_code == 404
    event.refresh_from_db()
    assert event.acknowledged_at is None


def test_office_saves_handling_notes_after_acknowledging(
    as_user: Any, office: Any, street_official: Any, community: Community
) -> None:
    event = _file(community, street_official)
    event = event_acknowledge(event=event, version=event.version, by=office)
    client = as_user(office)
    url = reverse("discipline:event-handling", args=[event.pk])
    assert client.post(url, {"version": event.version, "handling": "Resolved."}).status_code == 302
    event.refresh_from_db()
    assert event.handling == "Resolved."
    # a stale version saves nothing
    client.post(url, {"version": event.version - 1, "handling": "Overwritten"})
    event.refresh_from_db()
    assert event.handling == "Resolved."


def test_duration_text_reads_in_chinese() -> None:
    start = timezone.now()
    assert duration_text(start, start + timedelta(hours=26, minutes=3)) == "26 小时 3 分钟"
    assert duration_text(start, None) == ""


# --- the banner -------------------------------------------------------------------------------


def test_banner_shows_for_the_office_on_every_page_until_acknowledged(
    as_user: Any, office: Any, street_official: Any, community: Community
) -> None:
    event = _file(community, street_official, title="Fight at the meeting")
    client = as_user(office)
    page = client.get(reverse("communities:community-list")).content.decode()
    assert 'id="major-event-banner"' in page
    assert event.title in page
    assert reverse("discipline:event-detail", args=[event.pk]) in page
    client.post(
        reverse("discipline:event-acknowledge", args=[event.pk]), {"version": event.version}
    )
    page = client.get(reverse("communities:community-list")).content.decode()
    assert 'id="major-event-banner"' not in page


def test_banner_is_not_shown_to_other_roles(
    as_user: Any,
    street_official: Any,
    leader: Any,
    discipline: Any,
    outsider: Any,
    community: Community,
) -> None:
    _file(community, street_official)
    for user in (street_official, leader, discipline, outsider):
        page = as_user(user).get(reverse("communities:community-list")).content.decode()
        assert 'id="major-event-banner"' not in page


def test_banner_is_one_query_for_the_office_and_none_for_others(
    office: Any,
    street_official: Any,
    community: Community,
    django_assert_num_queries: Any,
) -> None:
    for i in range(5):
        _file(community, street_official, title=f"event {i}")
    with django_assert_num_queries(1):
        banner = events_unacknowledged(office)
        assert banner.count == 5
        assert len(banner.newest) == 3
        assert banner.newest[0].community.name == community.name
    with django_assert_num_queries(0):
        assert events_unacknowledged(street_official).count == 0


def test_banner_of_another_district_is_not_shown(
    as_user: Any, office: Any, admin_user: Any
) -> None:
    from tests.factories import CommunityFactory, DistrictFactory, StreetFactory

    elsewhere = CommunityFactory(
        street=StreetFactory(district=DistrictFactory(name="Far", code="far"), name="Far St")
    )
    _file(elsewhere, admin_user, title="Far away event")
    assert events_unacknowledged(office).count == 0
    assert events_unacknowledged(admin_user).count == 1

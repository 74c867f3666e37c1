"""Publicity of the discipline rules: the discipline texts of the running campaign, the tallies
of each community, and their sums per street and district."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, District, Street
from core.exceptions import ConflictError
from discipline.models import PublicityDocument, PublicityTally
from discipline.selectors.publicity import community_rows, district_totals, street_totals
from discipline.services.publicity import PublicityError, document_add, tally_save
from election.models import Campaign, RuleSet
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 64
COUNTS = PublicityTally.COUNTS


def running_campaign(district: District) -> Campaign:
    rules, _created = RuleSet.objects.get_or_create(
        code="publicity-test", version=1, defaults={"name": "Publicity test"}
    )
    today = timezone.localdate()
    return Campaign.objects.create(
        district=district,
        rule_set=rules,
        name="Publicity campaign",
        status=Campaign.Status.RUNNING,
        starts_on=today - timedelta(days=30),
        election_on=today + timedelta(days=40),
        party_election_on=today + timedelta(days=30),
    )


@pytest.fixture
def campaign(district: District) -> Campaign:
    return running_campaign(district)


def _counts(base: int) -> dict[str, int]:
    return {name: base + i for i, name in enumerate(COUNTS)}


def _tally_data(version: int, base: int) -> dict[str, Any]:
    return {"version": version, **_counts(base)}


def _document(campaign: Campaign, by: Any, title: str = "九严禁") -> PublicityDocument:
    return document_add(
        campaign=campaign,
        kind=PublicityDocument.Kind.NINE,
        title=title,
        summary="",
        upload=SimpleUploadedFile("nine.pdf", PDF, content_type="application/pdf"),
        by=by,
    )


# --- tallies ----------------------------------------------------------------------------------


def test_street_official_records_their_communitys_tally(
    as_user: Any, street_official: Any, community: Community, campaign: Campaign
) -> None:
    url = reverse("discipline:publicity-tally", args=[community.pk])
    client = as_user(street_official)
    assert client.get(url).status_code == 200
    response = client.post(url, _tally_data(0, 5))
    assert response.status_code == 302
    tally = PublicityTally.objects.get(campaign=campaign, community=community)
    assert [getattr(tally, n) for n in COUNTS] == list(_counts(5).values())
    assert tally.created_by == street_official
    assert tally.history.first().history_change_reason == "tally recorded"
    # the second save is checked against the version the form showed
    assert client.post(url, _tally_data(1, 7)).status_code == 302
    tally.refresh_from_db()
    assert (tally.handbooks, tally.version) == (7, 2)


def test_stale_tally_is_refused_and_nothing_changes(
    as_user: Any, street_official: Any, office: Any, community: Community, campaign: Campaign
) -> None:
    tally_save(campaign=campaign, community=community, version=0, counts=_counts(1), by=office)
    url = reverse("discipline:publicity-tally", args=[community.pk])
    # the official's form was loaded before the office's save (version 0)
    response = as_user(street_official).post(url, _tally_data(0, 9), follow=True)
    assert "他人已保存" in response.content.decode()
    assert PublicityTally.objects.get().handbooks == 1


def test_negative_counts_are_refused(
    as_user: Any, street_official: Any, community: Community, campaign: Campaign
) -> None:
    url = reverse("discipline:publicity-tally", args=[community.pk])
    data = _tally_data(0, 1)
    data["posters"] = -3
    response = as_user(street_official).post(url, data)
    assert response.status_code == 200
    assert not PublicityTally.objects.exists()
    with pytest.raises(PublicityError):
        tally_save(
            campaign=campaign,
            community=community,
            version=0,
            counts={**_counts(1), "posters": -1},
            by=street_official,
        )


def test_who_may_edit_a_tally(
    as_user: Any,
    office: Any,
    outsider: Any,
    leader: Any,
    discipline: Any,
    supervisor: Any,
    member_unit_user: Any,
    community: Community,
    campaign: Campaign,
) -> None:
    url = reverse("discipline:publicity-tally", args=[community.pk])
    assert as_user(office).post(url, _tally_data(0, 2)).status_code == 302
    for user in (outsider, leader, discipline, supervisor, member_unit_user):
        assert as_user(user).post(url, _tally_data(1, 50)).status_code == 404
    assert PublicityTally.objects.get().handbooks == 2


def test_no_tally_without_a_running_campaign(
    as_user: Any, street_official: Any, community: Community
) -> None:
    url = reverse("discipline:publicity-tally", args=[community.pk])
    assert as_user(street_official).get(url).status_code == 404


def test_saving_the_same_counts_changes_nothing(
    office: Any, community: Community, campaign: Campaign
) -> None:
    tally = tally_save(
        campaign=campaign, community=community, version=0, counts=_counts(3), by=office
    )
    again = tally_save(
        campaign=campaign, community=community, version=1, counts=_counts(3), by=office
    )
    assert again.version == 1 and tally.history.count() == 1
    with pytest.raises(ConflictError):
        tally_save(campaign=campaign, community=community, version=0, counts=_counts(4), by=office)


# --- sums -------------------------------------------------------------------------------------


def test_street_sums_equal_the_sum_of_their_communities(
    office: Any,
    street: Street,
    other_street: Street,
    community: Community,
    other_community: Community,
    campaign: Campaign,
) -> None:
    third = CommunityFactory(street=street, name="Lakeside")
    CommunityFactory(street=street, name="No tally yet")
    for base, c in ((1, community), (10, third), (100, other_community)):
        tally_save(campaign=campaign, community=c, version=0, counts=_counts(base), by=office)
    # another campaign's tally is not counted
    old = Campaign.objects.create(
        district=campaign.district,
        rule_set=campaign.rule_set,
        name="Old",
        status=Campaign.Status.CLOSED,
        starts_on=campaign.starts_on - timedelta(days=2000),
        election_on=campaign.starts_on - timedelta(days=1900),
        party_election_on=campaign.starts_on - timedelta(days=1910),
    )
    PublicityTally.objects.create(campaign=old, community=community, handbooks=1000)
    streets = {row.pk: row for row in street_totals(office, campaign)}
    first = streets[street.pk]
    rows = community_rows(office, campaign, street.pk)
    for i, name in enumerate(COUNTS):
        assert first.counts[name] == sum(r.counts[name] for r in rows) == (1 + i) + (10 + i)
    assert (first.communities, first.reported) == (3, 2)
    assert streets[other_street.pk].counts["handbooks"] == 100
    total = district_totals(office, campaign)
    for name in COUNTS:
        assert total.counts[name] == sum(row.counts[name] for row in streets.values())
    # ordered by name: Lakeside, No tally yet, Riverside
    assert [r.has_tally for r in rows] == [True, False, True]


def test_street_official_sees_only_their_streets_sums(
    as_user: Any,
    office: Any,
    street_official: Any,
    community: Community,
    other_community: Community,
    campaign: Campaign,
) -> None:
    tally_save(campaign=campaign, community=community, version=0, counts=_counts(1), by=office)
    tally_save(
        campaign=campaign, community=other_community, version=0, counts=_counts(500), by=office
    )
    streets = street_totals(street_official, campaign)
    assert [row.label for row in streets] == [community.street.name]
    assert district_totals(street_official, campaign).counts["handbooks"] == 1
    page = as_user(street_official).get(reverse("discipline:publicity")).content.decode()
    assert other_community.street.name not in page


def test_page_shows_totals_and_drills_into_a_street(
    as_user: Any,
    office: Any,
    street: Street,
    community: Community,
    other_community: Community,
    campaign: Campaign,
) -> None:
    tally_save(campaign=campaign, community=community, version=0, counts=_counts(7), by=office)
    client = as_user(office)
    page = client.get(reverse("discipline:publicity")).content.decode()
    assert "发放工作手册" in page and street.name in page
    assert 'id="communities"' not in page
    page = client.get(
        reverse("discipline:publicity"), {"campaign": campaign.pk, "street": street.pk}
    ).content.decode()
    assert community.name in page
    assert reverse("discipline:publicity-tally", args=[community.pk]) in page


def test_page_query_count_does_not_grow_with_communities(
    as_user: Any,
    office: Any,
    street: Street,
    other_street: Street,
    community: Community,
    campaign: Campaign,
    django_assert_max_num_queries: Any,
) -> None:
    client = as_user(office)
    url = reverse("discipline:publicity")
    query = {"campaign": campaign.pk, "street": street.pk}
    tally_save(campaign=campaign, community=community, version=0, counts=_counts(1), by=office)
    _document(campaign, office)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, query).status_code == 200
    for i in range(15):
        c = CommunityFactory(street=street if i % 2 else other_street, name=f"C{i}")
        tally_save(campaign=campaign, community=c, version=0, counts=_counts(i), by=office)
        _document(campaign, office, title=f"text {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, query).status_code == 200


def test_page_without_a_running_campaign_and_member_unit(
    as_user: Any, office: Any, member_unit_user: Any, community: Community
) -> None:
    response = as_user(office).get(reverse("discipline:publicity"))
    assert response.status_code == 200
    assert "没有进行中的换届工作" in response.content.decode()
    assert as_user(member_unit_user).get(reverse("discipline:publicity")).status_code == 404


# --- documents --------------------------------------------------------------------------------


def test_office_uploads_a_text_and_readers_download_it(
    as_user: Any,
    office: Any,
    street_official: Any,
    leader: Any,
    discipline: Any,
    member_unit_user: Any,
    campaign: Campaign,
) -> None:
    response = as_user(office).post(
        reverse("discipline:publicity-document-new"),
        {
            "campaign": campaign.pk,
            "kind": PublicityDocument.Kind.TEN,
            "title": "十不准",
            "summary": "区委印发",
            "file": SimpleUploadedFile("ten.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    document = PublicityDocument.objects.get()
    assert (document.title, document.file_name, document.created_by) == (
        "十不准",
        "ten.pdf",
        office,
    )
    url = reverse("discipline:publicity-document", args=[document.pk])
    for user in (office, street_official, leader, discipline):
        download = as_user(user).get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert as_user(member_unit_user).get(url).status_code == 404
    page = as_user(street_official).get(reverse("discipline:publicity")).content.decode()
    assert "十不准" in page and url in page
    # only the office sees the upload and delete buttons
    assert reverse("discipline:publicity-document-new") not in page


def test_a_text_that_is_not_a_pdf_or_photo_is_refused(
    as_user: Any, office: Any, campaign: Campaign
) -> None:
    response = as_user(office).post(
        reverse("discipline:publicity-document-new"),
        {
            "campaign": campaign.pk,
            "kind": PublicityDocument.Kind.NINE,
            "title": "x",
            "file": SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert not PublicityDocument.objects.exists()


def test_only_the_office_uploads_and_deletes(
    as_user: Any,
    office: Any,
    street_official: Any,
    discipline: Any,
    campaign: Campaign,
    django_capture_on_commit_callbacks: Any,
) -> None:
    document = _document(campaign, office)
    delete = reverse("discipline:publicity-document-delete", args=[document.pk])
    for user in (street_official, discipline):
        assert as_user(user).get(reverse("discipline:publicity-document-new")).status_code == 404
        assert as_user(user).post(delete).status_code == 404
    assert PublicityDocument.objects.filter(pk=document.pk).exists()
    name = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert as_user(office).post(delete).status_code == 302
    assert not PublicityDocument.objects.filter(pk=document.pk).exists()
    assert not document.file.storage.exists(name)


def test_another_districts_text_is_a_404(
    as_user: Any, office: Any, admin_user: Any, street_official: Any
) -> None:
    from tests.factories import DistrictFactory, StreetFactory

    far = DistrictFactory(name="Far", code="far")
    CommunityFactory(street=StreetFactory(district=far, name="Far St"))
    document = _document(running_campaign(far), admin_user)
    for user in (office, street_official):
        url = reverse("discipline:publicity-document", args=[document.pk])
        assert as_user(user).get(url).status_code == 404
        delete = reverse("discipline:publicity-document-delete", args=[document.pk])
        assert as_user(user).post(delete).status_code == 404
    assert PublicityDocument.objects.filter(pk=document.pk).exists()


def test_switching_to_a_past_campaign_shows_its_figures_read_only(
    as_user: Any, office: Any, street: Street, community: Community, campaign: Campaign
) -> None:
    old = Campaign.objects.create(
        district=campaign.district,
        rule_set=campaign.rule_set,
        name="Past campaign",
        status=Campaign.Status.CLOSED,
        starts_on=campaign.starts_on - timedelta(days=2000),
        election_on=campaign.starts_on - timedelta(days=1900),
        party_election_on=campaign.starts_on - timedelta(days=1910),
    )
    PublicityTally.objects.create(campaign=old, community=community, handbooks=4321)
    client = as_user(office)
    page = client.get(reverse("discipline:publicity")).content.decode()
    assert f"?campaign={old.pk}" in page and "4,321" not in page
    page = client.get(
        reverse("discipline:publicity"), {"campaign": old.pk, "street": street.pk}
    ).content.decode()
    assert "4,321" in page
    # a past campaign's tallies are not edited
    assert reverse("discipline:publicity-tally", args=[community.pk]) not in page


def test_another_districts_campaign_is_a_404(as_user: Any, street_official: Any) -> None:
    from tests.factories import DistrictFactory, StreetFactory

    far = DistrictFactory(name="Far", code="far")
    CommunityFactory(street=StreetFactory(district=far, name="Far St"))
    url = reverse("discipline:publicity")
    response = as_user(street_official).get(url, {"campaign": running_campaign(far).pk})
    assert response.status_code == 404

"""Audit firms: the office adds and edits them (contact, qualification); names are unique in the
district; a stale form is refused; other roles do not see them."""

from typing import Any

from django.urls import reverse

from audits.models import AuditFirm


def test_office_adds_and_edits_a_firm(as_user: Any, office: Any, district: Any) -> None:
    client = as_user(office)
    response = client.post(
        reverse("audits:firm-add"),
        {"name": "Sunrise CPA", "contact_person": "Ms Li", "phone": "123", "is_active": "on"},
    )
    assert response.status_code == 302
    firm = AuditFirm.objects.get()
    assert firm.district == district and firm.contact_person == "Ms Li"
    assert firm.history.first().history_user == office
    page = client.get(reverse("audits:firm-list")).content.decode()
    assert "Sunrise CPA" in page and "Ms Li" in page
    edit = reverse("audits:firm-edit", args=[firm.pk])
    body = {"name": "Sunrise CPA", "qualification": "No. 7", "is_active": "on", "version": 1}
    assert client.post(edit, body).status_code == 302
    firm.refresh_from_db()
    assert firm.qualification == "No. 7" and firm.version == 2
    # the same form again is stale
    body["qualification"] = "No. 8"
    stale = client.post(edit, body).content.decode()
    assert "其他人已保存了此审计机构" in stale
    firm.refresh_from_db()
    assert firm.qualification == "No. 7"


def test_a_firm_name_is_unique_in_the_district(as_user: Any, office: Any, district: Any) -> None:
    AuditFirm.objects.create(district=district, name="Sunrise CPA")
    page = as_user(office).post(reverse("audits:firm-add"), {"name": "Sunrise CPA"})
    assert "已有名为“Sunrise CPA”的审计机构" in page.content.decode()
    assert AuditFirm.objects.count() == 1


def test_firms_are_the_offices(
    as_user: Any, street_official: Any, leader: Any, district: Any
) -> None:
    firm = AuditFirm.objects.create(district=district, name="Sunrise CPA")
    for user in (street_official, leader):
        client = as_user(user)
        assert client.get(reverse("audits:firm-list")).status_code == 404
        assert client.get(reverse("audits:firm-edit", args=[firm.pk])).status_code == 404

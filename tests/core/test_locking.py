"""The optimistic lock of edit forms (core.locking), on an audit firm: a stale version is refused
and saves nothing, an unchanged form saves nothing, a change moves the version on and leaves a
history row with the user and the reason."""

from typing import Any

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from audits.models import AuditFirm
from core.exceptions import ConflictError
from core.locking import locked, save_changes, stale


@pytest.fixture
def firm(district: Any) -> AuditFirm:
    return AuditFirm.objects.create(district=district, name="Sunrise CPA", phone="123")


def _edit(firm: AuditFirm, version: int, values: dict[str, Any], by: Any) -> list[str]:
    with transaction.atomic():
        current = locked(AuditFirm, firm.pk, version)
        return save_changes(current, values, by=by, reason="audit firm updated")


def test_a_stale_version_is_refused_and_saves_nothing(firm: AuditFirm, office: Any) -> None:
    with pytest.raises(ConflictError) as error:
        _edit(firm, firm.version + 1, {"phone": "456"}, office)
    # the apps' message, in the users' language
    assert "其他人在您打开后已保存了此审计机构" in str(error.value)
    firm.refresh_from_db()
    assert (firm.phone, firm.version, firm.history.count()) == ("123", 1, 1)


def test_the_conflict_can_say_the_form_shows_the_current_values(firm: AuditFirm) -> None:
    conflict = stale(AuditFirm, form_refilled=True)
    with transaction.atomic(), pytest.raises(ConflictError) as error:
        locked(AuditFirm.objects.select_related("district"), firm.pk, 7, conflict=conflict)
    assert error.value is conflict
    assert "其他人已保存了此审计机构" in str(error.value)


def test_an_unchanged_form_saves_nothing_and_keeps_the_version(
    firm: AuditFirm, office: Any
) -> None:
    assert _edit(firm, 1, {"name": "Sunrise CPA", "phone": "123"}, office) == []
    firm.refresh_from_db()
    assert (firm.version, firm.history.count()) == (1, 1)


def test_a_change_moves_the_version_on_with_history(firm: AuditFirm, office: Any) -> None:
    changed = _edit(firm, 1, {"name": "Sunrise CPA", "phone": "456"}, office)
    assert changed == ["phone"]
    firm.refresh_from_db()
    assert (firm.phone, firm.version) == ("456", 2)
    record = firm.history.first()
    assert (record.history_user, record.history_change_reason) == (office, "audit firm updated")
    assert (record.phone, record.version) == ("456", 2)
    # the form opened at version 1 is stale now
    with pytest.raises(ConflictError):
        _edit(firm, 1, {"phone": "789"}, office)


def test_only_the_changed_fields_are_written(firm: AuditFirm, office: Any) -> None:
    with transaction.atomic():
        current = locked(AuditFirm, firm.pk, 1)
        # someone else's write to another field meanwhile (no lock in this test's database)
        AuditFirm.objects.filter(pk=firm.pk).update(address="Road 1")
        save_changes(current, {"phone": "456"}, by=office, reason="audit firm updated")
    firm.refresh_from_db()
    assert (firm.phone, firm.address) == ("456", "Road 1")


def test_also_and_force_save_without_a_changed_value(firm: AuditFirm, office: Any) -> None:
    with transaction.atomic():
        current = locked(AuditFirm, firm.pk, 1)
        current.address = "Road 2"  # set by the caller itself
        saved = save_changes(current, {"phone": "123"}, by=office, reason="r1", also=["address"])
    assert saved == ["address"]
    with transaction.atomic():
        current = locked(AuditFirm, firm.pk, 2)
        assert save_changes(current, {}, by=office, reason="rows changed", force=True) == []
    firm.refresh_from_db()
    assert (firm.address, firm.version, firm.history.count()) == ("Road 2", 3, 3)
    assert firm.history.first().history_change_reason == "rows changed"


@pytest.mark.django_db(transaction=True)
def test_locking_needs_a_transaction(district: Any) -> None:
    firm = AuditFirm.objects.create(district=district, name="Sunrise CPA")
    # without one the lock would end at once (and SQLite would not even say so)
    with pytest.raises(TransactionManagementError):
        locked(AuditFirm, firm.pk, 1)

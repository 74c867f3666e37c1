"""The import's check and import run in Celery tasks: progress, exactly once, failure, clean-up."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import grant_assign
from communities.models import Community, CommunityImport, District, Street
from communities.services import CommunityError
from communities.services import imports as import_services
from communities.services.imports import progress_cache_key
from communities.tasks import (
    community_import_apply_task,
    community_import_check_task,
    community_import_files_purge_task,
)
from tests.communities.import_helpers import (
    CJK,
    chinese,
    confirm,
    counts,
    row,
    upload,
    workbook,
)
from tests.factories import CommunityFactory, UserFactory

Status = CommunityImport.Status


def status_url(record: CommunityImport) -> str:
    return reverse("communities:import-status", args=[record.pk])


@pytest.fixture
def office_client(office: User, as_user: Any) -> Client:
    client: Client = as_user(office)
    return client


@pytest.fixture
def checked(office_client: Client, street: Street) -> CommunityImport:
    """An upload of two good rows, checked and waiting for confirmation."""
    upload(office_client, workbook([row(), row(street.name, "Meadow")]))
    record = CommunityImport.objects.get()
    assert record.status == Status.PREVIEWED
    return record


def test_upload_checks_the_file_in_a_task_after_commit(
    office_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = office_client.post(
            reverse("communities:import-upload"),
            {"file": ContentFile(workbook([row()]), name="communities.xlsx")},
        )
    record = CommunityImport.objects.get()
    assert response["Location"] == record.get_absolute_url()
    assert record.status == Status.CHECKING
    # the page polls while the file is being checked
    page = office_client.get(record.get_absolute_url()).content.decode()
    assert f'hx-get="{status_url(record)}"' in page
    assert chinese("The file is being checked. This updates by itself.") in page

    (callback,) = callbacks
    callback()

    record.refresh_from_db()
    assert (record.status, record.progress, record.row_count) == (Status.PREVIEWED, 100, 1)
    fragment = office_client.get(status_url(record)).content.decode()
    assert "hx-trigger" not in fragment
    assert chinese("Confirm the import") in fragment


def test_confirm_enqueues_the_import_which_runs_on_commit(
    office_client: Client,
    office: User,
    checked: CommunityImport,
    django_capture_on_commit_callbacks: Any,
) -> None:
    before = counts()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = office_client.post(checked.get_absolute_url())

    assert response["Location"] == checked.get_absolute_url()
    checked.refresh_from_db()
    assert checked.status == Status.QUEUED
    assert checked.confirmed_by == office
    # nothing is written before the task runs
    assert counts() == before
    fragment = office_client.get(status_url(checked)).content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert chinese("waiting to be imported") in fragment

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    checked.refresh_from_db()
    assert checked.status == Status.APPLIED
    assert Community.objects.filter(name__in=["Lakeside", "Meadow"]).count() == 2
    fragment = office_client.get(status_url(checked)).content.decode()
    assert "hx-trigger" not in fragment
    assert checked.applied_at is not None
    done = chinese(
        "Imported on %(at)s: %(communities)s communities and %(streets)s new streets.",
        at=timezone.localtime(checked.applied_at).strftime("%Y-%m-%d %H:%M"),
        communities=2,
        streets=1,
    )
    assert done in fragment


def test_status_partial_shows_the_progress_of_a_running_import(
    office_client: Client, checked: CommunityImport
) -> None:
    CommunityImport.objects.filter(pk=checked.pk).update(
        status=Status.APPLYING, progress=30, started_at=timezone.now()
    )
    fragment = office_client.get(status_url(checked)).content.decode()
    assert 'aria-valuenow="30"' in fragment
    assert 'hx-trigger="every 1s"' in fragment

    # the writes report through the cache: their transaction is not visible before it commits
    cache.set(progress_cache_key(checked.pk), 70)
    try:
        fragment = office_client.get(status_url(checked)).content.decode()
    finally:
        cache.delete(progress_cache_key(checked.pk))
    assert 'aria-valuenow="70"' in fragment
    assert chinese("being imported") in fragment


def test_a_second_delivery_of_the_task_writes_nothing_more(
    office_client: Client, checked: CommunityImport
) -> None:
    confirm(office_client, checked)
    after_first = counts()
    histories = Community.history.count()

    community_import_apply_task(import_id=str(checked.pk))

    assert counts() == after_first
    assert Community.history.count() == histories
    checked.refresh_from_db()
    assert checked.status == Status.APPLIED


def test_a_delivery_while_another_worker_imports_does_nothing(
    checked: CommunityImport,
) -> None:
    CommunityImport.objects.filter(pk=checked.pk).update(
        status=Status.APPLYING, started_at=timezone.now()
    )
    before = counts()

    community_import_apply_task(import_id=str(checked.pk))

    assert counts() == before
    checked.refresh_from_db()
    assert checked.status == Status.APPLYING


def test_an_import_whose_worker_died_is_taken_over_once_stale(
    office: User, checked: CommunityImport, settings: Any
) -> None:
    # the first worker was killed: its transaction rolled back, the claim stayed
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    CommunityImport.objects.filter(pk=checked.pk).update(
        status=Status.APPLYING, started_at=long_ago, confirmed_by=office
    )

    community_import_apply_task(import_id=str(checked.pk))

    checked.refresh_from_db()
    assert checked.status == Status.APPLIED
    assert Community.objects.filter(name__in=["Lakeside", "Meadow"]).count() == 2


def test_a_row_that_fails_leaves_nothing_written_and_the_reason_shown(
    office_client: Client, checked: CommunityImport, monkeypatch: pytest.MonkeyPatch
) -> None:
    created: list[Community] = []
    real_create = import_services.community_create

    def create_then_fail(**kwargs: Any) -> Community:
        # the second community breaks a rule, after the first was written
        if created:
            raise CommunityError("seats")
        created.append(real_create(**kwargs))
        return created[-1]

    monkeypatch.setattr(import_services, "community_create", create_then_fail)
    before = counts()

    confirm(office_client, checked)

    assert created  # the first row was written, then rolled back with the rest
    assert counts() == before
    assert not Street.objects.filter(name="New Street").exists()
    checked.refresh_from_db()
    assert checked.status == Status.FAILED
    message = chinese(
        "Someone changed the district's streets or communities while the import ran; nothing "
        "was imported. Upload the file again to check it."
    )
    assert CJK.search(message)
    assert message in checked.error
    assert message in office_client.get(status_url(checked)).content.decode()


def test_an_unexpected_error_fails_the_import_with_a_chinese_message(
    office_client: Client, checked: CommunityImport, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> Community:
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_services, "community_create", broken)
    before = counts()

    confirm(office_client, checked)

    assert counts() == before
    checked.refresh_from_db()
    assert checked.status == Status.FAILED
    assert checked.error == chinese(
        "The import stopped because of an unexpected error; nothing was imported. Try again "
        "later, or ask the administrator to look at the server log."
    )
    fragment = office_client.get(status_url(checked)).content.decode()
    assert checked.error in fragment
    assert "hx-trigger" not in fragment


def test_a_community_created_meanwhile_fails_the_import_with_its_row(
    office_client: Client, checked: CommunityImport, street: Street
) -> None:
    CommunityFactory(street=street, name="Meadow")  # someone else was quicker
    before = counts()

    confirm(office_client, checked)

    assert counts() == before
    checked.refresh_from_db()
    assert checked.status == Status.FAILED
    assert checked.error.startswith(
        chinese("The file has %(count)s problem; nothing was imported.") % {"count": 1}
    )
    fragment = office_client.get(status_url(checked)).content.decode()
    assert "Meadow" in fragment


def test_a_check_task_delivered_twice_stores_one_result(checked: CommunityImport) -> None:
    community_import_check_task(import_id=str(checked.pk))

    checked.refresh_from_db()
    assert checked.status == Status.PREVIEWED
    assert checked.preview["row_count"] == 2


@pytest.mark.parametrize("role", ["street_official", "outsider", "member_unit_user"])
def test_others_get_404_for_the_status_and_the_confirmation(
    role: str, request: pytest.FixtureRequest, checked: CommunityImport, as_user: Any
) -> None:
    client = as_user(request.getfixturevalue(role))
    before = counts()

    assert client.get(status_url(checked)).status_code == 404
    assert confirm(client, checked).status_code == 404
    assert counts() == before
    checked.refresh_from_db()
    assert checked.status == Status.PREVIEWED


def test_another_office_user_gets_404_for_the_status(
    checked: CommunityImport, district: District, admin_user: User, as_user: Any
) -> None:
    colleague = UserFactory(username="office2", role=User.Role.OFFICE)
    grant_assign(user=colleague, obj=district, level="manage", by=admin_user)

    assert as_user(colleague).get(status_url(checked)).status_code == 404
    assert as_user(admin_user).get(status_url(checked)).status_code == 200


def _aged(record: CommunityImport, status: str, days: float) -> CommunityImport:
    CommunityImport.objects.filter(pk=record.pk).update(
        status=status, updated_at=timezone.now() - timedelta(days=days)
    )
    record.refresh_from_db()
    return record


def test_cleanup_deletes_old_uploads_and_keeps_the_imports(
    office: User, district: District
) -> None:
    def make(status: str, days: float) -> CommunityImport:
        record = CommunityImport.objects.create(
            district=district,
            uploaded_by=office,
            file=ContentFile(workbook([row()]), name="a.xlsx"),
        )
        return _aged(record, status, days)

    old = [make(Status.APPLIED, 2), make(Status.FAILED, 2), make(Status.PREVIEWED, 1.5)]
    kept = [make(Status.FAILED, 0.5), make(Status.PREVIEWED, 0.1), make(Status.APPLYING, 3)]
    names = {r.pk: r.file.name for r in [*old, *kept]}

    community_import_files_purge_task()
    community_import_files_purge_task()  # a second run finds nothing more to do

    assert CommunityImport.objects.count() == 6
    for record in old:
        record.refresh_from_db()
        assert not record.file
        assert not default_storage.exists(names[record.pk])
    for record in kept:
        record.refresh_from_db()
        assert record.file.name == names[record.pk]
        assert default_storage.exists(names[record.pk])


def test_an_import_whose_file_was_deleted_fails_with_a_clear_message(
    office_client: Client, checked: CommunityImport
) -> None:
    checked.file.delete(save=False)
    CommunityImport.objects.filter(pk=checked.pk).update(file="")

    confirm(office_client, checked)

    checked.refresh_from_db()
    assert checked.status == Status.FAILED
    assert checked.error == chinese("The uploaded file has been deleted; upload it again.")

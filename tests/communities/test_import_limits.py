"""The import under hostile and careless input: bounded previews and messages, formulas without
a result, invisible characters in names, empty files and long names, and lost task messages."""

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client, TestCase
from django.utils import timezone

from accounts.models import User
from communities.importing import (
    MAX_SHARED_STRINGS,
    NEW_STREETS_KEPT,
    PROBLEMS_KEPT,
    ImportFileError,
    workbook_check,
)
from communities.models import Community, CommunityImport, Street
from communities.tasks import community_imports_requeue_task
from tests.communities.import_helpers import (
    CJK,
    UPLOAD,
    chinese,
    confirm,
    row,
    upload,
    workbook,
)
from tests.hostile.corpus import bidi_names, formula_without_result, many_shared_strings

Status = CommunityImport.Status


@pytest.fixture
def office_client(office: User, as_user: Any) -> Client:
    client: Client = as_user(office)
    return client


class NamedUpload(io.BytesIO):
    """A file under any name (Django's upload classes cut a name to 255 characters)."""

    def __init__(self, name: str, content: bytes) -> None:
        super().__init__(content)
        self.name = name


# --- bounded previews and messages ----------------------------------------------------------------


def test_the_stored_preview_of_thousands_of_bad_rows_is_bounded_and_counts_the_rest(
    office_client: Client,
) -> None:
    # three bad cells in each of 3,000 rows, one of them 900 characters long
    rows = [
        row(name=f"C{n}", kind="?" * 900, party_seats="many", residents_seats=-1)
        for n in range(3000)
    ]

    page = upload(office_client, workbook(rows))

    record = CommunityImport.objects.get()
    assert record.status == Status.FAILED
    preview = record.preview
    assert preview["problem_count"] == 9000
    assert len(preview["problems"]) == PROBLEMS_KEPT
    # a few hundred short messages: tens of kilobytes, not the megabytes of the values
    assert len(json.dumps(preview)) < 200_000
    assert len(record.error) < 2_000
    content = page.content.decode()
    assert len(content) < 500_000
    assert chinese(
        "The first %(shown)s are listed; %(more)s more are not.",
        shown=PROBLEMS_KEPT,
        more=9000 - PROBLEMS_KEPT,
    ) in " ".join(content.split())


def test_no_message_quotes_more_than_a_few_dozen_characters_of_a_value(
    office_client: Client, street: Street
) -> None:
    long_name = "名" * 60
    rows = [
        row(kind="类" * 900),
        row(street.name, long_name),
        row(street.name, long_name),
    ]

    upload(office_client, workbook(rows))

    problems = CommunityImport.objects.get().preview["problems"]
    assert len(problems) == 2
    for problem in problems:
        # the row, the column and at most 40 characters of the value around a sentence
        assert len(problem["message"]) < 200, problem
        assert "类" * 41 not in problem["message"]
        assert "名" * 41 not in problem["message"]


# --- formulas, invisible characters ---------------------------------------------------------------


def test_a_formula_without_a_result_is_refused_by_its_cell(office_client: Client) -> None:
    page = upload(office_client, formula_without_result())

    record = CommunityImport.objects.get()
    assert record.status == Status.FAILED
    message = chinese(
        "%(cell)s: the formula has no calculated result. Open the file in Excel, let it "
        "calculate, save it, and upload it again; or type the value instead of the formula.",
        cell="E7",
    )
    assert [p["message"] for p in record.preview["problems"]] == [message]
    assert message in page.content.decode()


def test_names_are_imported_without_invisible_or_direction_characters(
    office_client: Client, district: Any
) -> None:
    page = upload(office_client, bidi_names())
    assert page.context["can_confirm"], page.context["problems"]

    confirm(office_client, CommunityImport.objects.get())

    community = Community.objects.get(street__district=district, name__startswith="Lake")
    assert (community.street.name, community.name) == ("New Street", "Lakeside")


def test_a_title_with_a_zero_width_character_is_still_recognised(office_client: Client) -> None:
    from tests.communities.import_helpers import titles

    header = titles()
    header[0] = "\u200b" + header[0] + "\u2060"

    page = upload(office_client, workbook([row()], header=header))

    assert page.context["can_confirm"], page.context["problems"]


# --- empty files and long names -------------------------------------------------------------------


def test_an_empty_file_gets_its_own_message(office_client: Client) -> None:
    response = upload(office_client, b"", name="communities.xlsx")

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        chinese(
            "The file “%(name)s” is empty (0 bytes); choose the right file and upload it.",
            name="communities.xlsx",
        )
    ]
    assert not CommunityImport.objects.exists()


def test_a_name_of_a_thousand_characters_gets_a_form_error(office_client: Client) -> None:
    name = "名" * 995 + ".xlsx"

    response = office_client.post(UPLOAD, {"file": NamedUpload(name, workbook([row()]))})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        chinese(
            "The file name is longer than %(max)s characters; rename the file and upload it again.",
            max=200,
        )
    ]
    assert not CommunityImport.objects.exists()


def test_an_upload_django_cannot_read_gets_a_page_in_chinese(office_client: Client) -> None:
    # a part header of 30 KB: past what Django's multipart parser reads
    response = office_client.post(
        UPLOAD, {"file": NamedUpload("a" * 30_000 + ".xlsx", workbook([row()]))}
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert chinese("The upload could not be read") in content
    assert CJK.search(content)
    assert not CommunityImport.objects.exists()


def test_the_kept_name_is_cleaned_and_the_stored_name_is_our_own(office_client: Client) -> None:
    name = "../../\u202eevil\u200b.xlsx"

    upload(office_client, workbook([row()]), name=name)

    record = CommunityImport.objects.get()
    assert record.original_name == "evil.xlsx"
    assert record.file.name.startswith("imports/")
    assert "evil" not in record.file.name
    assert record.file.name.endswith(".xlsx")


# --- lost task messages ---------------------------------------------------------------------------


def _aged(record: CommunityImport, minutes: float) -> None:
    CommunityImport.objects.filter(pk=record.pk).update(
        updated_at=timezone.now() - timedelta(minutes=minutes)
    )


def _requeue() -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        community_imports_requeue_task()


def test_an_upload_whose_check_message_was_lost_is_checked_by_the_periodic_task(
    office_client: Client,
) -> None:
    # no on-commit callback runs: the check task's message is never sent
    office_client.post(UPLOAD, {"file": NamedUpload("lost.xlsx", workbook([row()]))})
    office_client.post(UPLOAD, {"file": NamedUpload("fresh.xlsx", workbook([row()]))})
    lost = CommunityImport.objects.get(original_name="lost.xlsx")
    _aged(lost, minutes=settings.IMPORT_REQUEUE_AFTER_SECONDS / 60 + 1)

    _requeue()

    statuses = dict(CommunityImport.objects.values_list("original_name", "status"))
    assert statuses == {"lost.xlsx": Status.PREVIEWED, "fresh.xlsx": Status.CHECKING}


def test_a_confirmed_import_whose_message_was_lost_is_imported_once_by_the_periodic_task(
    office_client: Client, district: Any
) -> None:
    upload(office_client, workbook([row()]))
    record = CommunityImport.objects.get()
    # confirmed, but the import task's message is never sent
    office_client.post(record.get_absolute_url())
    record.refresh_from_db()
    assert record.status == Status.QUEUED
    _requeue()
    # a fresh one is left to its own message
    assert CommunityImport.objects.get().status == Status.QUEUED
    _aged(record, minutes=settings.IMPORT_REQUEUE_AFTER_SECONDS / 60 + 1)

    _requeue()
    _requeue()

    record.refresh_from_db()
    assert record.status == Status.APPLIED
    assert Community.objects.filter(street__district=district, name="Lakeside").count() == 1


def test_the_periodic_task_is_scheduled() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["communities-imports-requeue"]
    assert entry["task"] == "communities.tasks.community_imports_requeue_task"


# --- the table of distinct texts, new streets -----------------------------------------------------


@pytest.mark.parametrize(
    ("count", "is_refused"), [(MAX_SHARED_STRINGS, False), (MAX_SHARED_STRINGS + 1, True)]
)
def test_distinct_texts_are_counted_exactly_across_the_chunks_read(
    count: int, is_refused: bool
) -> None:
    # about 4 MB of shared strings: read in several chunks, with tags cut at their ends
    content = many_shared_strings(count)

    try:
        workbook_check(ContentFile(content, name="upload.xlsx"))
    except ImportFileError as e:
        refusal: str | None = str(e)
    else:
        refusal = None

    assert (refusal is not None) == is_refused, refusal


def test_a_preview_of_many_new_streets_lists_the_first_and_counts_the_rest(
    office_client: Client,
) -> None:
    rows = [row(street=f"Street {n}", name=f"C{n}") for n in range(NEW_STREETS_KEPT + 30)]

    page = upload(office_client, workbook(rows))

    preview = CommunityImport.objects.get().preview
    assert preview["new_street_count"] == NEW_STREETS_KEPT + 30
    assert len(preview["new_streets"]) == NEW_STREETS_KEPT
    assert chinese("And %(more)s more streets.", more=30) in page.content.decode()

"""Evidence files and public notices: type and size checks, storage, downloads behind the scope."""

from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from election.models import Campaign, Evidence, PlanStep, PublicNotice
from election.services.evidence import EvidenceError, evidence_add, sniff_type
from election.services.notices import notice_add
from election.services.plans import PlanError, stage_close, step_update
from tests.election.conftest import E

TODAY = date(2026, 12, 10)
HTMX = {"HTTP_HX_REQUEST": "true"}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"0" * 100
HEIC = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 100
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def step_of(community: Any, code: str = "voter-list") -> PlanStep:
    return PlanStep.objects.select_related("stage", "plan", "template").get(
        plan__community=community, template__code=code
    )


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (PDF, "application/pdf"),
        (HEIC, "image/heic"),
        (WEBP, "image/webp"),
        (EXE, None),
        (b"<html>", None),
    ],
)
def test_the_type_comes_from_the_files_content(content: bytes, expected: str | None) -> None:
    assert sniff_type(content[:16]) == expected


def test_an_official_attaches_a_photo_to_a_step(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any, settings: Any
) -> None:
    step = step_of(community)
    response = as_user(street_official).post(
        reverse("election:evidence-add", args=[step.pk]),
        {"file": upload("\u540d\u5355 photo.jpg", JPEG)},
        **HTMX,
    )
    assert response.status_code == 200
    evidence = Evidence.objects.get(step=step)
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "\u540d\u5355 photo.jpg",
        "image/jpeg",
        len(JPEG),
    )
    assert evidence.uploaded_by == street_official
    # stored under MEDIA_ROOT with a fresh name, not the user's
    assert evidence.file.name.startswith(f"evidence/{step.plan_id}/{step.pk}/")
    assert evidence.file.name.endswith(".jpg")
    assert (settings.MEDIA_ROOT / evidence.file.name).read_bytes() == JPEG
    # the editor comes back listing the file
    assert "\u540d\u5355 photo.jpg" in response.content.decode()


def test_a_renamed_program_is_refused(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community)
    response = as_user(street_official).post(
        reverse("election:evidence-add", args=[step.pk]),
        {"file": upload("photo.jpg", EXE, "image/jpeg")},
        **HTMX,
    )
    assert "photo.jpg" in response.context["error"]
    assert not Evidence.objects.exists()


@override_settings(EVIDENCE_MAX_BYTES=100)
def test_an_oversized_file_is_refused(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    with pytest.raises(EvidenceError):
        evidence_add(step=step_of(community), file=upload("big.jpg", JPEG), by=street_official)
    assert not Evidence.objects.exists()


def test_an_empty_file_is_refused(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    with pytest.raises(EvidenceError):
        evidence_add(step=step_of(community), file=upload("e.jpg", b""), by=street_official)


@pytest.mark.parametrize(
    ("name", "content"), [("scan.pdf", PDF), ("board.png", PNG), ("IMG_1.HEIC", HEIC)]
)
def test_pdfs_and_other_photo_types_are_accepted(
    name: str, content: bytes, running_campaign: Campaign, community: Any, street_official: User
) -> None:
    evidence = evidence_add(step=step_of(community), file=upload(name, content), by=street_official)
    assert evidence.history.first().history_change_reason == "evidence added"


def test_no_evidence_is_added_to_a_closed_stage(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "forums")
    step = step_update(step=step, version=step.version, data={"status": "done"}, by=street_official)
    stage_close(stage=step.stage, by=street_official)
    with pytest.raises(PlanError):
        evidence_add(step=step, file=upload("a.jpg", JPEG), by=street_official)
    response = as_user(street_official).post(
        reverse("election:evidence-add", args=[step.pk]), {"file": upload("a.jpg", JPEG)}
    )
    assert response.status_code == 302
    assert not Evidence.objects.exists()


def test_downloads_pass_the_plans_access_check(
    running_campaign: Campaign,
    community: Any,
    street_official: User,
    leader: User,
    outsider: User,
    as_user: Any,
) -> None:
    evidence = evidence_add(
        step=step_of(community), file=upload("../../minutes.jpg", JPEG), by=street_official
    )
    url = reverse("election:evidence-download", args=[evidence.pk])
    response = as_user(leader).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="minutes.jpg"'
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == JPEG
    assert as_user(outsider).get(url).status_code == 404


def test_a_download_is_named_after_what_the_file_really_is(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    evidence = evidence_add(
        step=step_of(community), file=upload("report.exe", PDF), by=street_official
    )
    response = as_user(street_official).get(
        reverse("election:evidence-download", args=[evidence.pk])
    )
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    response.close()


# --- public notices ---


def notice_data(**changes: Any) -> dict[str, Any]:
    data = {
        "title": "Voter list",
        "place": "Notice board",
        "posted_on": E - timedelta(days=18),
        "taken_down_on": None,
    }
    data.update(changes)
    return data


def test_a_notice_posted_too_late_turns_the_step_red_and_an_earlier_one_does_not(
    running_campaign: Campaign, community: Any, other_community: Any, street_official: User
) -> None:
    notice = notice_add(step=step_of(community), data=notice_data(), photo=None, by=street_official)
    assert notice.history.first().history_change_reason == "notice added"
    step = step_of(community)
    assert step.is_red
    assert "18" in step.red_reason
    notice_add(
        step=step_of(other_community),
        data=notice_data(posted_on=E - timedelta(days=20)),
        photo=None,
        by=street_official,
    )
    assert not step_of(other_community).is_red


def test_the_same_notice_sent_twice_is_recorded_once(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    first = notice_add(step=step_of(community), data=notice_data(), photo=None, by=street_official)
    again = notice_add(step=step_of(community), data=notice_data(), photo=None, by=street_official)
    assert first.pk == again.pk
    assert PublicNotice.objects.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"posted_on": TODAY + timedelta(days=1)},
        {"taken_down_on": E - timedelta(days=19)},
        {"title": " "},
    ],
)
def test_notice_guards(
    changes: dict[str, Any], running_campaign: Campaign, community: Any, street_official: User
) -> None:
    with pytest.raises(PlanError):
        notice_add(
            step=step_of(community), data=notice_data(**changes), photo=None, by=street_official
        )
    assert not PublicNotice.objects.exists()


def test_a_notice_photo_gets_the_evidence_checks(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    with pytest.raises(EvidenceError):
        notice_add(
            step=step_of(community),
            data=notice_data(),
            photo=upload("board.jpg", EXE),
            by=street_official,
        )
    assert not PublicNotice.objects.exists()


def test_no_notice_is_added_to_a_closed_stage(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    step = step_of(community, "forums")
    step = step_update(step=step, version=step.version, data={"status": "done"}, by=street_official)
    stage_close(stage=step.stage, by=street_official)
    with pytest.raises(PlanError):
        notice_add(step=step, data=notice_data(), photo=None, by=street_official)


def test_the_notice_form_suggests_places_and_saves_with_a_photo(
    running_campaign: Campaign,
    community: Any,
    street_official: User,
    outsider: User,
    leader: User,
    as_user: Any,
) -> None:
    step = step_of(community)
    client = as_user(street_official)
    url = reverse("election:notice-add", args=[step.pk])
    form = client.get(url)
    assert 'list="notice-places"' in form.content.decode()
    assert len(form.context["places"]) >= 3
    response = client.post(
        url,
        {
            "title": "Voter list",
            "place": "Notice board",
            "posted_on": (E - timedelta(days=21)).isoformat(),
            "photo": upload("board.png", PNG),
        },
    )
    assert response.status_code == 302
    notice = PublicNotice.objects.get(step=step)
    assert notice.created_by == street_official
    photo_url = reverse("election:notice-photo", args=[notice.pk])
    photo = as_user(leader).get(photo_url)
    assert photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == PNG
    assert as_user(outsider).get(photo_url).status_code == 404
    assert as_user(outsider).get(url).status_code == 404
    assert as_user(leader).get(url).status_code == 404


def test_a_notice_without_a_photo_has_no_photo_page(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    notice = notice_add(step=step_of(community), data=notice_data(), photo=None, by=street_official)
    response = as_user(street_official).get(reverse("election:notice-photo", args=[notice.pk]))
    assert response.status_code == 404


def test_the_notice_form_refuses_a_notice_taken_down_before_it_went_up(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community)
    response = as_user(street_official).post(
        reverse("election:notice-add", args=[step.pk]),
        {
            "title": "Voter list",
            "place": "Notice board",
            "posted_on": "2026-12-01",
            "taken_down_on": "2026-11-30",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["taken_down_on"]
    assert not PublicNotice.objects.exists()


class NamedUpload(BytesIO):
    """A file under any name (Django's upload classes cut a name to 255 characters)."""

    def __init__(self, name: str, content: bytes) -> None:
        super().__init__(content)
        self.name = name


def _in_chinese(msgid: str, **params: Any) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid) % params


def test_an_empty_file_is_named_empty_not_missing(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community)
    response = as_user(street_official).post(
        reverse("election:evidence-add", args=[step.pk]),
        {"file": NamedUpload("scan.pdf", b"")},
        **HTMX,
    )
    assert response.context["error"] == _in_chinese(
        "The file “%(name)s” is empty (0 bytes); choose the right file and upload it.",
        name="scan.pdf",
    )
    assert not Evidence.objects.exists()


def test_a_name_of_a_thousand_characters_is_a_form_error_on_both_uploads(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any, settings: Any
) -> None:
    step = step_of(community)
    client = as_user(street_official)
    name = "\u540d" * 996 + ".jpg"
    message = _in_chinese(
        "The file name is longer than %(max)s characters; rename the file and upload it again.",
        max=200,
    )
    evidence = client.post(
        reverse("election:evidence-add", args=[step.pk]),
        {"file": NamedUpload(name, JPEG)},
        **HTMX,
    )
    notice = client.post(
        reverse("election:notice-add", args=[step.pk]),
        {**notice_data(taken_down_on=""), "photo": NamedUpload(name, PNG)},
    )
    assert evidence.context["error"] == message
    assert notice.status_code == 200
    assert notice.context["form"].errors["photo"] == [message]
    assert not Evidence.objects.exists()
    assert not PublicNotice.objects.exists()


def test_the_kept_name_is_cleaned_of_direction_characters(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    evidence = evidence_add(
        step=step_of(community),
        file=upload("scan\u202egpj.exe\u200b.jpg", JPEG),
        by=street_official,
    )
    assert evidence.original_name == "scangpj.exe.jpg"
    assert evidence.file.name.endswith(".jpg")
    assert "scan" not in evidence.file.name

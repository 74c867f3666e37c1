"""No file under MEDIA_ROOT is served directly, in any settings; names of stored files are random.

Report files, evidence, notice photos and uploaded workbooks are only reached through their views,
after the access check (`reports:download`, `election:evidence-download`, `election:notice-photo`;
an uploaded workbook is never downloaded at all).
"""

import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import clear_url_caches, converters, get_resolver, reverse

import config.urls
from accounts.models import User
from communities.models import CommunityImport, District, Street, _import_file_path
from election.models import evidence_path, notice_photo_path
from reports.models import ReportRun
from reports.services import report_render, report_run_request
from tests.reports.conftest import FakeWriter

pytestmark = pytest.mark.django_db


def _urls_reload(monkeypatch: pytest.MonkeyPatch) -> None:
    # the urlconf registers the `id` converter as it is imported; registering it twice is refused
    monkeypatch.delitem(converters.REGISTERED_CONVERTERS, "id")
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def debug_urls(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The URLs as `make run` builds them: DEBUG on, the urlconf imported again under it."""
    debug = settings.DEBUG
    settings.DEBUG = True
    _urls_reload(monkeypatch)
    yield
    settings.DEBUG = debug
    _urls_reload(monkeypatch)


def _stored_files(district: District, street: Street) -> list[str]:
    """One file of each kind on disk, at the names their code gives them."""
    run = ReportRun.objects.create(
        district=district, street=street, iso_year=2026, iso_week=48, kind="pdf"
    )
    report_render(run_id=run.pk)
    step = SimpleNamespace(step=SimpleNamespace(plan_id=1), step_id=2)
    names = [
        ReportRun.objects.get(pk=run.pk).file.path,
        evidence_path(step, "photo.jpg"),
        notice_photo_path(step, "notice.png"),
        _import_file_path(CommunityImport(), "upload.xlsx"),
    ]
    for name in names[1:]:
        path = Path(settings.MEDIA_ROOT) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"secret")
    return names


def test_the_urlconf_has_no_route_to_the_media_root(debug_urls: None) -> None:
    patterns = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not [p for p in patterns if "media" in p.lower()], patterns


@pytest.mark.parametrize("who", ["anonymous", "outsider", "office"])
def test_no_stored_file_is_served_from_the_media_url_even_under_debug(
    debug_urls: None,
    district: District,
    street: Street,
    outsider: User,
    office: User,
    fake_writer: FakeWriter,
    who: str,
) -> None:
    names = _stored_files(district, street)
    client = Client()
    if who != "anonymous":
        client.force_login({"outsider": outsider, "office": office}[who])

    for name in names:
        assert (Path(settings.MEDIA_ROOT) / name).is_file()
        response = client.get(f"{settings.MEDIA_URL}{name}")
        assert response.status_code == 404, name


def test_the_download_view_still_serves_the_report_to_its_reader_under_debug(
    debug_urls: None,
    district: District,
    street: Street,
    street_official: User,
    fake_writer: FakeWriter,
) -> None:
    run = ReportRun.objects.create(
        district=district, street=street, iso_year=2026, iso_week=48, kind="pdf"
    )
    report_render(run_id=run.pk)
    run.refresh_from_db()
    client = Client()
    client.force_login(street_official)

    response = client.get(reverse("reports:download", args=[run.file.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_two_renders_of_the_same_week_have_different_names_that_tell_nothing(
    district: District, fake_writer: FakeWriter, django_capture_on_commit_callbacks: Any
) -> None:
    kwargs: dict[str, Any] = {"district": district, "iso_year": 2026, "iso_week": 48}
    with django_capture_on_commit_callbacks(execute=True):
        first = report_run_request(**kwargs, kind="pdf", by=None)
    with django_capture_on_commit_callbacks(execute=True):
        second = report_run_request(**kwargs, kind="pdf", by=None, force=True)

    names = [ReportRun.objects.get(pk=run.pk).file.path for run in (first, second)]
    assert names[0] != names[1]
    for name in names:
        # 32 random hex digits and the format: no room for the district's code or the week
        assert re.fullmatch(r"reports/[0-9a-f]{32}\.pdf", name), name
        assert district.code not in name and "W48" not in name


def test_uploads_are_stored_under_random_names() -> None:
    step = SimpleNamespace(step=SimpleNamespace(plan_id=1), step_id=2)
    for upload_to, prefix in (
        (evidence_path, "evidence/1/2/"),
        (notice_photo_path, "notices/1/2/"),
    ):
        names = {upload_to(step, "IMG_0001.JPG") for _ in range(2)}
        assert len(names) == 2
        for name in names:
            assert re.fullmatch(re.escape(prefix) + r"[0-9a-f]{32}\.jpg", name), name
        # only a plain extension survives from the name it was given
        odd = upload_to(step, "x.php%00.jpg/../..")
        assert re.fullmatch(re.escape(prefix) + r"[0-9a-f]{32}", odd), odd
    community_import = CommunityImport()
    imports = {_import_file_path(community_import, "upload.xlsx") for _ in range(2)}
    assert len(imports) == 2
    for name in imports:
        assert re.fullmatch(r"imports/[0-9a-f]{32}\.xlsx", name), name
        assert community_import.pk.hex not in name

"""Every hostile file of the corpus, sent to every upload of the site.

Each upload is an `UploadTarget`: how to send a file to it as the user who may, and what the page
shows. A file is either refused, with a message in Chinese and nothing left behind (no new row in
any table, no file under MEDIA_ROOT), or accepted in bounded time. An upload added later joins by
adding its target to TARGETS.

The community import is refused in two places: the upload form (what can be seen without
opening the workbook) and its check task (what reading the sheet finds). A file the check
refuses leaves the import's own record, in status refused, which is how its page shows the
reasons, and the upload's line in the security log; the refused file itself is deleted.
"""

import html
import io
import re
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client, TestCase
from django.urls import reverse

from accounts.models import User
from communities.models import Community, CommunityImport
from election.models import PlanStep
from tests.hostile.corpus import CORPUS, HostileFile

CJK = re.compile(r"[\u4e00-\u9fff]")
# a refused file is refused quickly; an accepted one is checked within this (a loaded CI machine)
SECONDS_MAX = 120
ACCEPTED_PEAK_BYTES_MAX = 100 * 1024 * 1024
# what the pages show as errors: field errors, alerts, and the import's list of problems
ERROR_BLOCKS = re.compile(
    r'<(div|td) class="(?:invalid-feedback[^"]*|alert alert-danger|cell-plain)"[^>]*>(.*?)</\1>',
    re.DOTALL,
)


class Upload(io.BytesIO):
    """A file as the test client sends it, under any name (Django's own upload classes cut a
    name to 255 characters before it is sent, so they cannot send the long names)."""

    def __init__(self, hostile: HostileFile) -> None:
        super().__init__(hostile.content())
        self.name = hostile.name
        self.content_type = hostile.content_type


@dataclass(frozen=True)
class Sent:
    response: Any
    # whether the upload was accepted (the file kept and the page shows it)
    is_accepted: bool
    # rows the refusal may leave: {model label: how many}
    refusal_rows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class UploadTarget:
    name: str
    send: Callable[["Context", Upload], Sent]


@dataclass(frozen=True)
class Context:
    office: Client
    official: Client
    step: PlanStep


def _errors(response: Any) -> list[str]:
    content = response.content.decode()
    texts = [re.sub(r"<[^>]+>", " ", m.group(2)) for m in ERROR_BLOCKS.finditer(content)]
    return [" ".join(html.unescape(t).split()) for t in texts if t.strip()]


def _send_import(context: Context, upload: Upload) -> Sent:
    before = set(CommunityImport.objects.values_list("pk", flat=True))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = context.office.post(reverse("communities:import-upload"), {"file": upload})
    if response.status_code != 302:
        return Sent(response, is_accepted=False)
    record = CommunityImport.objects.exclude(pk__in=before).get()
    page = context.office.get(response["Location"])
    if record.status == CommunityImport.Status.PREVIEWED:
        return Sent(page, is_accepted=True)
    assert record.status == CommunityImport.Status.FAILED
    return Sent(
        page,
        is_accepted=False,
        refusal_rows={"communities.CommunityImport": 1, "accounts.SecurityEvent": 1},
    )


def _send_evidence(context: Context, upload: Upload) -> Sent:
    response = context.official.post(
        reverse("election:evidence-add", args=[context.step.pk]),
        {"file": upload},
        HTTP_HX_REQUEST="true",
    )
    is_accepted = response.status_code == 200 and not response.context["error"]
    return Sent(response, is_accepted=is_accepted)


def _send_notice(context: Context, upload: Upload) -> Sent:
    response = context.official.post(
        reverse("election:notice-add", args=[context.step.pk]),
        {
            "title": "Voter list",
            "place": "Notice board",
            "posted_on": "2026-11-20",
            "photo": upload,
        },
    )
    return Sent(response, is_accepted=response.status_code == 302)


# which uploads accept which files of the corpus: every other file must be refused
PHOTOS = {"pdf-renamed", "png-renamed", "jpeg-polyglot", "jpeg-named-xlsx"}
ACCEPTED = {
    "import": {
        "bidi-names",
        "bidi-file-name",
        "huge-dimension",
        "path-traversal-name",
        "nul-in-name",
    },
    # a photo or PDF is accepted by its content, whatever its name, and stored under the
    # extension of what it really is
    "evidence": PHOTOS,
    "notice-photo": PHOTOS,
}

TARGETS = [
    UploadTarget("import", _send_import),
    UploadTarget("evidence", _send_evidence),
    UploadTarget("notice-photo", _send_notice),
]


def _rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def context(
    running_campaign: Any, community: Community, office: User, street_official: User
) -> Context:
    office_client, official_client = Client(), Client()
    office_client.force_login(office)
    official_client.force_login(street_official)
    step = PlanStep.objects.get(plan__community=community, template__code="voter-list")
    return Context(office=office_client, official=official_client, step=step)


def test_the_corpus_holds_at_least_25_hostile_files() -> None:
    assert len(CORPUS) >= 25
    assert len({f.key for f in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
@pytest.mark.parametrize("hostile", CORPUS, ids=lambda f: f.key)
def test_a_hostile_file_is_refused_in_chinese_leaving_nothing_or_accepted_in_bounded_time(
    hostile: HostileFile, target: UploadTarget, context: Context
) -> None:
    upload = Upload(hostile)
    rows, files = _rows(), _files()
    is_expected = hostile.key in ACCEPTED[target.name]
    started = time.monotonic()
    if is_expected:
        # what an accepted file costs the request and its tasks (Python's allocations)
        tracemalloc.start()

    sent = target.send(context, upload)

    assert time.monotonic() - started < SECONDS_MAX
    if is_expected:
        _size, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < ACCEPTED_PEAK_BYTES_MAX, peak
    assert sent.response.status_code < 500
    assert sent.is_accepted == is_expected
    if sent.is_accepted:
        return
    errors = _errors(sent.response)
    assert errors, sent.response.content.decode()[:2000]
    # every message shown is in Chinese: none is left in English, none is Django's bare 400
    assert all(CJK.search(e) for e in errors), errors
    # the message never repeats the hostile text at length
    assert all(len(e) < 600 for e in errors), [len(e) for e in errors]
    # nothing left behind: no file, and no row but the refused import's own record
    assert _files() == files
    changed = {k: v - rows[k] for k, v in _rows().items() if v != rows[k]}
    assert changed == sent.refusal_rows

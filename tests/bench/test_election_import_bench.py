"""Importing 10,000 nominees takes at most three times what openpyxl alone needs to read the file,
and at most 30 queries per 500 rows (issue 11).

Run with `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test RUN_BENCH=1 .venv/bin/python -m
pytest tests/bench/test_election_import_bench.py -q -s`; the figures go in BENCHMARKS.md.

A district of 200 communities in 10 streets, a running campaign with a plan for each, and a
workbook of the nominee template with ROWS rows (names, dates, ID numbers all different). Timed,
each the median of RUNS:

- openpyxl alone: `load_workbook(read_only=True, data_only=True)` and every row's values;
- the check (the dry run the upload starts): the file's refusals, reading, the campaign check;
- the import (the confirmed task): reading and checking again, then the bulk writes with history,
  in one transaction; rolled back between runs except the last, counted with its queries.
"""

import statistics
import time
from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from accounts.models import User
from election.importing.services import election_import_apply, election_import_check
from election.models import Campaign, Candidate, ElectionImport, RuleSet
from election.services.plans import campaign_start
from tests.election.matrix_imports import id_with_check, nominee, titles
from tests.factories import CommunityFactory, DistrictFactory, StreetFactory, UserFactory

ROWS = 10_000
RUNS = 3
MAX_RATIO = 3.0
MAX_QUERIES_PER_500 = 30


class _Rollback(Exception):
    pass


def _workbook(communities: list[Any]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("提名人选")
    sheet.append(titles("nominees"))
    first = date(1960, 1, 1)
    for n in range(ROWS):
        place = communities[n % len(communities)]
        born = first + timedelta(days=(n * 7) % 14_000)
        id_number = id_with_check(f"110105{born:%Y%m%d}{n % 1000:03d}")
        sheet.append(
            nominee(
                place.street.name,
                place.name,
                name=f"候选人{n:05d}",
                birth_date=born.isoformat(),
                id_number=id_number,
                body="党组织" if n % 2 else "居委会",
                post_sought="委员",
            )
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _openpyxl_alone(content: bytes) -> float:
    started = time.perf_counter()
    book = load_workbook(BytesIO(content), read_only=True, data_only=True, keep_links=False)
    count = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert count == ROWS + 1
    return time.perf_counter() - started


def _upload(campaign: Campaign, office: User, content: bytes) -> ElectionImport:
    record = ElectionImport(campaign=campaign, kind="nominees", created_by=office)
    record.file.save("bench.xlsx", ContentFile(content), save=False)
    record.save()
    return record


@pytest.mark.bench
@pytest.mark.django_db(transaction=True)
def test_ten_thousand_nominees_within_three_times_openpyxl_and_30_queries_per_500() -> None:
    district = DistrictFactory(name="Import district", code="import-bench")
    admin = UserFactory(username="import_admin", is_superuser=True, is_staff=True, role="")
    communities = []
    for s in range(10):
        street = StreetFactory(district=district, name=f"街道{s:02d}")
        communities += [
            CommunityFactory(street=street, name=f"社区{s:02d}{c:02d}") for c in range(20)
        ]
    rules = RuleSet.objects.filter(is_default=True).first() or RuleSet.objects.first()
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        district=district,
        rule_set=rules,
        name="Import bench",
        starts_on=today,
        election_on=today + timedelta(days=60),
        party_election_on=today + timedelta(days=40),
    )
    campaign_start(campaign=campaign, by=admin)
    assert campaign.plans.count() == 200
    content = _workbook(communities)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    openpyxl_times = [_openpyxl_alone(content) for _ in range(RUNS)]

    check_times = []
    for _ in range(RUNS):
        record = _upload(campaign, admin, content)
        started = time.perf_counter()
        election_import_check(import_id=str(record.pk))
        check_times.append(time.perf_counter() - started)
        record.refresh_from_db()
        assert record.status == ElectionImport.Status.PREVIEWED, record.row_errors[:3]

    import_times = []
    queries = 0
    for run in range(RUNS):
        record = _upload(campaign, admin, content)
        ElectionImport.objects.filter(pk=record.pk).update(
            status=ElectionImport.Status.QUEUED, confirmed_by=admin
        )
        last = run == RUNS - 1
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            try:
                with transaction.atomic():
                    election_import_apply(import_id=str(record.pk))
                    import_times.append(time.perf_counter() - started)
                    if not last:
                        raise _Rollback
            except _Rollback:
                pass
        queries = len(captured)
    assert Candidate.objects.filter(plan__campaign=campaign).count() == ROWS
    assert ElectionImport.objects.filter(status="applied").count() == 1

    openpyxl_s = statistics.median(openpyxl_times)
    check_s = statistics.median(check_times)
    import_s = statistics.median(import_times)
    per_500 = queries * 500 / ROWS
    lines = [
        "",
        f"rows: {ROWS:,} nominees, {len(content) / 1024:,.0f} KB",
        f"openpyxl alone (read-only, every row): {openpyxl_s * 1000:,.0f} ms",
        f"check (dry run): {check_s * 1000:,.0f} ms = {check_s / openpyxl_s:.2f} x openpyxl",
        f"import (read, check, write with history): {import_s * 1000:,.0f} ms "
        f"= {import_s / openpyxl_s:.2f} x openpyxl",
        f"import queries: {queries} = {per_500:.1f} per 500 rows",
    ]
    print("\n".join(lines))  # noqa: T201 - the benchmark's report
    assert import_s <= MAX_RATIO * openpyxl_s, lines
    assert check_s <= MAX_RATIO * openpyxl_s, lines
    assert per_500 <= MAX_QUERIES_PER_500, lines

"""Who sees which report run, and who may ask for one. Asks the scope rule in
`communities.permissions`.

Reading: a district's own report needs a view grant on the district (office, discipline,
supervision); a street's report needs a view grant on that street or its district (its officials,
and the district's readers). Generating is a write: a district's report needs an edit grant on the
district (the office), a street's report an edit grant on the street or its district (its officials,
the office); read-only roles may not. Anything else is a 404 (OutOfScope).
"""

from uuid import UUID

from django.db.models import Q, QuerySet

from accounts.models import User
from communities.models import District, Street
from communities.permissions import OutOfScope, districts_for_user, streets_for_user
from core.http import id_parse

from .models import ReportFile, ReportRun

VIEW = "view_community"
GENERATE = "change_community"


def runs_for_user(user: User) -> QuerySet[ReportRun]:
    """The runs the user may see and download (one query; the grants are subqueries)."""
    districts = districts_for_user(user, perm=VIEW).values("pk")
    streets = streets_for_user(user, perm=VIEW).values("pk")
    return ReportRun.objects.filter(
        Q(street__isnull=True, district__in=districts) | Q(street__in=streets)
    ).select_related("district", "street")


def access_run(user: User, pk: int) -> ReportRun:
    run = runs_for_user(user).filter(pk=pk).select_related("file").first()
    if run is None:
        raise OutOfScope
    return run


def access_report_file(user: User, pk: UUID) -> ReportFile:
    """A finished run's file, after the same check as its run, or Http404."""
    report_file = (
        ReportFile.objects.filter(pk=pk, run__in=runs_for_user(user).values("pk"))
        .select_related("run__district", "run__street")
        .first()
    )
    if report_file is None:
        raise OutOfScope
    return report_file


def report_districts_for_user(user: User) -> QuerySet[District]:
    """Districts whose own report the user may ask for (an edit grant on the district)."""
    return districts_for_user(user, perm=GENERATE).order_by("name")


def report_streets_for_user(user: User) -> QuerySet[Street]:
    """Streets whose report the user may ask for (an edit grant on the street or its district)."""
    return streets_for_user(user, perm=GENERATE).order_by("district__name", "name")


def access_report_scope(user: User, *, scope: str) -> tuple[District, Street | None]:
    """The district (and street) of the report the user asks for, from the form's `scope`
    (`district-<id>` or `street-<id>`), when the user may generate it; otherwise Http404, also for
    a `scope` that names nothing."""
    level, _dash, raw_id = scope.partition("-")
    pk = id_parse(raw_id)
    if pk is not None and level == "street":
        street = report_streets_for_user(user).filter(pk=pk).first()
        if street is not None:
            return street.district, street
    elif pk is not None and level == "district":
        district = report_districts_for_user(user).filter(pk=pk).first()
        if district is not None:
            return district, None
    raise OutOfScope

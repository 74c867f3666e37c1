"""China's official calendar as data: public holidays and swapped working days (调休).

`CalendarDay` rows hold the days that differ from the plain week; `calendar_load` fills them
from the `chinese_calendar` package for the years it covers, and the office corrects or adds days
in the admin (a new year is published by the State Council in the autumn before). The rule
engine reads them once per computation through `election.rules.WorkCalendar`.
"""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from ..models import CalendarDay
from ..rules import PlanDates, WorkCalendar

SOURCE = "chinese_calendar %(version)s"
# steps fall within months of a plan's days; a year either side covers any rule set's offsets
CALENDAR_MARGIN_DAYS = 400

# the package names holidays in English; the office reads Chinese (data, not interface text)
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def package_days() -> tuple[list[tuple[date, bool, str]], str]:
    """(day, is_working_day, name) of every holiday and swapped working day the package knows,
    and the source text naming the package's version."""
    import chinese_calendar
    from chinese_calendar.constants import holidays, workdays

    days = [(d, False, HOLIDAY_NAMES.get(n, n)) for d, n in holidays.items()]
    # a swapped working day carries the name of the holiday it pays for
    days += [(d, True, HOLIDAY_NAMES.get(n, n)) for d, n in workdays.items() if d.weekday() >= 5]
    version = getattr(chinese_calendar, "__version__", "")
    return sorted(days), (SOURCE % {"version": version}).strip()


@transaction.atomic
def calendar_load(*, apps: Any = None) -> int:
    """Add the package's days that the calendar does not have yet; returns how many were added.

    Days already present are left alone, so a day the office corrected in the admin keeps its
    correction. Idempotent. `apps` is a migration's app registry.
    """
    model = apps.get_model("election", "CalendarDay") if apps else CalendarDay
    days, source = package_days()
    have = set(model.objects.values_list("day", flat=True))
    new = [
        model(day=d, is_working_day=working, name=name, source=source)
        for d, working, name in days
        if d not in have
    ]
    if apps is not None:
        model.objects.bulk_create(new)  # a migration's historical model keeps no history
    else:
        bulk_create_with_history(new, CalendarDay, default_change_reason="calendar loaded")
    return len(new)


def work_calendar(start: date, end: date) -> WorkCalendar:
    """The working-day calendar between `start` and `end` (one query), with a margin after
    `end` for periods that run past it."""
    rows = CalendarDay.objects.filter(
        day__gte=start, day__lte=end + timedelta(days=CALENDAR_MARGIN_DAYS)
    ).values_list("day", "is_working_day")
    return WorkCalendar(dict(rows))


def plan_calendar(*plans_dates: PlanDates) -> WorkCalendar:
    """The calendar that covers the due dates and checks of plans with these dates."""
    days = [
        d
        for p in plans_dates
        for d in (p.starts_on, p.election_on, p.party_election_on, p.committee_formed_on)
        if d is not None
    ]
    return work_calendar(min(days) - timedelta(days=CALENDAR_MARGIN_DAYS), max(days))

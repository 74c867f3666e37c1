"""Fill the calendar with China's public holidays and swapped working days (chinese_calendar)."""

from django.db import migrations


def fill(apps, schema_editor):
    from election.services.calendar import calendar_load

    calendar_load(apps=apps)


def empty(apps, schema_editor):
    apps.get_model("election", "CalendarDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("election", "0005_step_units_objections_calendar"),
    ]

    operations = [
        migrations.RunPython(fill, empty),
    ]

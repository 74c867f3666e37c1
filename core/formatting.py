"""How numbers are written in the reports and statistics, the same in the PDF, the HTML pages
and the workbooks' text: a thousands separator ("1,234", which Django's zh-Hans locale leaves
out) and percentages in the Chinese style ("48%": no space, no decimals unless the share is not
whole)."""

from decimal import Decimal

DASH = "\u2013"  # the en dash the templates show for "nothing to count"


def thousands(value: object) -> str:
    """ "1,234" for 1234 (a float is rounded to a whole number); the dash for None or ""."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    return f"{round(value):,}"


def percent(value: object) -> str:
    """ "48%" for 48, "12.5%" for 12.5; the dash for None or ""."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if value == int(value):
        return f"{int(value):,}%"
    return f"{float(value):,.1f}".rstrip("0").rstrip(".") + "%"


def signed(value: object) -> str:
    """ "+12" for a rise, "-3" for a fall, "0"; the dash for None."""
    if value is None or value == "":
        return DASH
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and value > 0:
        return "+" + thousands(value)
    return thousands(value)

"""Numbers in the interface are written the way the office writes them: 12,345."""

from django.template import Context, Template
from django.utils import translation


def test_large_numbers_carry_thousands_separators_in_chinese() -> None:
    template = Template("{% load humanize %}{{ n|intcomma }} · {{ year }} · {{ n }}")
    with translation.override("zh-hans"):
        text = template.render(Context({"n": 1234567, "year": 2026}))
    # the grouped figure for reading; a year or a plain figure stays as it is
    assert text == "1,234,567 · 2026 · 1234567"

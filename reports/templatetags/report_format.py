"""The report's number filters: `{{ n|thousands }}`, `{{ share|percent }}`, `{{ delta|signed }}`
(see core/formatting.py)."""

from django import template

from core import formatting

register = template.Library()

register.filter("thousands", formatting.thousands)
register.filter("percent", formatting.percent)
register.filter("signed", formatting.signed)

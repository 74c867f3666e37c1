"""`{% optional_url 'app:name' arg as var %}`: the URL, or "" when no such URL is defined.

The home pages link to pages of other parts of the product (the candidate register, the joint
review queue); a deployment without one of them shows the figure without its link instead of
failing.
"""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def optional_url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def with_query(url: str, query: str) -> str:
    """`url?query`, or "" when there is no `url` (see `optional_url`)."""
    return f"{url}?{query}" if url else ""

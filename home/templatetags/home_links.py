"""`{% url_to 'app:name' arg as var %}`: the URL kept in a variable, like `{% url … as var %}`
but failing loudly: Django's `{% url … as var %}` swallows a wrong name and leaves "" behind,
which would hide a broken link on a home page.
"""

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def url_to(name: str, *args: Any) -> str:
    return reverse(name, args=args)


@register.filter
def with_query(url: str, query: str) -> str:
    """`url?query`."""
    return f"{url}?{query}"

"""URL converters: ids in paths obey the same rule as ids in query strings (core.http.id_parse)."""

from core.http import id_parse


class IdConverter:
    """`<id:pk>`: 1 to 19 ASCII digits, at most 2**63 - 1; anything else does not match (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = id_parse(value)
        if number is None:
            # a ValueError makes the resolver try the next pattern, and finally answer 404
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)

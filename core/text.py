"""Small text rules every name field shares: no invisible or direction-changing characters."""

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the directional
# marks (U+200E, U+200F, U+061C) and the zero-width characters (U+200B-U+200D, U+2060, U+FEFF).
# They make a name display differently from what it is ("Trojan Source"), or make two names that
# look the same compare different.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def text_clean(value: str) -> str:
    """`value` in NFC without invisible or direction-changing characters, spaces trimmed."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", value)).strip()


def text_truncate(value: object, limit: int = 40) -> str:
    """`value` as text for a message, at most `limit` characters (an ellipsis marks the cut).

    Every value a user typed or uploaded that a message quotes goes through this, so a message
    never grows with the input.
    """
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"

"""Input types shared by every app's schemas."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints


def _printable(value: str) -> str:
    """Refuse control characters (NUL breaks PostgreSQL; tabs and newlines hide URL schemes)."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError("must not contain control characters")
    return value


def Text(*, max_length: int, min_length: int = 1) -> type[str]:
    """A trimmed, printable string of min_length..max_length characters."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_printable),
    ]


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(value: str) -> bool:
    """Whether a database can store `value`: PostgreSQL refuses NUL, and no driver encodes a lone surrogate
    (JSON's "\\ud800" escape decodes to one; a valid pair decodes to a single character)."""
    return "\x00" not in value and not _SURROGATE.search(value)


def _storable(value: str) -> str:
    if not storable(value):
        raise ValueError("must not contain NUL characters or lone surrogates")
    return value


# Text from another system (a Clerk webhook) kept as it is, but never what the database would refuse.
StorableText = Annotated[str, AfterValidator(_storable)]

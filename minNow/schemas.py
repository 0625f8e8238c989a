"""Input types shared by every app's schemas."""

from __future__ import annotations

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

"""Input types shared by every app's schemas."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from annotated_types import GroupedMetadata
from django.utils.translation import gettext
from pydantic import AfterValidator, StringConstraints


def _printable(value: str) -> str:
    """Refuse control characters (NUL breaks PostgreSQL; tabs and newlines hide URL schemes)."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError(gettext("must not contain control characters"))
    return value


@dataclass(frozen=True)
class Text(GroupedMetadata):
    """`Annotated[str, Text(max_length=100)]`: a trimmed, printable string of min_length..max_length characters."""

    max_length: int
    min_length: int = 1

    def __iter__(self) -> Iterator[Any]:
        yield from StringConstraints(strip_whitespace=True, min_length=self.min_length, max_length=self.max_length)
        yield AfterValidator(_printable)


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(value: str) -> bool:
    """Whether a database can store `value`: PostgreSQL refuses NUL, and no driver encodes a lone surrogate
    (JSON's "\\ud800" escape decodes to one; a valid pair decodes to a single character)."""
    return "\x00" not in value and not _SURROGATE.search(value)


def _storable(value: str) -> str:
    if not storable(value):
        raise ValueError(gettext("must not contain NUL characters or lone surrogates"))
    return value


# Text from another system (a Clerk webhook) kept as it is, but never what the database would refuse.
StorableText = Annotated[str, AfterValidator(_storable)]

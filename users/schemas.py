"""Input and output types of a person's settings, shared by the account routes and the import."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from django.utils.translation import gettext
from pydantic import AfterValidator, Field

from users.models import Language, time_zone_names

LanguageCode = Literal["en", "es", "de", "fr"]
assert set(get_args(LanguageCode)) == set(Language.values)  # one list of languages


def _known_zone(value: str) -> str:
    if value not in time_zone_names():
        raise ValueError(gettext("must be an IANA time zone name, such as Europe/Berlin or America/Los_Angeles"))
    return value


TimeZoneName = Annotated[str, Field(max_length=64, examples=["Europe/Berlin"]), AfterValidator(_known_zone)]

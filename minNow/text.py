"""The text that searches compare: folded (lower case, no accents, no punctuation) and word-separated.

Items and locations keep a folded copy of what they are found by (`search_text`), so a search is a few
LIKE conditions that behave the same on SQLite and PostgreSQL (docs/design.md, "Finding things").
`matches_every_word` is the one matching rule of every search-like route: each word of the query starts
a word of one of the searched fields.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

_NOT_WORD = re.compile(r"[^\w]+|_")


def fold(text: str) -> str:
    """`"Café Table (Kid's)"` -> `"cafe table kids"`: lower case, accents and apostrophes dropped, every other
    non-word character a word break."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.sub(" ", letters.replace("'", "").replace("\u2019", "")).split())


def words(query: str) -> list[str]:
    """The folded words of a search query, in order, without repeats."""
    return list(dict.fromkeys(fold(query).split()))


def word_starts(prefixes: Iterable[str], *fields: str) -> Q:
    """One of `prefixes` (folded words) starts a word of at least one of `fields` (search_text columns)."""
    either = Q()
    for prefix in prefixes:
        for field in fields:
            either |= Q(**{f"{field}__contains": f" {prefix}"})
    return either


def matches_every_word(query: str, *fields: str) -> Q:
    """Every folded word of `query` starts a word of at least one of `fields` (search_text columns), so
    `rain jack` matches "Red Rain Jacket" and `CAFÉ` "cafe", but `ain` matches neither. A query without
    words (`"?!"`) matches nothing."""
    terms = words(query)
    if not terms:
        return Q(pk__in=[])
    condition = Q()
    for term in terms:
        condition &= word_starts([term], *fields)
    return condition


def indexed(text: str) -> str:
    """What is stored for `text`: its folded words, each preceded by a space, so that " word" (LIKE
    '% word%') matches the start of any word."""
    folded = fold(text)
    return f" {folded}" if folded else ""


class SearchTextField(models.CharField):
    """A folded copy of what the model instance is found by, recomputed from the instance's `source` method
    (`search_source()` unless named otherwise) whenever the instance is saved or bulk-created."""

    def __init__(self, *args: Any, source: str = "search_source", **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 600)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        self.source = source
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.source != "search_source":
            kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        source = getattr(model_instance, self.source, None)
        if source is None:  # a migration's historical model: it sets the value itself
            return getattr(model_instance, self.attname)
        value = indexed(source())[: self.max_length]
        setattr(model_instance, self.attname, value)
        return value


def trigram_index(table: str, name: str, *, column: str = "search_text") -> tuple[str, str]:
    """SQL creating and dropping a pg_trgm GIN index on `table.column` (it serves LIKE '%...%')."""
    return (
        f"CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE INDEX IF NOT EXISTS {name} ON {table} "
        f"USING gin ({column} gin_trgm_ops)",
        f"DROP INDEX IF EXISTS {name}",
    )


def postgres_only(sql: str) -> Any:
    """A migration step that runs `sql` on PostgreSQL and does nothing elsewhere."""

    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run

"""Export users, items and locations as NDJSON in Elasticsearch's bulk format.

Each document is two lines, an action and the document itself, so a file can be sent as it is to
`POST /_bulk` (`curl -H 'Content-Type: application/x-ndjson' --data-binary @items.ndjson ...`):

    {"index":{"_index":"items","_id":"5b0c..."}}
    {"id":"5b0c...","user_id":1,"name":"Wool Sweater",...}

Four files are written into the output directory: `users.ndjson`, `items.ndjson`, `locations.ndjson`,
and `all_data.ndjson` holding the same lines as the other three together (users, then items, then
locations). `_id` is the document's `id` as a string (Elasticsearch ids are strings). Documents:

- users: id, clerk_id, email, username, first_name, last_name, email_notifications, date_joined.
  No password hash, staff flags or Clerk sync bookkeeping: nothing a search needs.
- items: id, user_id, name, item_type, status, picture_url, item_received_date, last_used,
  ownership_duration_goal_months, current_location_id, location_updated_at, created_at, updated_at,
  user_clerk_id and location_path (the location's `full_path`, null when the item has no location).
  The names are the API's (`current_location_id`, `location_path`), so a document reads like
  `GET /api/items/{id}`; `search_text` is left out (it is derived from the name).
- locations: id, user_id, display_name, slug, full_path, level, parent_id, created_at, updated_at.

Datetimes are written as the API writes them (minNow/rendering.py: "2024-01-05T10:30:00.123Z").

Every table is read once, as a stream (`values().iterator()`), and each row is written to its own file and
to all_data.ndjson as it arrives, so memory stays flat however many rows there are. The files are written
under temporary names and renamed when all four are complete: a failed export leaves the previous files
(or none), never a truncated one that looks finished. On PostgreSQL the three tables are read in one
read-only REPEATABLE READ transaction, so the files agree with one another (no item pointing at a location
created after the locations were read); on SQLite each table is one statement, consistent by itself (a
transaction there would take the write lock for the whole export).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import F, QuerySet

from items.models import OwnedItem
from locations.models import Location
from minNow.rendering import dumps
from users.models import User

DEFAULT_OUTPUT_DIR = Path("export")
ALL_DATA = "all_data.ndjson"
INDEXES = ("users", "items", "locations")
FILES = (*(f"{name}.ndjson" for name in INDEXES), ALL_DATA)
CHUNK_SIZE = 2000  # rows per fetch: large enough that round trips do not dominate, small enough to stay flat
PROGRESS_EVERY = 10_000
WRITE_BUFFER = 1 << 20  # bytes; a write call per line would otherwise be a system call per line

USER_FIELDS = (
    "id",
    "clerk_id",
    "email",
    "username",
    "first_name",
    "last_name",
    "email_notifications",
    "date_joined",
)
ITEM_FIELDS = (
    "id",
    "user_id",
    "name",
    "item_type",
    "status",
    "picture_url",
    "item_received_date",
    "last_used",
    "ownership_duration_goal_months",
    "current_location_id",
    "location_updated_at",
    "created_at",
    "updated_at",
)
LOCATION_FIELDS = (
    "id",
    "user_id",
    "display_name",
    "slug",
    "full_path",
    "level",
    "parent_id",
    "created_at",
    "updated_at",
)


def documents(user_ids: list[int] | None) -> dict[str, QuerySet]:
    """Per index, the query yielding its documents as dicts; only `user_ids`' rows when given.

    Ordered by primary key so that two exports of the same data are the same files. The item's location
    path and Clerk id come from joins in the same query, not a query per item.
    """
    users = User.objects.all()
    items = OwnedItem.objects.all()
    locations = Location.objects.all()
    if user_ids is not None:
        users = users.filter(pk__in=user_ids)
        items = items.filter(user_id__in=user_ids)
        locations = locations.filter(user_id__in=user_ids)
    return {
        "users": users.order_by("pk").values(*USER_FIELDS),
        "items": items.order_by("pk").values(
            *ITEM_FIELDS, user_clerk_id=F("user__clerk_id"), location_path=F("current_location__full_path")
        ),
        "locations": locations.order_by("pk").values(*LOCATION_FIELDS),
    }


def bulk_lines(index: str, row: dict[str, Any]) -> bytes:
    """The action line and the document line of one row."""
    return dumps({"index": {"_index": index, "_id": str(row["id"])}}) + b"\n" + dumps(row) + b"\n"


@contextmanager
def consistent_reads() -> Iterator[None]:
    """One read-only snapshot for the whole export on PostgreSQL (see the module docstring); nothing on
    SQLite. Inside a transaction that already ran queries (a test) the isolation level cannot change, so
    the export just joins it."""
    if connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def partial(path: Path) -> Path:
    """Where `path` is written until the export is complete (hidden, beside it, so the rename is atomic)."""
    return path.with_name(f".{path.name}.partial")


class Command(BaseCommand):
    help = (
        "Write users.ndjson, items.ndjson, locations.ndjson and all_data.ndjson (all three together) in "
        'Elasticsearch bulk format: an action line {"index": {"_index", "_id"}} before each document. '
        "Refuses to replace existing files without --overwrite. Fields: "
        f"users: {', '.join(USER_FIELDS)}; items: {', '.join((*ITEM_FIELDS, 'user_clerk_id', 'location_path'))}; "
        f"locations: {', '.join(LOCATION_FIELDS)}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=DEFAULT_OUTPUT_DIR,
            help=f"directory for the four files, created if missing (default: ./{DEFAULT_OUTPUT_DIR})",
        )
        parser.add_argument("--overwrite", action="store_true", help="replace files left by an earlier export")
        parser.add_argument("--verbose", action="store_true", help="print progress while writing")
        parser.add_argument("--user-email", help="only this user's rows (email compared case-insensitively)")
        parser.add_argument(
            "--progress-every",
            type=int,
            default=PROGRESS_EVERY,
            metavar="N",
            help=f"with --verbose, a progress line every N rows of a table (default {PROGRESS_EVERY:,})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["progress_every"] < 1:
            raise CommandError("--progress-every must be at least 1")
        output_dir: Path = options["output_dir"]
        user_ids = self.selected_users(options["user_email"])
        targets = [output_dir / name for name in FILES]
        if output_dir.exists() and not output_dir.is_dir():
            raise CommandError(f"{output_dir} exists and is not a directory")
        existing = [path.name for path in targets if path.exists()]
        if existing and not options["overwrite"]:
            raise CommandError(f"{', '.join(existing)} already in {output_dir}; pass --overwrite to replace")
        output_dir.mkdir(parents=True, exist_ok=True)

        counts = self.write(targets, user_ids, verbose=options["verbose"], every=options["progress_every"])
        summary = ", ".join(f"{counts[name]:,} {name}" for name in INDEXES)
        self.stdout.write(f"summary: exported {summary} to {output_dir.resolve()}")

    def selected_users(self, email: str | None) -> list[int] | None:
        """The ids of the users with `email` (all users when None). Email is not unique in Django's user
        table, so every account with that address is exported."""
        if email is None:
            return None
        if not email.strip():
            raise CommandError("--user-email must not be empty")
        user_ids = list(User.objects.filter(email__iexact=email.strip()).values_list("pk", flat=True))
        if not user_ids:
            raise CommandError(f"No user has the email {email!r}")
        return user_ids

    def write(self, targets: list[Path], user_ids: list[int] | None, *, verbose: bool, every: int) -> dict[str, int]:
        """Stream every index into its file and all_data; rename the files into place only when all are done."""
        counts: dict[str, int] = {}
        try:
            with ExitStack() as stack, consistent_reads():
                files = [stack.enter_context(open(partial(path), "wb", buffering=WRITE_BUFFER)) for path in targets]
                combined = files[-1]
                for (index, rows), own in zip(documents(user_ids).items(), files[:-1], strict=True):
                    counts[index] = self.write_index(index, rows, own, combined, verbose=verbose, every=every)
            for path in targets:
                os.replace(partial(path), path)
        finally:
            for path in targets:
                partial(path).unlink(missing_ok=True)
        return counts

    def write_index(
        self, index: str, rows: QuerySet, own: IO[bytes], combined: IO[bytes], *, verbose: bool, every: int
    ) -> int:
        count = 0
        for row in rows.iterator(chunk_size=CHUNK_SIZE):
            lines = bulk_lines(index, row)
            own.write(lines)
            combined.write(lines)
            count += 1
            if verbose and count % every == 0:
                self.stdout.write(f"progress: {index} {count:,} rows")
        if verbose:
            self.stdout.write(f"done: {index} {count:,} rows")
        return count

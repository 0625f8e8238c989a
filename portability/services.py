"""Your data out and back in: a JSON document of everything that is yours, or a CSV of your items.

Exports stream: rows are read with server-side iterators and written in chunks, so a large account costs
bounded memory and a fixed number of queries. Imports are all or nothing: every row is checked with the
rules the API applies to a single write before anything is stored, then everything is written in one
transaction that holds the user's lock, like every other write that must see the user's data as a whole.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

import orjson
import pydantic
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from items.history import created_event
from items.models import Checkup, ItemEvent, OwnedItem
from items.selectors import ITEM_COLUMNS
from items.services import refuse_over_item_limit
from locations.models import Location, location_slug
from locations.schemas import LocationName
from locations.services import check_location_limit, tree_limit_problem
from minNow import live
from minNow.errors import BadRequest
from minNow.rendering import CONTENT_TYPE as JSON_CONTENT_TYPE
from minNow.rendering import dumps
from portability.schemas import (
    FORMAT_VERSION,
    ImportCheckupIn,
    ImportDocumentIn,
    ImportEventIn,
    ImportItemIn,
    ImportUserIn,
)
from users.models import User
from users.services import lock_user, update_profile

FORMATS = ("json", "csv")
CONTENT_TYPES = {"json": JSON_CONTENT_TYPE, "csv": "text/csv; charset=utf-8"}
# The CSV's columns, which are also the keys (in this order) of an item in the JSON document: the API's item
# columns with the place given by its path, which means the same in another account.
ITEM_FIELDS = tuple("location_path" if column == "current_location_id" else column for column in ITEM_COLUMNS)
_STORED_ITEM_FIELDS = tuple(field for field in ITEM_FIELDS if field != "location_path")
FETCH_CHUNK = 2000  # rows per round trip of a server-side cursor
ROWS_PER_WRITE = 500  # rows per chunk of the streamed body: few, mid-sized writes
IDS_PER_QUERY = 900  # under SQLite's limit on query parameters
MAX_REPORTED_PROBLEMS = 20
# An imported item whose id is not already the caller's gets uuid5(namespace, "<user pk>:<document id>"):
# the id of another user's item is never stored twice nor told apart from an unknown one, and importing
# the same document into the same account again finds the items it created the first time.
IMPORTED_ID_NAMESPACE = uuid.UUID("e9d4f1a2-9ed8-4b55-b398-811f39c2f291")
_iso = DjangoJSONEncoder().default  # the API's datetime format: "2024-01-05T10:30:00.123Z"
_LOCATION_NAME = pydantic.TypeAdapter(LocationName)  # a CSV path segment is a name, as POST /api/locations takes it


# --- Export ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Export:
    """An export as a file: its body in chunks (produced as it is read), its media type and its file name."""

    chunks: Iterator[bytes] | Iterator[str]
    content_type: str
    filename: str


def export_file(user: User, export_format: str = "json") -> Export:
    """The user's export in `export_format`. Shared by the API and the admin, so both write the same file."""
    if export_format not in FORMATS:
        raise BadRequest(gettext("Unknown export format %(format)r: use json or csv") % {"format": export_format})
    chunks = export_json(user) if export_format == "json" else export_csv(user)
    filename = f"minnow-export-{timezone.now().date().isoformat()}.{export_format}"
    return Export(chunks=chunks, content_type=CONTENT_TYPES[export_format], filename=filename)


def export_json(user: User) -> Iterator[bytes]:
    """The JSON document, in chunks: never more than ROWS_PER_WRITE rows in memory at once."""
    head = {
        "version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "user": {
            "email": user.email,
            "username": user.username,
            "email_notifications": user.email_notifications,
            "language": user.language,
            "time_zone": user.time_zone,
        },
    }
    yield dumps(head)[:-1] + b',"items":'
    yield from _json_array(_item_rows(user))
    yield b',"locations":'
    # By level, so that a reader creating them in order always meets a parent before its children.
    locations = Location.objects.filter(user=user).order_by("level", "full_path")
    yield from _json_array(locations.values("id", "parent_id", "display_name", "full_path").iterator(FETCH_CHUNK))
    yield b',"checkups":'
    checkups = Checkup.objects.filter(user=user).order_by("checkup_type")
    yield from _json_array(checkups.values("checkup_type", "checkup_interval_months", "last_checkup_date"))
    yield b',"history":'
    events = ItemEvent.objects.filter(user=user).order_by("at", "id")
    yield from _json_array(events.values("item_id", "item_name", "action", "at", "changes").iterator(FETCH_CHUNK))
    yield b"}"


def export_csv(user: User) -> Iterator[str]:
    """A header row, then one row per item (ITEM_FIELDS), datetimes as in the API, no location as empty, and
    a cell that a spreadsheet would run as a formula prefixed with a quote (csv_escape)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(ITEM_FIELDS)
    for batch in _batches(_item_rows(user), ROWS_PER_WRITE):
        yield "".join(writer.writerow([_csv_cell(row[field]) for field in ITEM_FIELDS]) for row in batch)


class _Echo:
    """A file whose write returns what it is given, so that csv.writer formats rows for a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    return csv_escape(_iso(value) if isinstance(value, datetime) else str(value))


# A cell that starts with =, +, -, @, a tab or a carriage return is a formula to a spreadsheet ("=SUM(A1)",
# "@home", "-5 degree bag"); OWASP's "CSV Injection" advice is to prefix it with a single quote, so that the
# spreadsheet shows it as text. A value that already starts with quotes followed by one of those ("'=x")
# gets one quote more ("''=x"), so that the import, which takes one quote off any cell of that shape, gives
# back exactly what was exported; every other value ("'quoted" included) is written as it is.
_NEUTRALISED = re.compile(r"'*[=+\-@\t\r]")


def csv_escape(text: str) -> str:
    """`text` as a CSV cell no spreadsheet runs as a formula; csv_unescape reverses it."""
    return f"'{text}" if _NEUTRALISED.match(text) else text


def csv_unescape(cell: str) -> str:
    """The value csv_escape wrote as `cell`: one leading quote off a cell of quotes then a formula start."""
    return cell[1:] if cell.startswith("'") and _NEUTRALISED.match(cell, 1) else cell


def _item_rows(user: User) -> Iterator[dict[str, Any]]:
    """The user's items, oldest first, as ITEM_FIELDS dicts, from one server-side query."""
    rows = (
        OwnedItem.objects.filter(user=user)
        .order_by("created_at", "id")
        .values(*_STORED_ITEM_FIELDS, location_path=F("current_location__full_path"))
    )
    for row in rows.iterator(FETCH_CHUNK):
        yield {field: row[field] for field in ITEM_FIELDS}


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _json_array(rows: Iterable[Any]) -> Iterator[bytes]:
    """A JSON array of `rows`, ROWS_PER_WRITE elements per chunk."""
    opening = b"["
    for batch in _batches(rows, ROWS_PER_WRITE):
        yield opening + b",".join(dumps(row) for row in batch)
        opening = b","
    yield b"[]" if opening == b"[" else b"]"


# --- Import: what goes wrong -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Where:
    """A place in the input, as the caller reads it (`items[3]`, `row 4`) and as machines do (`loc`)."""

    text: str
    loc: tuple[str, ...]
    separator: str = "."  # before a field: "items[3].status", "row 4: status"

    def at(self, path: Sequence[str | int]) -> Where:
        """The field at `path` (pydantic's loc) below this place."""
        text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")
        if not self.text:
            return Where(text or "body", tuple(str(part) for part in path) or ("body",))
        return Where(f"{self.text}{self.separator}{text}", (*self.loc, *(str(part) for part in path)))

    def problem(self, msg: str, kind: str = "value_error") -> Problem:
        return Problem(self.text, self.loc, msg, kind)


DOCUMENT = Where("", ())


@dataclass(frozen=True)
class Problem:
    where: str
    loc: tuple[str, ...]
    msg: str
    type: str


class ImportRejected(BadRequest):
    """Rows that break the rules. `detail` names each (the first MAX_REPORTED_PROBLEMS of them) and `errors`
    lists the same as {loc, msg, type}, the shape of every other validation error of the API."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        detail = "; ".join(
            gettext("%(field)s: %(problem)s") % {"field": problem.where, "problem": problem.msg} for problem in shown
        )
        if len(problems) > len(shown):
            detail += " " + gettext("(and %(count)d more)") % {"count": len(problems) - len(shown)}
        errors = [{"loc": list(problem.loc), "msg": problem.msg, "type": problem.type} for problem in shown]
        super().__init__(detail, extra={"errors": errors})


def _pydantic_problems(exc: pydantic.ValidationError, where: Where) -> list[Problem]:
    return [where.at(error["loc"]).problem(error["msg"], error["type"]) for error in exc.errors(include_url=False)]


@dataclass(frozen=True)
class _Row:
    """An item row that passed validation; `location_key` is the full_path of the location it goes to."""

    where: Where
    item: ImportItemIn
    location_key: str | None


@dataclass(frozen=True)
class _Place:
    """A location the import needs: matched by full_path, or created with this display name."""

    full_path: str
    display_name: str
    where: Where  # what a problem with it is reported against


# --- Import: the two formats -----------------------------------------------------------------------------
def import_json(user: User, body: bytes) -> dict[str, int]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(gettext("The body is not valid JSON: %(error)s") % {"error": exc}) from None
    return import_document(user, data)


def import_document(user: User, data: Any) -> dict[str, int]:
    """Import a document as GET /api/export writes it. Its locations are matched or created by full_path
    (a path's parent must be in the document or already yours); an item's location_path must be one of
    them or one of yours."""
    if not isinstance(data, dict):
        raise ImportRejected([DOCUMENT.at([]).problem(gettext("Input should be a JSON object"), "model_type")])
    try:
        document = ImportDocumentIn.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ImportRejected(_pydantic_problems(exc, DOCUMENT)) from None
    problems: list[Problem] = []
    places = []
    for index, location in enumerate(document.locations):
        where = DOCUMENT.at(["locations", index, "full_path"])
        slug = location_slug(location.display_name)
        if location.full_path.rpartition("/")[2] != slug:
            problems.append(
                where.problem(gettext('must end with "%(slug)s", the slug of its display_name') % {"slug": slug})
            )
        places.append(_Place(location.full_path, location.display_name, where))
    rows = [_Row(DOCUMENT.at(["items", index]), item, item.location_path) for index, item in enumerate(document.items)]
    seen_types: set[str] = set()
    for index, checkup in enumerate(document.checkups):
        if checkup.checkup_type in seen_types:
            problems.append(DOCUMENT.at(["checkups", index, "checkup_type"]).problem(gettext("appears more than once")))
        seen_types.add(checkup.checkup_type)
    return _import(
        user,
        rows,
        places,
        problems,
        checkups=document.checkups,
        profile=document.user,
        unique=True,
        events=document.history,
    )


def import_csv(user: User, body: bytes | str) -> dict[str, int]:
    """Import the items of a CSV as GET /api/export?format=csv writes it. Rows are numbered as a spreadsheet
    shows them (the header is row 1). The locations of the rows' paths, and their ancestors, are matched or
    created: a segment written as a slug ("kids-room") gets a display name made from it ("Kids Room"),
    one written as a name ("Kid's Room") keeps it and is stored under its slug."""
    try:
        text = body.decode("utf-8-sig") if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        raise BadRequest(gettext("The CSV must be UTF-8 text")) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames
        if not header:
            raise BadRequest(
                gettext("The CSV is empty: it needs a header row (%(columns)s)") % {"columns": ",".join(ITEM_FIELDS)}
            )
        reader.fieldnames = [name.strip() for name in header]
        missing = [field for field in ITEM_FIELDS if field not in reader.fieldnames]
        if missing:
            raise BadRequest(
                ngettext(
                    "The CSV header is missing column(s): %(columns)s",
                    "The CSV header is missing column(s): %(columns)s",
                    len(missing),
                )
                % {"columns": ", ".join(missing)}
            )
        records = list(enumerate(reader, start=2))
    except csv.Error as exc:
        raise BadRequest(gettext("line %(line)d: %(error)s") % {"line": reader.line_num, "error": exc}) from None
    problems: list[Problem] = []
    rows: list[_Row] = []
    places: dict[str, _Place] = {}
    for number, record in records:
        where = Where(f"row {number}", ("row", str(number)), ": ")
        if None in record:
            problems.append(where.problem(gettext("has more cells than the header")))
            continue
        try:
            item = ImportItemIn.model_validate(_csv_item(record))
        except pydantic.ValidationError as exc:
            problems.extend(_pydantic_problems(exc, where))
            continue
        path = None
        if item.location_path:
            path, problem = _csv_places(where.at(["location_path"]), item.location_path, places)
            if problem:
                problems.append(problem)
                continue
        rows.append(_Row(where, item, path))
    return _import(user, rows, list(places.values()), problems, checkups=[], profile=None, unique=False)


def _csv_item(record: dict[str, str]) -> dict[str, Any]:
    """A CSV record as the item schema takes it: the export's formula escaping undone (csv_unescape), an
    empty cell a missing value, the goal a number."""
    cells = {field: csv_unescape(record[field] or "") for field in ITEM_FIELDS}
    data: dict[str, Any] = {field: cell for field, cell in cells.items() if cell.strip()}
    goal = data.get("ownership_duration_goal_months")
    if goal is not None:
        with contextlib.suppress(ValueError):  # otherwise left as text, for the schema to name
            data["ownership_duration_goal_months"] = int(goal)
    return data


def _csv_places(where: Where, written: str, places: dict[str, _Place]) -> tuple[str | None, Problem | None]:
    """The full_path for a CSV location_path, adding it and its ancestors to `places` (first spelling wins)."""
    segments = [segment.strip() for segment in written.split("/")]
    if not all(segments):
        return None, where.problem(gettext("has an empty segment"))
    for position, segment in enumerate(segments, start=1):
        try:
            _LOCATION_NAME.validate_python(segment)
        except pydantic.ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            return None, where.problem(
                gettext("segment %(position)s: %(problem)s") % {"position": position, "problem": error["msg"]},
                error["type"],
            )
    path = ""
    for segment in segments:
        path = f"{path}/{location_slug(segment)}" if path else location_slug(segment)
        places.setdefault(path, _Place(path, _display_name(segment), where))
    return path, None


def _display_name(segment: str) -> str:
    """A display name for a path segment: a slug gets its words capitalised, if that keeps the slug."""
    if location_slug(segment) != segment:
        return segment
    name = " ".join(word[:1].upper() + word[1:] for word in segment.split("-"))
    return name if location_slug(name) == segment else segment


# --- Import: writing -------------------------------------------------------------------------------------
def _import(
    user: User,
    rows: list[_Row],
    places: list[_Place],
    problems: list[Problem],
    *,
    checkups: list[ImportCheckupIn],
    profile: ImportUserIn | None,
    unique: bool,
    events: Sequence[ImportEventIn] = (),
) -> dict[str, int]:
    """Check what only the database can tell (paths, ids, limits) under the user's lock, then write it all."""
    problems.extend(_duplicate_ids(rows))
    with transaction.atomic():
        lock_user(user)
        existing = {
            path: (pk, level)
            for path, pk, level in Location.objects.filter(user=user).values_list("full_path", "id", "level")
        }
        new_locations, paths = _plan_locations(user, places, existing, problems, unique=unique)
        planned = {place.full_path for place in places}  # a place that failed is reported already
        for row in rows:
            if row.location_key is not None and row.location_key not in paths and row.location_key not in planned:
                problem = "is neither a location of the document nor yours"
                problems.append(row.where.at(["location_path"]).problem(problem))
        if problems:
            raise ImportRejected(problems)
        new_items, skipped = _plan_items(user, rows, paths)
        refuse_over_item_limit(user, adding=len(new_items))
        check_location_limit(user, count=len(existing), adding=len(new_locations))
        Location.objects.bulk_create(new_locations, batch_size=500)
        OwnedItem.objects.bulk_create(new_items, batch_size=500)
        ItemEvent.objects.bulk_create(_plan_history(user, rows, new_items, events), batch_size=500)
        _import_checkups(user, checkups)
        if profile is not None:
            update_profile(user, profile.model_dump(exclude_none=True))
        result = {"items_created": len(new_items), "items_skipped": skipped, "locations_created": len(new_locations)}
        if new_items or new_locations:  # one event, not one per row: the open screens refetch (minNow/live.py)
            live.publish(user.pk, "sync.required", None, reason="import", **result)
    return result


def _plan_history(
    user: User, rows: list[_Row], new_items: list[OwnedItem], events: Sequence[ImportEventIn]
) -> list[ItemEvent]:
    """The events to store: the document's events of the items created now (under their new ids) and of
    items it no longer has (deleted ones), unless that item already has a history here (a second import of
    the same document, or of your own export); a created item without events gets its `created` event."""
    created = {item.pk for item in new_items}
    in_document = {row.item.id for row in rows if row.item.id is not None}
    gone = {event.item_id for event in events if event.item_id not in in_document}
    derived = {item_id: uuid.uuid5(IMPORTED_ID_NAMESPACE, f"{user.pk}:{item_id}") for item_id in in_document | gone}
    known = _items_with_history(user, [*gone, *(derived[item_id] for item_id in gone)])
    planned = []
    for event in events:
        item_id = derived[event.item_id]
        if event.item_id in in_document:
            if item_id not in created:
                continue
        elif event.item_id in known or item_id in known:
            continue
        planned.append(
            ItemEvent(
                user=user,
                item_id=item_id,
                item_name=event.item_name,
                action=event.action,
                changes=event.changes,
                at=event.at,
            )
        )
    with_history = {event.item_id for event in planned}
    now = timezone.now()
    planned.extend(created_event(item, at=now) for item in new_items if item.pk not in with_history)
    return planned


def _items_with_history(user: User, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of `ids` already have events of the caller, IDS_PER_QUERY at a time (no query for none)."""
    found: set[uuid.UUID] = set()
    for batch in _batches(ids, IDS_PER_QUERY):
        found.update(ItemEvent.objects.filter(user=user, item_id__in=batch).values_list("item_id", flat=True))
    return found


def _import_checkups(user: User, checkups: list[ImportCheckupIn]) -> None:
    """Set the user's checkups to the document's. One that already matches, as far as the export's
    millisecond dates tell, is left alone, so that importing your own export changes nothing."""
    if not checkups:
        return
    stored = {checkup.checkup_type: checkup for checkup in Checkup.objects.filter(user=user)}
    for wanted in checkups:
        fields = {
            "checkup_interval_months": wanted.checkup_interval_months,
            "last_checkup_date": wanted.last_checkup_date,
        }
        checkup = stored.get(wanted.checkup_type)
        if checkup is None:
            Checkup.objects.create(user=user, checkup_type=wanted.checkup_type, **fields)
        elif (checkup.checkup_interval_months, _iso(checkup.last_checkup_date)) != (
            wanted.checkup_interval_months,
            _iso(wanted.last_checkup_date),
        ):
            Checkup.objects.filter(pk=checkup.pk).update(**fields)


def _duplicate_ids(rows: list[_Row]) -> list[Problem]:
    seen: set[uuid.UUID] = set()
    problems = []
    for row in rows:
        if row.item.id is not None:
            if row.item.id in seen:
                problems.append(row.where.at(["id"]).problem(gettext("appears more than once")))
            seen.add(row.item.id)
    return problems


def _plan_locations(
    user: User,
    places: list[_Place],
    existing: dict[str, tuple[uuid.UUID, int]],
    problems: list[Problem],
    *,
    unique: bool,
) -> tuple[list[Location], dict[str, uuid.UUID]]:
    """The locations to create, parents first, with the slug, path and level Location.save would derive
    (bulk_create does not call save), and every known path's id. A place already yours is matched."""
    known = dict(existing)
    seen: set[str] = set()
    new = []
    for place in sorted(places, key=lambda place: place.full_path.count("/")):
        if unique and place.full_path in seen:
            problems.append(place.where.problem(gettext("appears more than once")))
            continue
        seen.add(place.full_path)
        if place.full_path in known:
            continue
        parent_path, _, slug = place.full_path.rpartition("/")
        parent = known.get(parent_path) if parent_path else None
        if parent_path and parent is None:
            problems.append(
                place.where.problem(
                    gettext('its parent "%(path)s" is neither in the document nor yours') % {"path": parent_path}
                )
            )
            continue
        level = parent[1] + 1 if parent else 0
        problem = tree_limit_problem(deepest_level=level, longest_path=len(place.full_path))
        if problem:
            problems.append(place.where.problem(problem))
            continue
        location = Location(
            id=uuid.uuid4(),
            user=user,
            parent_id=parent[0] if parent else None,
            display_name=place.display_name,
            slug=slug,
            full_path=place.full_path,
            level=level,
        )
        known[place.full_path] = (location.id, level)
        new.append(location)
    return new, {path: pk for path, (pk, _level) in known.items()}


def _plan_items(user: User, rows: list[_Row], paths: dict[str, uuid.UUID]) -> tuple[list[OwnedItem], int]:
    """The items to create and how many rows are skipped because the item is already the caller's."""
    derived = {
        row.item.id: uuid.uuid5(IMPORTED_ID_NAMESPACE, f"{user.pk}:{row.item.id}") for row in rows if row.item.id
    }
    own = _own_item_ids(user, [*derived, *derived.values()])
    now = timezone.now()
    items, skipped = [], 0
    for row in rows:
        item = row.item
        if item.id is not None and (item.id in own or derived[item.id] in own):
            skipped += 1
            continue
        location_id = paths[row.location_key] if row.location_key else None
        # The place as far as the item's full search text needs it (its path), without reading it again.
        place = Location(id=location_id, user=user, full_path=row.location_key) if row.location_key else None
        items.append(
            OwnedItem(
                id=derived[item.id] if item.id else uuid.uuid4(),
                user=user,
                name=item.name,
                picture_url=item.picture_url,
                item_type=item.item_type,
                status=item.status,
                item_received_date=item.item_received_date,
                last_used=item.last_used,
                ownership_duration_goal_months=item.ownership_duration_goal_months,
                current_location=place,
                location_updated_at=item.location_updated_at or (now if location_id else None),
            )
        )
    return items, skipped


def _own_item_ids(user: User, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of `ids` are the caller's items, IDS_PER_QUERY at a time."""
    own: set[uuid.UUID] = set()
    for batch in _batches(ids, IDS_PER_QUERY):
        own.update(OwnedItem.objects.filter(user=user, pk__in=batch).values_list("pk", flat=True))
    return own

"""MinNow speaks your language: every catalog is complete and current, and the API's messages, item type labels,
badges and reminder emails come in Spanish, German and French."""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

from config.testing import ApiClient, api_for, create_item, create_location, make_item, make_user
from items.models import ItemStatus, ItemType
from items.reminders import build_reminder
from locations.models import MAX_DEPTH
from minNow import ratelimit
from users.models import User

LANGUAGES = ("es", "de", "fr")
ROOT = Path(settings.BASE_DIR)


# --- Catalogs --------------------------------------------------------------------------------------------
@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return self.msgctxt, self.msgid, self.msgid_plural


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header, msgid "", included), enough of the format for these checks."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        fields: dict[str, str] = {}
        flags: set[str] = set()
        current = None
        obsolete = False
        for line in block.splitlines():
            if line.startswith("#~"):
                obsolete = True
                line = line[2:].strip()
            elif line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
                continue
            elif line.startswith("#"):
                continue
            keyword, _, rest = line.partition(" ")
            if line.startswith('"'):
                assert current is not None, f"{path}: a string continues nothing: {line}"
                fields[current] += ast.literal_eval(line)
            else:
                current = keyword
                fields[current] = ast.literal_eval(rest)
        if "msgid" not in fields:
            continue
        entries.append(
            Entry(
                msgid=fields["msgid"],
                msgid_plural=fields.get("msgid_plural"),
                msgctxt=fields.get("msgctxt"),
                msgstr=[value for key, value in sorted(fields.items()) if key.startswith("msgstr")],
                flags=flags,
                obsolete=obsolete,
            )
        )
    return entries


def catalog_roots(root: Path) -> list[Path]:
    """Every `locale` folder of the project: the project's own and each app's (agent/locale once it exists)."""
    return [root / "locale", *sorted(path for path in root.glob("*/locale") if path.is_dir())]


def catalogs(root: Path) -> Iterator[tuple[Path, str, Path]]:
    """(locale folder, language, .po file) of every catalog of every language we speak."""
    for locale in catalog_roots(root):
        for language in LANGUAGES:
            yield from ((locale, language, po) for po in sorted((locale / language / "LC_MESSAGES").glob("*.po")))


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]|\{\{ *(\w+) *\}\}")


def placeholders(text: str) -> set[str]:
    return {"".join(match) for match in PLACEHOLDER.findall(text)}


def untranslated(po: Path) -> list[str]:
    """What is wrong with a catalog: entries that are fuzzy, untranslated, or lose or invent a placeholder."""
    problems = []
    for entry in read_po(po):
        if entry.obsolete:
            continue
        name = f"{po.relative_to(po.parents[3])}: {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{name} is fuzzy")
        if entry.msgid == "":
            continue
        if not entry.msgstr or not all(entry.msgstr):
            problems.append(f"{name} is not translated")
            continue
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for form in entry.msgstr:
            # A singular form may say "one" instead of the count ("un objet"); other placeholders must all be there.
            if not placeholders(form) <= expected or not expected - {"count", "counter"} <= placeholders(form):
                problems.append(f"{name}: {form!r} does not use the placeholders {sorted(expected)}")
    return problems


def test_the_project_has_a_catalog_for_each_language():
    for language in LANGUAGES:
        assert (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").is_file(), language


def test_every_catalog_is_fully_translated_without_fuzzy_entries():
    found = list(catalogs(ROOT))
    assert found
    problems = [problem for _, _, po in found for problem in untranslated(po)]
    assert not problems, "\n".join(problems)


def test_every_catalog_is_compiled():
    """The .mo files are built by the install step (make compilemessages); a missing or stale one is a stale
    install, or msgfmt is missing (apt-get install gettext)."""
    for _, _, po in catalogs(ROOT):
        mo = po.with_suffix(".mo")
        assert mo.is_file(), f"{mo} is missing: run make compilemessages (needs GNU gettext's msgfmt)"
        assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is older than its .po: run make compilemessages"


# What makemessages reads (its default extensions) and never what it must not.
SKIPPED = shutil.ignore_patterns(
    ".*", "__pycache__", "node_modules", "*.sqlite3*", "*.mo", "staticfiles", "logs", "sent_emails", "export"
)


def extracted_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project whose catalogs makemessages has just refreshed, as `make messages` would."""
    copy = tmp_path / "project"
    copy.mkdir()
    for path in ROOT.iterdir():
        if path.name.startswith(".") or path.name in {"bench", "docs"}:
            continue
        if path.is_dir():
            shutil.copytree(path, copy / path.name, ignore=SKIPPED)
        elif path.suffix in {".py", ".html", ".txt"}:
            shutil.copy2(path, copy / path.name)
    # agent/ keeps its own catalog (agent/locale); until it has one, its strings belong to no catalog of ours.
    ignored = [".venv", "bench", "*/tests/*", *([] if (ROOT / "agent" / "locale").is_dir() else ["agent"])]
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command(
            "makemessages",
            locale=list(LANGUAGES),
            ignore_patterns=ignored,
            add_location="file",
            no_obsolete=True,
            verbosity=0,
        )
    return copy


def test_every_marked_string_is_in_the_catalogs(tmp_path, monkeypatch):
    """A string newly marked for translation fails here until `make messages` has added it to the catalogs and it
    has a translation; a string no longer used must leave the project's catalogs too."""
    copy = extracted_catalogs(tmp_path, monkeypatch)
    problems = []
    for locale, _, po in catalogs(copy):
        problems += untranslated(po)
        current = {entry.key for entry in read_po(po) if not entry.obsolete}
        original = ROOT / po.relative_to(copy)
        committed = {entry.key for entry in read_po(original) if not entry.obsolete} if original.exists() else set()
        missing = current - committed
        problems += [f"{original.relative_to(ROOT)}: {key[1]!r} is not in the catalog" for key in sorted(missing)]
        if locale == copy / "locale":
            stale = committed - current
            problems += [f"{original.relative_to(ROOT)}: {key[1]!r} is no longer used" for key in sorted(stale)]
    assert not problems, "run make messages and translate:\n" + "\n".join(problems)


# --- API messages ------------------------------------------------------------------------------------------
def in_language(language: str, message: str, **values: Any) -> str:
    with translation.override(language):
        return gettext(message) % values if values else gettext(message)


def in_language_n(language: str, singular: str, plural: str, number: int, **values: Any) -> str:
    with translation.override(language):
        return ngettext(singular, plural, number) % values


def speaking(api: ApiClient, language: str) -> ApiClient:
    speaker = ApiClient()
    speaker.headers = {**api.headers, "Accept-Language": language}
    return speaker


@pytest.mark.parametrize("language", LANGUAGES)
def test_domain_errors_come_in_the_requested_language(alice, language):
    api = speaking(api_for(alice), language)
    english = speaking(api_for(alice), "en")

    unknown = "00000000-0000-0000-0000-000000000000"
    item_not_found = api.get(f"/api/items/{unknown}")
    assert item_not_found.status_code == 404
    assert item_not_found.json()["detail"] == in_language(language, "Item not found")
    assert item_not_found.json()["detail"] != english.get(f"/api/items/{unknown}").json()["detail"]

    location_not_found = api.get(f"/api/locations/{unknown}")
    assert location_not_found.status_code == 404
    assert location_not_found.json()["detail"] == in_language(language, "Location not found")
    assert location_not_found.json()["detail"] != "Location not found"

    # A place holding an item cannot be deleted.
    place = create_location(api, "Closet")
    create_item(api, current_location_id=place["id"])
    refused = api.delete(f"/api/locations/{place['id']}")
    expected = in_language_n(
        language,
        "Cannot delete location with items. This location contains %(count)d item(s).",
        "Cannot delete location with items. This location contains %(count)d item(s).",
        1,
        count=1,
    )
    assert refused.status_code == 400
    assert refused.json()["detail"] == expected
    assert expected != "Cannot delete location with items. This location contains 1 item(s)."

    # Ten levels deep is as deep as places go.
    parent = place
    for level in range(1, MAX_DEPTH):
        parent = create_location(api, f"Level {level}", parent)
    too_deep = api.post("/api/locations", {"display_name": "Too deep", "parent_id": parent["id"]})
    expected = in_language_n(
        language,
        "Locations can be nested at most %(depth)d level deep",
        "Locations can be nested at most %(depth)d levels deep",
        MAX_DEPTH,
        depth=MAX_DEPTH,
    )
    assert too_deep.status_code == 400
    assert too_deep.json()["detail"] == expected
    assert expected != f"Locations can be nested at most {MAX_DEPTH} levels deep"


@pytest.mark.parametrize("language", LANGUAGES)
@override_settings(MAX_ITEMS_PER_USER=1)
def test_the_item_limit_comes_in_the_requested_language(alice, language):
    make_item(alice)
    refused = speaking(api_for(alice), language).post("/api/items", {**_item(), "name": "One more"})

    with translation.override(language):
        expected = " ".join(
            (
                ngettext("Cannot add %(adding)d item(s).", "Cannot add %(adding)d item(s).", 1) % {"adding": 1},
                ngettext("You have %(count)d/%(limit)d items.", "You have %(count)d/%(limit)d items.", 1)
                % {"count": 1, "limit": 1},
                ngettext("Only %(remaining)d slot(s) remaining.", "Only %(remaining)d slot(s) remaining.", 0)
                % {"remaining": 0},
            )
        )
    assert refused.status_code == 400
    assert refused.json()["detail"] == expected
    assert not expected.startswith("Cannot add")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_validation_error_names_the_field_in_the_requested_language(alice, language):
    refused = speaking(api_for(alice), language).put("/api/me", {"time_zone": "Mars/Olympus_Mons"})

    problem = in_language(language, "must be an IANA time zone name, such as Europe/Berlin or America/Los_Angeles")
    expected = in_language(language, "%(field)s: %(problem)s", field="time_zone", problem=problem)
    assert refused.status_code == 400
    assert refused.json()["detail"] == expected
    assert problem != "must be an IANA time zone name, such as Europe/Berlin or America/Los_Angeles"


@pytest.mark.parametrize("language", LANGUAGES)
@override_settings(RATE_LIMIT_REQUESTS=1, RATE_LIMIT_WINDOW_SECONDS=60)
def test_the_rate_limit_comes_in_the_requested_language(alice, language):
    ratelimit.reset_backend()
    api = speaking(api_for(alice), language)
    assert api.get("/api/items/stats").status_code == 200

    limited = api.get("/api/items/stats")

    seconds = int(limited["Retry-After"])
    expected = in_language_n(
        language,
        "Rate limit exceeded. Try again in %(seconds)d seconds.",
        "Rate limit exceeded. Try again in %(seconds)d seconds.",
        seconds,
        seconds=seconds,
    )
    assert limited.status_code == 429
    assert limited.json() == {"detail": expected}
    assert not expected.startswith("Rate limit exceeded")


def test_without_a_language_of_ours_the_person_setting_speaks(alice):
    alice.language = "de"
    alice.save()
    unknown = "00000000-0000-0000-0000-000000000000"

    answer = speaking(api_for(alice), "ja").get(f"/api/items/{unknown}")

    assert answer.json() == {"detail": in_language("de", "Item not found")}


def test_english_stays_english(alice_api):
    unknown = "00000000-0000-0000-0000-000000000000"
    assert speaking(alice_api, "en").get(f"/api/items/{unknown}").json() == {"detail": "Item not found"}


# --- Item type labels and badges ---------------------------------------------------------------------------
def _item(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Wool Sweater",
        "picture_url": "🧶",
        "item_type": "Clothing_Accessories",
        "status": "Keep",
        "item_received_date": "2020-01-15T10:30:00Z",
        "last_used": "2024-12-01T08:00:00Z",
        **changes,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_item_answers_carry_the_type_label_in_the_requested_language(alice, language):
    api = speaking(api_for(alice), language)
    created = api.post("/api/items", _item())
    label = in_language(language, "Clothing & Accessories")

    assert created.status_code == 201
    assert created.json()["item_type"] == "Clothing_Accessories"  # the value is never translated
    assert created.json()["item_type_label"] == label != "Clothing & Accessories"
    assert api.get(f"/api/items/{created.json()['id']}").json()["item_type_label"] == label
    assert [item["item_type_label"] for item in api.get("/api/items").json()] == [label]
    keeper = created.json()["keep_badge_progress"][0]
    assert keeper["name"] == in_language(
        language,
        "%(tier)s %(label)s Keeper",
        tier=_tier(language, "Bronze"),
        label=in_language(language, "Clothing"),
    )
    assert keeper["description"] == in_language(language, "Owned an item for 1 year") != "Owned an item for 1 year"


def _tier(language: str, name: str) -> str:
    with translation.override(language):
        return pgettext("badge tier", name)


def test_every_item_type_has_a_label_in_every_language():
    for language in LANGUAGES:
        with translation.override(language):
            labels = [str(label) for label in ItemType.labels]
        assert len(set(labels)) == len(labels), language
        assert labels != [str(label) for label in ItemType.labels], language


@pytest.mark.parametrize("language", LANGUAGES)
def test_donated_badges_are_named_in_the_requested_language(alice, language):
    make_item(alice, item_type=ItemType.TECHNOLOGY, status=ItemStatus.DONATE)

    english = speaking(api_for(alice), "en").get("/api/badges/donated").json()["Technology"]
    badges = speaking(api_for(alice), language).get("/api/badges/donated").json()["Technology"]

    assert [badge["tier"] for badge in badges] == ["bronze", "silver", "gold"]
    assert badges[2]["name"] == in_language(
        language, "%(tier)s %(label)s Giver", tier=_tier(language, "Gold"), label=in_language(language, "Technology")
    )
    assert badges[0]["description"] == in_language(language, "Gave 1 item")
    assert english[2]["name"] == "Gold Technology Giver"
    for badge, english_badge in zip(badges, english, strict=True):
        assert badge["name"] != english_badge["name"]
        assert badge["description"] != english_badge["description"]
        assert {**badge, "name": "", "description": ""} == {**english_badge, "name": "", "description": ""}


# --- Reminder emails ---------------------------------------------------------------------------------------
def html_of(message: Any) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


@pytest.mark.parametrize("checkup_type", ["keep", "give"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_reminder_emails_come_in_the_person_s_language(db, language, checkup_type):
    active = translation.get_language()
    person = make_user("zoe", first_name="Zoë", language=language)
    english = build_reminder(User(username="zoe", first_name="Zoë", email="zoe@example.com"), checkup_type, 7)

    message = build_reminder(person, checkup_type, 7)

    html = html_of(message)
    assert message.subject != english.subject
    assert message.body != english.body
    assert html != html_of(english)
    for text in (message.body, html):
        assert "Zoë" in text
        assert "7" in text
    assert f'<html lang="{language}">' in html
    with translation.override(language):
        assert message.subject == gettext(f"Your {checkup_type.title()} Checkup Reminder")
        assert gettext("Open MinNow") in html
    assert translation.get_language() == active  # the person's language was only borrowed


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_item_is_singular_in_every_language(db, language):
    person = make_user("zoe", language=language)
    one = build_reminder(person, "give", 1).body
    two = build_reminder(person, "give", 2).body
    with translation.override(language):
        assert (
            ngettext(
                "You have given away or donated %(counter)s item. Take a minute to review it and see what else "
                "you could pass on.",
                "You have given away or donated %(counter)s items. Take a minute to review them and see what "
                "else you could pass on.",
                1,
            )
            % {"counter": 1}
            in one
        )
    assert one != two

"""A database dump alone reveals no registry name, furigana or birth date (issue #18, 7).

The drill and its synthetic registry are loaded into PostgreSQL and committed; registry
people are linked to LINE accounts (self and family) and checked in at a shelter, and
others register in the LIFF pages, so every place a name could be copied to has been
written (residents, stays, presence events, the family's arrival messages in the outbox,
a registration's answers in the session). Then the real ``pg_dump`` of the database is
searched for every form of every registry person's name, furigana and birth date, taken
from the CSV that was imported, not from the database.
"""

from __future__ import annotations

import base64
import csv
import datetime
import os
import re
import subprocess
import urllib.parse
import zlib
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast

from hakobou import drill
from hakobou.services import drill_seed
from hakobou.testing import figures
from lib import synthetic_registry
from lib.crypto import generate_key, key_id, parse_keys
from lib.kana import normalize_kana
from messaging import simulator
from messaging.friends import line_friend_followed
from messaging.models import OutboxMessage
from residents.models import Account, RegistryPerson
from residents.registration import LinkResult, resident_link_registry
from residents.tests.test_rotate_keys import keys
from shelters.models import Method, Shelter, Stay
from shelters.services import stay_check_in

pytestmark = pytest.mark.django_db(transaction=True)

# People registered through LINE and checked in (a few is enough: each one writes a
# resident, a stay, presence events and arrival messages to themselves and to family).
REGISTERED = 8
# hakobou.services gives every drill evacuee entered by hand this birth date.
DRILL_EVACUEE_BIRTH_DATE = datetime.date(1948, 4, 1)


def pg_dump(database: str) -> str:
    """The plain-SQL dump of ``database``, as an operator's backup would hold it.

    Without the LINE simulator's rows: they stand in for LINE's own servers (what a
    user's phone received), which hold every message sent in any case; in production
    (LINE_MODE=live) these tables stay empty."""
    settings = connection.settings_dict
    args = ["pg_dump", "--no-owner", "--no-privileges", "--dbname", database]
    args += ["--exclude-table-data", "messaging_simulated*"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args += [flag, str(settings[key])]
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    result = subprocess.run(args, capture_output=True, check=True, env=env)
    return result.stdout.decode("utf-8")


def registry_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a registry extract exactly as the city's file holds them."""
    with open(path, encoding="cp932", newline="") as handle:
        return list(csv.DictReader(handle))


def secret_forms(row: dict[str, str]) -> set[str]:
    """Every way a name or birth date could be written into a column or a message."""
    name = row["氏名"]
    # The drill's extract writes dates the western way (1970-03-02).
    forms = kana_and_birth_forms(row["氏名カナ"], datetime.date.fromisoformat(row["生年月日"]))
    return forms | {name, name.replace("\u3000", " "), name.replace("\u3000", "")}


def kana_and_birth_forms(kana: str, birth: datetime.date) -> set[str]:
    return {
        kana,
        kana.replace("\u3000", " "),
        normalize_kana(kana),
        birth.isoformat(),
        birth.strftime("%Y%m%d"),
        birth.strftime("%Y/%m/%d"),
        synthetic_registry.format_date(birth, "wareki"),
    }


class SearchableDump:
    """A dump made quick to search for thousands of strings without losing any place.

    Dates are ASCII: every date-shaped token (and every run of eight digits) is
    collected once. Japanese can only sit on the lines with non-ASCII characters or
    escapes (JSON's \\uXXXX, URL %XX), so those lines are kept, unescaped, as text;
    so are the sessions, which are signed, not encrypted: base64 anybody can read.
    """

    def __init__(self, dump: str) -> None:
        self.raw = dump
        self.tokens = set(re.findall(r"\d{4}[-/]\d{2}[-/]\d{2}", dump))
        self.tokens |= set(re.findall(r"(?=(\d{8}))", dump))
        lines = [line for line in dump.splitlines() if not line.isascii()]
        for line in dump.splitlines():
            if line.isascii() and ("\\u" in line or "%" in line):
                lines.append(_unescaped(line))
        lines += [_unescaped(_unsigned(data)) for data in _session_data(dump)]
        self.text = "\n".join(lines)

    def __contains__(self, form: str) -> bool:
        return form in self.tokens if form.isascii() else form in self.text


def _session_data(dump: str) -> list[str]:
    """The session_data column of django_session's rows."""
    block = re.search(
        r"^COPY public\.django_session \((.*?)\) FROM stdin;\n(.*?)^\\\.$", dump, re.M | re.S
    )
    if block is None:
        return []
    column = [c.strip() for c in block.group(1).split(",")].index("session_data")
    return [line.split("\t")[column] for line in block.group(2).splitlines()]


def _unsigned(value: str) -> str:
    """What a signed value (a session) carries: readable by anybody, without the key."""
    payload = value.split(":", 1)[0]
    compressed, payload = payload.startswith("."), payload.lstrip(".")
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(data) if compressed else data).decode("utf-8")


def _unescaped(line: str) -> str:
    line = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), line)
    return urllib.parse.unquote(line)


def register_households(people: list[RegistryPerson], shelter: Shelter) -> None:
    """The first person of each household registers on LINE and adds the others as
    family; everyone arrives at the shelter, and the account hears each arrival."""
    households: dict[str, list[RegistryPerson]] = {}
    for person in people:
        households.setdefault(person.household_number, []).append(person)
    for number, members in enumerate(households.values()):
        user = simulator.simulated_user_create(display_name=f"利用者{number}")
        line_friend_followed(user_id=user.user_id, language="ja")
        account = Account.objects.create(line_user_id=user.user_id)
        for index, person in enumerate(members):
            relation = "self" if index == 0 else "family"
            outcome = resident_link_registry(account=account, person=person, relation=relation)
            assert outcome.result == LinkResult.LINKED
            stay_check_in(resident=outcome.resident, shelter=shelter, method=Method.PERSONAL_QR)


def register_on_the_web(client, rows: list[dict[str, str]]) -> None:
    """People register in the LIFF pages by typing furigana and birth date: the first
    finishes, the others stop at the confirmation, their answers waiting in the session."""
    for number, row in enumerate(rows):
        client.cookies.clear()
        user = simulator.simulated_user_create(display_name=f"ウェブ{number}")
        signed_in = client.post("/my/session/", {"id_token": simulator.id_token_issue(user)})
        assert signed_in.status_code == 200
        client.get("/my/register/")
        client.post("/my/register/consent/", {"agree": "on"})
        client.post("/my/register/kana/", {"kana": row["氏名カナ"]})
        birth = datetime.date.fromisoformat(row["生年月日"])
        answer = {"era": "", "year": birth.year, "month": birth.month, "day": birth.day}
        assert client.post("/my/register/birth/", answer).status_code == 302
        if number == 0:
            assert client.post("/my/register/confirm/").status_code == 302
            assert Account.objects.get(line_user_id=user.user_id).links.exists()


def test_a_database_dump_shows_no_registry_name_or_birth_date(tmp_path, client):
    drill_seed(registry_path=tmp_path / drill.REGISTRY_FILE_NAME)
    extract = tmp_path / drill.REGISTRY_FILE_NAME
    call_command("import_registry", str(extract))
    rows = registry_rows(extract)
    assert RegistryPerson.objects.count() == len(rows) == drill.REGISTRY_SIZE

    shelter = Shelter.objects.get(code=drill.PICKUP_SHELTER)
    people = list(RegistryPerson.objects.order_by("resident_number")[:REGISTERED])
    register_households(people, shelter)
    assert Stay.objects.filter(resident__registry_person__in=people).count() == REGISTERED
    # Names were written outside the registry's columns: family heard of each arrival.
    texts = [m["text"] for o in OutboxMessage.objects.all() for m in o.messages]
    named = [p for p in people if any(f"{p.name} さんが" in text for text in texts)]
    assert named
    # Someone whom furigana + birth date find alone, and two more.
    keys_of = Counter((row["氏名カナ"], row["生年月日"]) for row in rows)
    alone = [row for row in rows[REGISTERED:] if keys_of[row["氏名カナ"], row["生年月日"]] == 1]
    register_on_the_web(client, alone[-3:])

    dump = SearchableDump(pg_dump(connection.settings_dict["NAME"]))

    # The search works: what is not secret is there in clear, in each kind of place.
    assert shelter.name in dump  # a column
    assert "registration:" in dump.text  # a session, decoded: the registration under way
    assert rows[0]["宛名番号"] in dump.raw  # the registry's rows
    assert rows[0]["世帯番号"] in dump  # eight digits, as in 19700302
    updated = people[0].updated_at.astimezone(datetime.UTC).date()
    assert updated.isoformat() in dump  # a date, as in 1970-03-02

    # Registry people, and the drill's people entered by hand (their kanji name is also
    # their LINE display name, which LINE's profile gives us and is kept as it is).
    searched = [(row["宛名番号"], secret_forms(row)) for row in rows]
    searched += [
        (spec.key, kana_and_birth_forms(spec.kana, DRILL_EVACUEE_BIRTH_DATE))
        for spec in drill.EVACUEES
    ]
    checked = found = 0
    leaks = []
    for who, forms in searched:
        for form in forms:
            checked += 1
            if form in dump:
                found += 1
                leaks.append((who, form))
    figures.count("data at rest: registry strings checked", checked)
    figures.count("data at rest: registry strings found in pg_dump", found)
    assert leaks == []


@pytest.mark.django_db
def test_outbox_messages_are_rewritten_under_a_new_data_key():
    old, new = generate_key(), generate_key()
    index = generate_key()
    text = "函館　花子 さんが「青柳小学校」に到着しました（10:00）。"
    with keys(old, index):
        message = OutboxMessage.objects.create(
            kind=OutboxMessage.Kind.PUSH, messages=[{"type": "text", "text": text}]
        )
    with keys(f"{new},{old}", index):
        call_command("rotate_resident_keys", stdout=StringIO(), stderr=StringIO())
    with keys(new, index):
        raw = (
            OutboxMessage.objects.annotate(raw=Cast("messages", output_field=TextField()))
            .values_list("raw", flat=True)
            .get(pk=message.pk)
        )
        assert raw.startswith(f"g1:{key_id(parse_keys('RESIDENT_DATA_KEY', new)[0])}:")
        assert text not in raw
        assert OutboxMessage.objects.get(pk=message.pk).messages[0]["text"] == text

"""The やさしい日本語 (ja-easy) catalogue: it compiles (placeholders kept, nothing fuzzy),
the committed .mo is the compiled .po, and resident pages read in easy Japanese."""

import ast
import gettext
import io
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ja_Easy" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdif]|%%")
BRACE = re.compile(r"\{[a-z_]*\}")


def entries() -> list[dict]:
    """The .po's entries (obsolete ones left out), each with flags, msgid, msgid_plural
    and msgstr (msgstr[0] for a plural: nplurals=1)."""
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    found = []
    for block in text.split("\n\n"):
        entry: dict = {"flags": set(), "msgctxt": None, "msgid_plural": None}
        key = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry = {}
                break
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?) (".*")$', line):
                key = "msgstr" if match[1].startswith("msgstr") else match[1]
                entry[key] = ast.literal_eval(match[2])
            elif match := re.match(r'^msgstr\[\d+\] ".*"$', line):
                key = None  # nplurals=1: only msgstr[0]
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
        if "msgid" in entry:
            found.append(entry)
    return found


def mo_bytes(catalogue: dict[str, str]) -> bytes:
    """A GNU .mo of these messages (what msgfmt writes, without a hash table)."""
    keys = sorted(catalogue)
    ids = [key.encode() for key in keys]
    strs = [catalogue[key].encode() for key in keys]
    header = 7 * 4
    ids_at = header
    strs_at = ids_at + 8 * len(keys)
    data_at = strs_at + 8 * len(keys)
    table_ids, table_strs, data = [], [], b""
    for raw in ids:
        table_ids.append((len(raw), data_at + len(data)))
        data += raw + b"\0"
    for raw in strs:
        table_strs.append((len(raw), data_at + len(data)))
        data += raw + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, len(keys), ids_at, strs_at, 0, data_at)
    for length, offset in table_ids + table_strs:
        out += struct.pack("<2I", length, offset)
    return out + data


def translated() -> list[dict]:
    """The entries with wording, fuzzy ones left out (msgfmt leaves them out too)."""
    return [
        entry
        for entry in entries()
        if entry["msgid"] and entry["msgstr"] and "fuzzy" not in entry["flags"]
    ]


def gettext_key(entry: dict) -> str:
    key = entry["msgid"]
    if entry["msgid_plural"] is not None:
        key += "\0" + entry["msgid_plural"]
    if entry["msgctxt"] is not None:
        key = entry["msgctxt"] + "\x04" + key
    return key


def lookup(translations: gettext.GNUTranslations, entry: dict) -> str:
    if entry["msgctxt"] is not None and entry["msgid_plural"] is not None:
        return translations.npgettext(entry["msgctxt"], entry["msgid"], entry["msgid_plural"], 1)
    if entry["msgctxt"] is not None:
        return translations.pgettext(entry["msgctxt"], entry["msgid"])
    if entry["msgid_plural"] is not None:
        return translations.ngettext(entry["msgid"], entry["msgid_plural"], 1)
    return translations.gettext(entry["msgid"])


def test_the_catalogue_parses_and_compiles_into_gettext():
    header = next(entry for entry in entries() if entry["msgid"] == "")
    messages = translated()
    mo = mo_bytes({"": header["msgstr"], **{gettext_key(e): e["msgstr"] for e in messages}})
    translations = gettext.GNUTranslations(io.BytesIO(mo))
    assert translations.info()["language"] == "ja-easy"
    assert len(messages) > 400  # the resident side is translated
    assert [lookup(translations, e) for e in messages] == [e["msgstr"] for e in messages]
    assert translations.gettext("避難所をさがす") == "ひなんじょを さがす"


def test_no_entry_is_fuzzy_and_every_placeholder_is_kept():
    problems = []
    for entry in entries():
        if not entry["msgid"]:
            continue
        if "fuzzy" in entry["flags"]:
            problems.append(("fuzzy", entry["msgid"]))
        if not entry["msgstr"]:
            continue
        for pattern in (PLACEHOLDER, BRACE):
            if sorted(set(pattern.findall(entry["msgid"]))) != sorted(
                set(pattern.findall(entry["msgstr"]))
            ):
                problems.append(("placeholders", entry["msgid"], entry["msgstr"]))
        if entry["msgid"].endswith("\n") != entry["msgstr"].endswith("\n"):
            problems.append(("trailing newline", entry["msgid"]))
    # A fuzzy entry is makemessages guessing from a changed msgid: write its wording anew
    # (or empty its msgstr, which shows the Japanese) and drop the "#, fuzzy" line.
    assert problems == []


def test_the_committed_mo_is_the_compiled_po():
    with (CATALOGUE / "django.mo").open("rb") as mo:
        committed = gettext.GNUTranslations(mo)
    stale = [e["msgid"] for e in translated() if lookup(committed, e) != e["msgstr"]]
    assert stale == [], "compile it: manage.py compilemessages --locale ja_Easy"


MSGFMT = shutil.which("msgfmt")


@pytest.mark.skipif(MSGFMT is None, reason="GNU gettext is not installed")
def test_msgfmt_checks_the_catalogue(tmp_path):
    result = subprocess.run(
        [MSGFMT, "--check", "-o", str(tmp_path / "django.mo"), str(CATALOGUE / "django.po")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def easy_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja-easy"
    return client


@pytest.mark.django_db
def test_the_residents_start_page_reads_in_easy_japanese(easy_client):
    page = easy_client.get("/my/start/").content.decode()
    assert '<html lang="ja-easy">' in page
    assert "さいがいの ときの サービス" in page
    assert "LINE を つかわないで とうろく する" in page
    assert "ことば" in page  # the footer's switcher


@pytest.mark.django_db
def test_the_shelter_search_reads_in_easy_japanese(easy_client):
    page = easy_client.get("/shelters/").content.decode()
    assert "ひらいて いる ひなんじょを さがす" in page
    assert "いまの ばしょから さがす" in page


@pytest.mark.django_db
def test_the_registration_consent_reads_in_easy_japanese(easy_client):
    easy_client.post("/my/web/")
    page = easy_client.get("/my/register/consent/").content.decode()
    assert "つかう まえに" in page
    assert "それで いいです。つぎへ" in page

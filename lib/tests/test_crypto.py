import base64

import pytest

from lib.crypto import (
    BlindIndex,
    Cipher,
    DecryptionError,
    KeyConfigError,
    generate_key,
    parse_keys,
)

OLD, NEW = parse_keys("K", generate_key())[0], parse_keys("K", generate_key())[0]


def test_it_round_trips_japanese_text():
    cipher = Cipher([NEW])
    token = cipher.encrypt("中嶋 和樹", context="registry.name")
    assert "中嶋" not in token
    assert cipher.decrypt(token, context="registry.name") == "中嶋 和樹"


def test_the_same_text_encrypts_differently_each_time():
    cipher = Cipher([NEW])
    assert cipher.encrypt("x", context="c") != cipher.encrypt("x", context="c")


def test_a_value_moved_to_another_column_does_not_decrypt():
    cipher = Cipher([NEW])
    token = cipher.encrypt("1970-03-02", context="registry.birth_date")
    with pytest.raises(DecryptionError, match="another column"):
        cipher.decrypt(token, context="registry.name")


def test_a_tampered_value_does_not_decrypt():
    cipher = Cipher([NEW])
    prefix, kid, payload = cipher.encrypt("x", context="c").split(":")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(DecryptionError):
        cipher.decrypt(f"{prefix}:{kid}:{base64.b64encode(bytes(raw)).decode()}", context="c")


def test_old_values_still_decrypt_while_keys_rotate():
    old_token = Cipher([OLD]).encrypt("x", context="c")
    rotating = Cipher([NEW, OLD])
    assert rotating.decrypt(old_token, context="c") == "x"
    assert not rotating.is_current(old_token)
    assert rotating.is_current(rotating.encrypt("x", context="c"))
    with pytest.raises(DecryptionError, match="no key"):
        Cipher([NEW]).decrypt(old_token, context="c")


def test_the_blind_index_is_keyed_and_lists_every_key_during_rotation():
    assert BlindIndex([NEW]).current("m") == BlindIndex([NEW]).current("m")
    assert BlindIndex([NEW]).current("m") != BlindIndex([OLD]).current("m")
    assert BlindIndex([NEW, OLD]).candidates("m") == [
        BlindIndex([NEW]).current("m"),
        BlindIndex([OLD]).current("m"),
    ]


@pytest.mark.parametrize("value", [None, "", "short", base64.b64encode(b"x" * 31).decode()])
def test_missing_or_malformed_keys_are_refused_with_the_setting_name(value):
    with pytest.raises(KeyConfigError, match="RESIDENT_DATA_KEY"):
        parse_keys("RESIDENT_DATA_KEY", value)


def test_several_keys_are_read_newest_first():
    first, second = generate_key(), generate_key()
    keys = parse_keys("K", f"{first}, {second}")
    assert keys == (base64.urlsafe_b64decode(first), base64.urlsafe_b64decode(second))

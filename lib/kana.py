"""Normalise furigana (氏名カナ) so that one reading always gives one string.

The result feeds a keyed blind index of reading + birth date, so two spellings of the
same reading ("なかじま かずき", "ﾅｶｼﾞﾏ ｶｽﾞｷ", "ナカジマ・カズキ") must come out
identical, and normalising twice must change nothing: a record indexed once has to be
found again by a lookup that normalises the query.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

_LONG_VOWEL = "ー"  # U+30FC

# Everything people type for a long vowel in a reading. NFKC already turns "ｰ" into "ー"
# and "－"/"‑" into "-"/"‐"; they are listed anyway so the table does not depend on that.
# The wave dash 〜 and tilde ~ are left alone: they are not long-vowel marks.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff70\uff0d"

# Separators between family and given name. "･" (half-width) becomes "・" under NFKC.
_MIDDLE_DOTS = "・･"

# Every whitespace character (str.isspace) lies below U+3001; zero-width spaces are not
# "whitespace" to Python but are just as invisible in a pasted name, so they go too.
_SPACES = [chr(c) for c in range(0x3001) if chr(c).isspace()] + ["\u200b", "\ufeff"]

_TABLE: dict[int, str | None] = {
    # Hiragana ぁ..ゖ sit exactly 0x60 below katakana ァ..ヶ; ゝゞ likewise map to ヽヾ.
    **{c: chr(c + 0x60) for c in range(0x3041, 0x3097)},
    0x309D: "ヽ",
    0x309E: "ヾ",
    **{ord(c): _LONG_VOWEL for c in _DASHES},
    **{ord(c): None for c in _MIDDLE_DOTS},
    **{ord(c): None for c in _SPACES},
}

# The full-width spacing marks ゛゜ decompose under NFKC to a space plus the combining
# mark, which would then be cut off its kana by the space removal. Turning them into the
# combining marks first lets "カ゛" compose to "ガ" just as "ｶﾞ" does.
_SPACING_MARKS = str.maketrans({"゛": "\u3099", "゜": "\u309a"})

_KATAKANA_NAME = re.compile(r"[\u30a1-\u30fa\u30fc\u30fd\u30fe]+")


def normalize_kana(text: str) -> str:
    """Fold a furigana reading to full-width katakana without spaces, dots or dash variants.

    Small kana are deliberately NOT folded into their large forms: キヨシ and キョシ,
    or ユウキ and ユゥキ, are different readings of different names, and merging them
    would let the blind index match the wrong resident.
    """
    text = unicodedata.normalize("NFKC", text.translate(_SPACING_MARKS))
    text = text.translate(_TABLE)
    # Removing a space can bring a stray combining mark next to its kana ("カ ﾞ"); NFC
    # composes it, so a second pass over the output finds nothing left to change.
    return unicodedata.normalize("NFC", text)


def is_katakana_name(text: str) -> bool:
    """True when the reading is non-empty katakana (with ー ヽ ヾ) once normalised.

    Forms use it to reject kanji ("山田") or romaji ("yamada") typed into a furigana field.
    """
    return _KATAKANA_NAME.fullmatch(normalize_kana(text)) is not None


katakana_validator = RegexValidator(
    r"^[\u30a0-\u30ff\u3000 ]+$",
    _("全角カタカナで入力してください。"),
)

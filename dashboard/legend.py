"""The dashboard map's legend, written once. Each entry names the CSS classes its swatch
shares with the markers dashboard.js draws (u0…u3 for urgency, square for a pickup,
shelter plus its congestion), and static/css/hakobou.css colours a swatch and a marker
with one rule: a colour in the legend is the colour on the map. The glyphs and ranks the
markers use come from here too (dashboard.views hands them to the page)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dashboard.api.layers import PICKUP_URGENCY_RANK
from evacuation.models import NEED_URGENCY, Need, PickupRequest
from shelters.selectors import CONGESTION_LABELS


def need_glyphs() -> dict[str, str]:
    """One character on a marker for its most urgent need (the colour is not all)."""
    return {
        "medical": _("医"),
        "transport": _("迎"),
        "nursing": _("介"),
        "medicine": _("薬"),
        "water": _("水"),
        "food": _("食"),
        "information": _("情"),
        "other": _("他"),
    }


def urgency_words() -> dict[int, str]:
    return {3: _("緊急"), 2: _("高"), 1: _("中"), 0: _("低")}


def pickup_ranks() -> dict[str, int]:
    """A pickup's colour: its urgency as the urgency levels of the people's markers."""
    return {str(code): rank for code, rank in PICKUP_URGENCY_RANK.items()}


def map_legend() -> list[dict[str, str]]:
    """What the marks on the map mean: kind (what is marked), classes (shared with the
    marker), glyph (the character on it) and label."""
    glyphs, words = need_glyphs(), urgency_words()
    entries = []
    for level in (3, 2, 1, 0):
        needs = [code for code in Need.values if NEED_URGENCY[code] == level]
        entries.append(
            {
                "kind": "evacuee",
                "classes": f"u{level}",
                "glyph": glyphs[needs[0]],
                "label": _("%(level)s：%(needs)s")
                % {"level": words[level], "needs": "、".join(str(Need(c).label) for c in needs)},
            }
        )
    entries += [
        {
            "kind": "care",
            "classes": "u1 care-badge",
            "glyph": glyphs["food"],
            "label": _("角の点：配慮事項あり（高齢・障がいなどで色が一段上がります）"),
        },
        {
            "kind": "unverified",
            "classes": "u1 unverified",
            "glyph": glyphs["food"],
            "label": _("点線と「?」：未確認（住民基本台帳で確認できていない）"),
        },
    ]
    for code, rank in sorted(PICKUP_URGENCY_RANK.items(), key=lambda pair: -pair[1]):
        entries.append(
            {
                "kind": "pickup",
                "classes": f"square u{rank}",
                "glyph": _("依"),
                "label": _("送迎依頼（%(urgency)s）")
                % {"urgency": PickupRequest.Urgency(code).label},
            }
        )
    entries.append(
        {
            "kind": "pickup-state",
            "classes": "square u2 state-claimed",
            "glyph": _("担"),
            "label": _("四角の字：依＝依頼あり、担＝担当あり（点線）、送＝お迎え済み"),
        }
    )
    for congestion in ("available", "crowded", "full", "closed"):
        entries.append(
            {
                "kind": "shelter",
                "classes": f"shelter {congestion}",
                "glyph": _("避"),
                "label": _("避難所（%(congestion)s）")
                % {"congestion": CONGESTION_LABELS[congestion]},
            }
        )
    entries.append(
        {
            "kind": "cluster",
            "classes": "cluster u3",
            "glyph": "12",
            "label": _("数字：近くの印をまとめた件数（色は最も急ぐもの。押すと拡大）"),
        }
    )
    return entries

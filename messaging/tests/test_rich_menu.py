"""The rich menu is code: it is valid for LINE, its areas fit, and its links point at
the LIFF app (live) or at the portal itself (drill)."""

import struct
import zlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from linebot.v3.messaging import PostbackAction, RichMenuRequest, URIAction

from messaging import richmenu


def test_it_validates_against_the_sdk_model():
    request = RichMenuRequest.from_dict(richmenu.RICH_MENU)
    assert (request.size.width, request.size.height) == (2500, 1686)
    assert request.chat_bar_text == "メニュー"
    kinds = [type(area.action) for area in request.areas]
    assert kinds == [URIAction, PostbackAction, URIAction, URIAction, URIAction]


def test_its_areas_lie_within_the_menu_and_do_not_overlap():
    size = richmenu.RICH_MENU["size"]
    boxes = []
    for area in richmenu.RICH_MENU["areas"]:
        b = area["bounds"]
        assert b["x"] >= 0 and b["y"] >= 0
        assert b["x"] + b["width"] <= size["width"]
        assert b["y"] + b["height"] <= size["height"]
        boxes.append((b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]))
    for n, (left, top, right, bottom) in enumerate(boxes):
        for other in boxes[n + 1 :]:
            apart = right <= other[0] or other[2] <= left or bottom <= other[1] or other[3] <= top
            assert apart, (boxes[n], other)
    # Together they cover the menu: no dead strip where a tap does nothing.
    covered = sum((right - left) * (bottom - top) for left, top, right, bottom in boxes)
    assert covered == size["width"] * size["height"]


def test_status_is_a_postback_with_display_text():
    action = richmenu.RICH_MENU["areas"][1]["action"]
    assert action == {
        "type": "postback",
        "label": "わたしの状況",
        "data": "action=status",
        "displayText": "わたしの状況",
    }


def test_live_links_open_the_liff_app(settings):
    settings.LINE_MODE = "live"
    settings.LIFF_ID = "1234567890-AbCdEfGh"
    menu = richmenu.rich_menu()
    uris = [area["action"].get("uri") for area in menu["areas"]]
    assert uris == [
        "https://liff.line.me/1234567890-AbCdEfGh/my/start/",
        None,
        "https://liff.line.me/1234567890-AbCdEfGh/shelters/",
        "https://liff.line.me/1234567890-AbCdEfGh/my/report/",
        "https://liff.line.me/1234567890-AbCdEfGh/my/qr/",
    ]


def test_drill_links_open_the_portal_itself(settings):
    settings.LINE_MODE = "simulator"
    settings.LINE_WEBHOOK_URL = "http://portal.example:8000/line/webhook"
    assert richmenu.liff_url("/my/qr/") == "http://portal.example:8000/my/qr/"


def test_the_command_has_nothing_to_do_in_simulator_mode():
    out = StringIO()
    call_command("apply_rich_menu", stdout=out)  # exits 0
    assert "simulator" in out.getvalue()


def png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        richmenu.PNG_SIGNATURE
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


def test_live_mode_needs_an_image_of_the_menus_size(settings, tmp_path):
    settings.LINE_MODE = "live"
    with pytest.raises(CommandError, match="--image is required"):
        call_command("apply_rich_menu")
    small = tmp_path / "small.png"
    small.write_bytes(png(1200, 810))
    with pytest.raises(CommandError, match="1200×810"):
        call_command("apply_rich_menu", "--image", str(small))
    other = tmp_path / "menu.gif"
    other.write_bytes(b"GIF89a")
    with pytest.raises(CommandError, match="neither PNG nor JPEG"):
        call_command("apply_rich_menu", "--image", str(other))


def test_it_reads_the_size_of_a_png_and_a_jpeg():
    assert richmenu.image_content_type(png(2500, 1686)) == "image/png"
    sof = b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 1686, 2500) + b"\x03" + b"\x00" * 9
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
    assert richmenu.image_content_type(b"\xff\xd8" + app0 + sof) == "image/jpeg"
    with pytest.raises(ValueError, match="larger than 1 MB"):
        richmenu.image_content_type(b"\x00" * (richmenu.MAX_IMAGE_BYTES + 1))

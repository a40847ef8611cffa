"""The city account's rich menu, as code: one definition that `apply_rich_menu` sends
to LINE (live) and that the simulator's inbox draws under each chat (drill mode).

Links go through ``liff_url``. It assumes the LIFF app's endpoint URL is the portal's
root, so ``https://liff.line.me/<LIFF id>/my/start/`` opens ``<portal>/my/start/``.
"""

from __future__ import annotations

from django.conf import settings

from messaging.line import liff_url

WIDTH, HEIGHT = 2500, 1686
MAX_IMAGE_BYTES = 1024 * 1024  # LINE refuses rich menu images over 1 MB
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _row(row: int, actions: list[dict]) -> list[dict]:
    """One of the menu's two rows, its width shared evenly by ``actions``."""
    height = HEIGHT // 2
    edges = [WIDTH * n // len(actions) for n in range(len(actions) + 1)]
    return [
        {
            "bounds": {"x": left, "y": row * height, "width": right - left, "height": height},
            "action": action,
        }
        for left, right, action in zip(edges, edges[1:], actions, strict=False)
    ]


def rich_menu() -> dict:
    """The rich menu in LINE's JSON shape (2500×1686): three areas above, two below.

    Below, the two things a resident does on the day: tell the city where they are when
    they are not at a shelter (the drill's 避難所外避難, the people a shelter count
    misses), and show their QR at a shelter's reception."""
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,
        "name": "hakobou-main",
        "chatBarText": "メニュー",
        "areas": [
            *_row(
                0,
                [
                    {"type": "uri", "label": "登録", "uri": liff_url("/my/start/")},
                    {
                        "type": "postback",
                        "label": "わたしの状況",
                        "data": "action=status",
                        "displayText": "わたしの状況",
                    },
                    {"type": "uri", "label": "避難所", "uri": liff_url("/shelters/")},
                ],
            ),
            *_row(
                1,
                [
                    {"type": "uri", "label": "避難所の外にいる", "uri": liff_url("/my/report/")},
                    {"type": "uri", "label": "わたしのQR", "uri": liff_url("/my/qr/")},
                ],
            ),
        ],
    }


RICH_MENU: dict = rich_menu()


# --- Applying it to the live channel ---------------------------------------------------


def image_content_type(data: bytes) -> str:
    """The content type of a rich menu image, or ValueError saying what LINE would refuse."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError("the image is larger than 1 MB")
    if data.startswith(PNG_SIGNATURE):
        size, content_type = (int.from_bytes(data[16:20]), int.from_bytes(data[20:24])), "image/png"
    elif data.startswith(b"\xff\xd8"):
        size, content_type = _jpeg_size(data), "image/jpeg"
    else:
        raise ValueError("the image is neither PNG nor JPEG")
    if size != (WIDTH, HEIGHT):
        raise ValueError(f"the image is {size[0]}×{size[1]}, the menu is {WIDTH}×{HEIGHT}")
    return content_type


def _jpeg_size(data: bytes) -> tuple[int, int]:
    position = 2
    while position + 9 < len(data):
        if data[position] != 0xFF:
            break
        marker = data[position + 1]
        length = int.from_bytes(data[position + 2 : position + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
            height = int.from_bytes(data[position + 5 : position + 7])
            width = int.from_bytes(data[position + 7 : position + 9])
            return width, height
        position += 2 + length
    raise ValueError("the JPEG image has no readable size")


def rich_menu_apply(*, image: bytes, menu: dict | None = None) -> str:
    """Create the rich menu on LINE, upload its image and make it every user's default.
    Returns the new rich menu id. Live mode only: the simulator draws the menu from code."""
    from linebot.v3.messaging import MessagingApiBlob, RichMenuRequest
    from linebot.v3.messaging.exceptions import ApiException

    from messaging import line

    content_type = image_content_type(image)
    request = RichMenuRequest.from_dict(menu or rich_menu())
    # Through line._call so LINE's answers become our own error types.
    line._call("validate_rich_menu_object", request)
    rich_menu_id = line._call("create_rich_menu", request).rich_menu_id
    # The image goes to api-data.line.me; same client, same token, so still one client.
    try:
        MessagingApiBlob(line._api().api_client).set_rich_menu_image(
            rich_menu_id,
            image,
            _headers={"Content-Type": content_type},
            _request_timeout=settings.LINE_API_TIMEOUT_SECONDS,
        )
    except ApiException as exc:
        raise line.LineRejected(exc.status or 0, str(exc.body or "")[:500]) from exc
    line._call("set_default_rich_menu", rich_menu_id)
    return rich_menu_id

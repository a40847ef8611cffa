"""Drawing the LINE simulator's chat: stored LINE message JSON as bubbles, the rich
menu as tappable areas, and the action a tap refers to."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings

from messaging import browser_identity, richmenu, selectors, simulator
from messaging.models import SimulatedMessage, SimulatedUser

URI_SCHEMES = ("http", "https", "tel", "line")


def _template_columns(message: dict) -> list[tuple[str, dict, list[dict]]]:
    """(path, column, actions) of a template message: one column for buttons and
    confirm, several for a carousel. The path names where an action sits, so a tap is
    resolved from the stored message, never from data sent by the page."""
    if message.get("type") != "template":
        return []
    template = message.get("template") or {}
    if template.get("type") in ("buttons", "confirm"):
        return [("t", template, template.get("actions") or [])]
    columns = template.get("columns") or []
    return [
        (
            f"c{n}.t",
            column,
            column.get("actions") or ([column["action"]] if column.get("action") else []),
        )
        for n, column in enumerate(columns)
    ]


def _quick_reply_actions(message: dict) -> list[dict]:
    items = (message.get("quickReply") or {}).get("items") or []
    return [item.get("action") or {} for item in items]


def _href(uri: str) -> str | None:
    """Where a uri action leads in a drill: a LIFF link opens our own start page (as
    the LIFF app would), a link to the portal stays on this host; None for a scheme
    LINE refuses too (javascript:, …)."""
    parts = urlsplit(uri)
    if parts.scheme not in URI_SCHEMES:
        return None
    query = f"?{parts.query}" if parts.query else ""
    if parts.netloc == "liff.line.me":
        liff_id, _slash, path = parts.path.lstrip("/").partition("/")
        if liff_id == settings.LIFF_ID:
            # The LIFF app opens its endpoint, the start page, which signs the user in
            # and then goes on to the path (or to the ?next= it was given).
            start = browser_identity.sign_in_url()
            if path:
                return f"{start}?{urlencode({'next': '/' + path + query})}"
            return start + query
    portal = {
        urlsplit(settings.LINE_WEBHOOK_URL).netloc,
        urlsplit(simulator.config().webhook_url).netloc,
    }
    if parts.scheme in ("http", "https") and parts.netloc in portal:
        return (parts.path or "/") + query
    return uri


def _action(ref: str, action: dict) -> dict:
    """An action as the chat draws it: a button that posts (postback, message), a link
    (uri), or a greyed-out chip for what the simulator cannot do (camera, date picker…)."""
    kind = str(action.get("type") or "")
    label = action.get("label") or action.get("displayText") or action.get("text") or kind
    shown = {"ref": ref, "label": label, "kind": "unsupported", "href": None, "external": False}
    if kind in ("postback", "message"):
        shown["kind"] = "send"
    elif kind == "uri":
        href = _href(str(action.get("uri", "")))
        if href is not None:
            shown.update(kind="link", href=href, external=href.startswith(("http:", "https:")))
    return shown


def bubble(row: SimulatedMessage) -> dict:
    """A stored LINE message object, as the chat template draws it."""
    message = row.message if isinstance(row.message, dict) else {}
    kind = str(message.get("type") or "")
    if kind == "text":
        text = message.get("text", "")
    elif kind == "location":
        text = " ".join(filter(None, [message.get("title"), message.get("address")]))
    else:
        text = message.get("altText", "")
    prefix = f"m{row.pk}."
    return {
        "id": row.pk,
        "mine": row.direction == SimulatedMessage.Direction.FROM_USER,
        "at": row.created_at,
        "kind": kind,
        "text": text,
        "columns": [
            {
                "title": column.get("title", ""),
                "text": column.get("text", ""),
                "confirm": column.get("type") == "confirm",
                "actions": [_action(f"{prefix}{path}{n}", a) for n, a in enumerate(actions)],
            }
            for path, column, actions in _template_columns(message)
        ],
        "quick_replies": [
            _action(f"{prefix}q{n}", a) for n, a in enumerate(_quick_reply_actions(message))
        ],
    }


def rich_menu_view() -> dict:
    menu = richmenu.rich_menu()
    width, height = menu["size"]["width"], menu["size"]["height"]
    areas = []
    for n, area in enumerate(menu["areas"]):
        bounds = area["bounds"]
        style = (
            f"left:{bounds['x'] / width:.3%};top:{bounds['y'] / height:.3%};"
            f"width:{bounds['width'] / width:.3%};height:{bounds['height'] / height:.3%}"
        )
        areas.append({**_action(f"r{n}", area["action"]), "style": style})
    return {
        "chat_bar_text": menu.get("chatBarText", ""),
        "areas": areas,
        "aspect": f"{width} / {height}",
    }


def tapped_action(line_user: SimulatedUser, ref: str) -> dict | None:
    """The action a tap refers to, looked up in the rich menu or in a message this user
    received; None for anything else."""
    if ref.startswith("r") and ref[1:].isdigit():
        areas = richmenu.rich_menu()["areas"]
        return areas[int(ref[1:])]["action"] if int(ref[1:]) < len(areas) else None
    head, _dot, path = ref.partition(".")
    if not (head.startswith("m") and head[1:].isdigit()):
        return None
    row = selectors.received_message_get(line_user=line_user, pk=int(head[1:]))
    message = row.message if row is not None and isinstance(row.message, dict) else {}
    actions = {
        f"{column_path}{n}": action
        for column_path, _column, column_actions in _template_columns(message)
        for n, action in enumerate(column_actions)
    }
    actions.update({f"q{n}": a for n, a in enumerate(_quick_reply_actions(message))})
    return actions.get(path)


def chat_context(line_user: SimulatedUser, rows: list[SimulatedMessage]) -> dict:
    """The chat template's context for these messages (all of a chat, or the new ones)."""
    bubbles = [bubble(row) for row in rows]
    last = bubbles[-1] if bubbles else None
    return {
        "line_user": line_user,
        "bubbles": bubbles,
        # As in LINE: quick replies only under the newest message, until the user acts.
        "quick_replies": last["quick_replies"] if last and not last["mine"] else [],
        "last_id": last["id"] if last else 0,
    }

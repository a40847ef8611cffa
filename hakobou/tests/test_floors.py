"""The floors hold where import-linter cannot look: a template's {% url %}, a reverse()
by name and a string foreign key point to the app's own floor or one below.

The floors are read from the `floors` contract in pyproject.toml, the one import-linter
enforces on imports, so there is one list to keep."""

import re
import tomllib
from pathlib import Path

from django.apps import apps
from django.urls import get_resolver

ROOT = Path(__file__).resolve().parents[2]
URL_TAG = re.compile(r"""\{%\s*url\s+['"]([\w-]+):""")
REVERSE = re.compile(r"""(?:reverse|reverse_lazy|redirect|resolve_url)\(\s*f?["']([\w-]+):""")
STRING_FK = re.compile(r"""(?:ForeignKey|OneToOneField|ManyToManyField)\(\s*["'](\w+)\.\w+["']""")


def floors() -> list[list[str]]:
    """The apps of each floor, bottom first ("supplies | notices": two independent apps
    on one floor, neither may use the other)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [
        c for c in config["tool"]["importlinter"]["contracts"] if c.get("id") == "floors"
    ]
    layers = [[app.strip() for app in layer.split("|")] for layer in contract["layers"]]
    return list(reversed(layers))


def all_apps() -> list[str]:
    return [app for floor in floors() for app in floor]


def floor_of(app: str) -> int | None:
    return next((n for n, floor in enumerate(floors()) if app in floor), None)


def namespace_apps() -> dict[str, str]:
    """Each URL namespace and the app whose urls module defines it."""
    found = {}
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        module = getattr(resolver.urlconf_module, "__name__", "")
        found[namespace] = module.split(".")[0]
    return found


def app_files(pattern: str):
    for app in all_apps():
        for path in sorted((ROOT / app).rglob(pattern)):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts or "testing" in parts:
                continue
            yield app, path


def upward(app: str, target_app: str) -> bool:
    """Above, or a sibling on the same floor (independent apps do not use each other)."""
    mine, theirs = floor_of(app), floor_of(target_app)
    if mine is None or theirs is None:
        return False
    return theirs > mine or (theirs == mine and app != target_app)


def pointing_up(pattern: str, reference: re.Pattern, owners: dict[str, str]) -> list[str]:
    """Every reference in these files to something owned by a higher floor."""
    return [
        f"{path.relative_to(ROOT)} -> {name} ({owners[name]})"
        for app, path in app_files(pattern)
        for name in reference.findall(path.read_text(encoding="utf-8"))
        if name in owners and upward(app, owners[name])
    ]


def test_templates_link_only_to_their_floor_or_below():
    assert pointing_up("*.html", URL_TAG, namespace_apps()) == []


def test_code_reverses_only_urls_of_its_floor_or_below():
    assert pointing_up("*.py", REVERSE, namespace_apps()) == []


def test_string_foreign_keys_point_to_their_floor_or_below():
    labels = {config.label: config.name.split(".")[0] for config in apps.get_app_configs()}
    assert pointing_up("*.py", STRING_FK, labels) == []


def test_every_project_app_stands_on_a_floor():
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).parent == ROOT
    }
    assert ours <= set(all_apps())

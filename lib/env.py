"""Typed readers for environment variables that fail loudly.

django-environ's own ``env.bool("X")`` quietly reads ``"ture"`` as False; on the
day of a disaster a typo in a deploy must stop start-up with a message that says
which variable is wrong, not switch a safety setting off.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Env:
    """Reads from a mapping (``os.environ`` by default) so tests can pass their own."""

    def __init__(self, source: Mapping[str, str] | None = None) -> None:
        self.source = os.environ if source is None else source

    def raw(self, name: str) -> str | None:
        value = self.source.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def is_set(self, name: str) -> bool:
        return self.raw(name) is not None

    def str(self, name: str, default: str | None = None, *, pattern: str | None = None) -> str:
        value = self.raw(name)
        if value is None:
            if default is None:
                raise ImproperlyConfigured(f"{name} must be set.")
            return default
        if pattern is not None and not re.fullmatch(pattern, value):
            raise ImproperlyConfigured(f"{name} has an invalid format: {value!r}.")
        return value

    def optional_str(self, name: str) -> str | None:
        return self.raw(name)

    def bool(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name} must be one of true/false, yes/no, on/off, 1/0; got {value!r}."
        )

    def int(
        self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
        return self._in_range(name, number, minimum, maximum)

    def float(
        self,
        name: str,
        default: float,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a number; got {value!r}.") from None
        return self._in_range(name, number, minimum, maximum)

    def choice(self, name: str, default: str, choices: Sequence[str]) -> str:
        value = self.raw(name)
        if value is None:
            return default
        if value not in choices:
            raise ImproperlyConfigured(
                f"{name} must be one of {', '.join(choices)}; got {value!r}."
            )
        return value

    def list(self, name: str, default: Sequence[str] = ()) -> list[str]:
        value = self.raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    @staticmethod
    def _in_range(name, number, minimum, maximum):
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
        if maximum is not None and number > maximum:
            raise ImproperlyConfigured(f"{name} must be at most {maximum}; got {number}.")
        return number

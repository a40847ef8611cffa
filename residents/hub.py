"""The resident's page (/my/) shows what apps above residents add to it.

An app registers a section in its AppConfig.ready(): a function that, given the
signed-in account, returns the template and context to show, or None to show nothing.
Sections appear in the order they were registered, above the registration details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from residents.models import Account


@dataclass(frozen=True)
class Section:
    template: str
    context: dict


SectionProvider = Callable[[Account], Section | None]

_providers: list[SectionProvider] = []


def register(provider: SectionProvider) -> SectionProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(request: HttpRequest, account: Account) -> list[SafeString]:
    """The registered sections for this account, rendered."""
    rendered = []
    for provider in _providers:
        section = provider(account)
        if section is not None:
            rendered.append(render_to_string(section.template, section.context, request=request))
    return rendered

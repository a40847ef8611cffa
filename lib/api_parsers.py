"""The JSON API's request parsers (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"])."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's, with JSON nested deeper than Python's parser can follow (a body of
    100,000 "[") refused as unreadable JSON is, a 400 and not a server error: DRF
    turns only ValueError into ParseError, and the parser raises RecursionError."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON の入れ子が深すぎるため読み取れません。")) from None

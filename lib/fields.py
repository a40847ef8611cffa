"""Model field helpers shared by the apps (this module defines no model)."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models

from lib.crypto import resident_cipher


def user_link(verbose_name) -> models.ForeignKey:
    """Who did something (a staff member, a volunteer), kept as history: the row stays,
    without the link, when the user is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=verbose_name,
    )


class EncryptedJSONField(models.JSONField):
    """A JSON value kept encrypted at rest (lib.crypto, under RESIDENT_DATA_KEY), in a
    text column. For what is written about a person outside the registry's own columns:
    a LINE message that names a family member who arrived at a shelter is as personal
    as the registry row it came from, and a database dump alone must not reveal it.

    Python code and the admin see the value; the database cannot look inside it, so
    never filter on its keys. ``manage.py rotate_resident_keys`` rewrites it."""

    def get_internal_type(self) -> str:
        # A plain text column: no jsonb, and no JSON_VALID check on SQLite.
        return "TextField"

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        text = resident_cipher().decrypt(value, context=self.context())
        return json.loads(text, cls=self.decoder)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        text = json.dumps(value, cls=self.encoder, ensure_ascii=False)
        return resident_cipher().encrypt(text, context=self.context())

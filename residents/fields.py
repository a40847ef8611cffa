"""Model fields whose values are encrypted at rest (see lib/crypto.py)."""

from __future__ import annotations

import datetime

from django.db import models

from lib.crypto import resident_cipher


class EncryptedTextField(models.TextField):
    """Stores ciphertext; Python code and admin see plain text.

    Never filter on it (each write uses a fresh nonce); match through a blind index.
    """

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.decode(resident_cipher().decrypt(value, context=self.context()))

    def get_prep_value(self, value):
        # encode() after TextField's own preparation, which ends in to_python(): for a
        # date column that would turn the ISO text back into a date.
        value = self.encode(super().get_prep_value(value))
        if value is None or value == "":
            return value
        return resident_cipher().encrypt(value, context=self.context())

    def encode(self, value):
        return value

    def decode(self, text: str):
        return text


class EncryptedDateField(EncryptedTextField):
    def encode(self, value):
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def decode(self, text: str):
        return datetime.date.fromisoformat(text)

    def to_python(self, value):
        if value is None or isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(str(value))

    def formfield(self, **kwargs):
        from django import forms

        return models.Field.formfield(self, form_class=forms.DateField, **kwargs)

"""Outbox messages are encrypted at rest: a family's arrival message names the person
who arrived, and a database dump alone must reveal no name (lib.fields.EncryptedJSONField)."""

import json

from django.db import migrations

import lib.fields

CONTEXT = "messaging.outboxmessage.messages"
BATCH = 1000


def _rewrite(schema_editor, seal) -> None:
    """Pass every row's stored text through ``seal``, in batches by id."""
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT id, messages FROM messaging_outboxmessage WHERE id > %s "
                "ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            for pk, text in rows:
                cursor.execute(
                    "UPDATE messaging_outboxmessage SET messages = %s WHERE id = %s",
                    [seal(text), pk],
                )
            last = rows[-1][0]


def encrypt(apps, schema_editor):
    from lib.crypto import resident_cipher

    cipher = resident_cipher()
    _rewrite(
        schema_editor,
        lambda text: cipher.encrypt(
            json.dumps(json.loads(text), ensure_ascii=False), context=CONTEXT
        ),
    )


def decrypt(apps, schema_editor):
    from lib.crypto import resident_cipher

    cipher = resident_cipher()
    _rewrite(schema_editor, lambda text: cipher.decrypt(text, context=CONTEXT))


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0005_japanese_labels"),
    ]

    operations = [
        # jsonb → text keeps each row's JSON as text; the next step seals it.
        migrations.AlterField(
            model_name="outboxmessage",
            name="messages",
            field=lib.fields.EncryptedJSONField(verbose_name="メッセージ"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]

"""Steps that migrations moving a model between apps share."""

from __future__ import annotations

from django.db import migrations


def move_content_types(source: str, target: str, models: tuple[str, ...]) -> migrations.RunPython:
    """Move these models' content types from app ``source`` to ``target`` (back when
    undone), so staff permissions and admin history follow a model to its new app. A
    content type already made for the target is left alone."""

    def move(apps, frm: str, to: str) -> None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not ContentType.objects.filter(app_label=to, model=model).exists():
                ContentType.objects.filter(app_label=frm, model=model).update(app_label=to)

    return migrations.RunPython(
        lambda apps, schema_editor: move(apps, source, target),
        lambda apps, schema_editor: move(apps, target, source),
    )


def postgresql_only(sql: str, reverse_sql: str) -> migrations.RunPython:
    """Run this SQL on PostgreSQL only (an index SQLite has no kind for, such as GIN)."""

    def run(statement: str):
        def step(apps, schema_editor) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(statement)

        return step

    return migrations.RunPython(run(sql), run(reverse_sql), elidable=False)

"""Registry extracts uploaded in admin: kept on disk, imported by a task."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from residents.importer import ENCODINGS
from residents.models import ImportRun
from residents.tasks import registry_import_task


def registry_import_enqueue(
    *,
    upload: BinaryIO,
    file_name: str,
    encoding: str = "auto",
    full_extract: bool = True,
    created_by: AbstractBaseUser | None = None,
) -> ImportRun:
    """Keep an uploaded extract on disk and queue its import (admin upload).

    The file is copied in chunks, never held in memory; the task starts only once the
    run is committed, and deletes the file when it is done.
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {ENCODINGS}")
    directory = Path(settings.DATA_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    stored = directory / f"{uuid.uuid4()}.csv"
    try:
        with open(stored, "wb") as out:
            stored.chmod(0o600)
            chunks = getattr(upload, "chunks", None)
            if chunks is not None:  # a Django UploadedFile
                for chunk in chunks():
                    out.write(chunk)
            else:
                shutil.copyfileobj(upload, out)
    except BaseException:
        stored.unlink(missing_ok=True)
        raise

    with transaction.atomic():
        run = ImportRun.objects.create(
            file_name=Path(file_name).name[:255],
            stored_path=str(stored),
            encoding=encoding,
            full_extract=full_extract,
            created_by=created_by,
        )
        transaction.on_commit(lambda: registry_import_task.delay(run.pk))
    return run

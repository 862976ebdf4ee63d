"""The "My data" download: one ZIP of JSON and CSV, made once at a time per person."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import zipfile
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.privacy.exports import Row, StoredFile, Subject, files_build, sections_build
from kinfolk.privacy.models import ExportClaim

#: A claim older than this belongs to a request that died; a new one may take it over.
CLAIM_TIMEOUT = dt.timedelta(minutes=5)


class ExportBusy(Exception):
    """An export of this person's data is being made right now; nothing was started."""


def my_data_archive(*, user: Any) -> bytes:
    """The ZIP of everything stored about ``user``; raises ExportBusy if one is being made."""
    claim = _claim(user.pk)
    try:
        subject = Subject.of(user)
        return _zip(sections_build(subject=subject), files_build(subject=subject))
    finally:
        ExportClaim.objects.filter(pk=claim.pk).delete()


def _claim(user_id: int) -> ExportClaim:
    now = timezone.now()
    try:
        with transaction.atomic():
            return ExportClaim.objects.create(user_id=user_id, started_at=now)
    except IntegrityError:
        pass
    taken = ExportClaim.objects.filter(user_id=user_id, started_at__lt=now - CLAIM_TIMEOUT).update(
        started_at=now
    )
    if not taken:
        raise ExportBusy
    return ExportClaim.objects.get(user_id=user_id)


def _zip(sections: list[tuple[Any, list[Row]]], files: list[StoredFile]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        copied = [f for f in files if _file_copy(archive, f)]
        archive.writestr("README.txt", _readme(sections, copied))
        everything = {section.name: rows for section, rows in sections}
        archive.writestr("my-data.json", _json(everything))
        for section, rows in sections:
            archive.writestr(f"json/{section.name}.json", _json(rows))
            archive.writestr(f"csv/{section.name}.csv", _csv(rows))
    return buffer.getvalue()


def _file_copy(archive: zipfile.ZipFile, stored: StoredFile) -> bool:
    """Copy a stored file into the ZIP byte for byte; False if the storage no longer has it."""
    from django.core.files.storage import default_storage

    try:
        source = default_storage.open(stored.name, "rb")
    except FileNotFoundError:
        return False
    with source, archive.open(stored.path, "w") as target:
        shutil.copyfileobj(source, target)
    return True


def _json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _csv(rows: list[Row]) -> str:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return _json(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _readme(sections: list[tuple[Any, list[Row]]], files: list[StoredFile]) -> str:
    lines = [
        _("Everything Kinfolk stores about you, made on %(when)s (UTC).")
        % {"when": timezone.now().strftime("%Y-%m-%d %H:%M")},
        "",
        _("my-data.json holds every section; json/ and csv/ hold one file per section:"),
    ]
    lines += [f"  {section.name}: {section.title} ({len(rows)})" for section, rows in sections]
    if files:
        lines += [
            "",
            _("Files you sent, exactly as Kinfolk stores them (photos without their location):"),
        ]
        lines += [f"  {f.path}" for f in files]
    lines += ["", _("What is not included, and why:"), *[f"  - {e}" for e in exemptions()]]
    return "\n".join(str(line) for line in lines) + "\n"


def exemptions() -> list[str]:
    """The stated exemptions of charter rule 4, in the reader's language."""
    return [
        _(
            "If a household reports a concern about a visitor to the programme, the visitor is "
            "not shown the report: that protects the person who made it. Only the programme's "
            "coordinators read it."
        ),
        _(
            "Approved expense claims keep their amounts, anonymised, for as long as the "
            "programme's finance rules require."
        ),
        _(
            "When the programme decided not to pair you with someone, the other person is not "
            "named."
        ),
    ]

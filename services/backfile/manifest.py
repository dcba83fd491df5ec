"""The backfile manifest: which file of the source belongs to which dossier, checked up front.

Every row is validated before the first file is imported, and every bad row is reported at
once, so an archive team fixes its spreadsheet in one pass rather than one error per run.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import ValidationError

from models.codes import agency_of
from models.errors import InvalidManifest, NotFound, SohoaError
from models.schemas import DossierCreate
from storage.sources import Source

COLUMNS = ("file", "dossier_code", "procedure_code", "applicant_name", "applicant_id", "kind")
REQUIRED = COLUMNS[:5]
DOSSIER_FILE = "dossier.json"
"""In the folder-per-dossier convention, the dossier's metadata file inside its folder."""
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_MAX_BAD_ROWS = 1000  # enough to fix a spreadsheet; a larger list helps nobody


@dataclass(frozen=True)
class Row:
    number: int
    """Line of the manifest (1 = header), or 0 for the folder convention."""
    path: str
    dossier: DossierCreate
    kind: str | None


@dataclass(frozen=True)
class BadRow:
    row: int
    file: str
    problem: str


def read_manifest(text: str, source: Source, agency: str | None) -> list[Row]:
    """Parse and check a CSV manifest against the source and the archivist's agency."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))  # Excel writes a BOM
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidManifest(
            "Bảng kê thiếu cột bắt buộc", detail={"missing": missing, "expected": list(COLUMNS)}
        )
    rows: list[Row] = []
    bad: list[BadRow] = []
    shared: dict[str, DossierCreate] = {}
    for record in reader:
        number = reader.line_num
        path = (record.get("file") or "").strip()
        try:
            row = _row(number, path, record, agency)
        except _Bad as exc:
            bad.append(BadRow(number, path, str(exc)))
            continue
        # rows of one dossier share its record: memory per row is a path and a few numbers
        first = shared.setdefault(row.dossier.code, row.dossier)
        rows.append(Row(row.number, row.path, first, row.kind) if first == row.dossier else row)
    _check_consistent(rows, bad)
    _check_present(rows, source, bad)
    if bad:
        bad.sort(key=lambda b: b.row)
        raise InvalidManifest(
            detail={
                "bad_rows": len(bad),
                "rows": [b.__dict__ for b in bad[:_MAX_BAD_ROWS]],
            }
        )
    if not rows:
        raise InvalidManifest("Bảng kê không có dòng nào")
    return rows


def check_folders(source: Source, agency: str | None) -> int:
    """Check every dossier folder's metadata before importing; return the number of files."""
    bad: list[dict[str, str]] = []
    files = 0
    current = None
    for file in source.files():
        folder, _, name = file.path.partition("/")
        if not name or name == DOSSIER_FILE:
            continue
        files += 1
        if folder != current:
            current = folder
            try:
                _folder_dossier(source, folder, agency)
            except InvalidManifest as exc:
                bad.append({"folder": folder, "problem": exc.message})
    if bad:
        raise InvalidManifest(
            detail={"bad_rows": len(bad), "rows": bad[:_MAX_BAD_ROWS]},
        )
    if not files:
        raise InvalidManifest("Nguồn không có tệp nào theo dạng <mã hồ sơ>/<tệp>")
    return files


def folder_rows(source: Source, agency: str | None) -> Iterator[Row]:
    """The folder-per-dossier convention: `<dossier code>/dossier.json` + the files beside it.

    Streamed (no list of the source is held): files are listed folder by folder in order.
    """
    metadata: dict[str, DossierCreate] = {}
    for file in source.files():
        folder, _, name = file.path.partition("/")
        if not name or name == DOSSIER_FILE:
            continue
        if folder not in metadata:
            metadata.clear()  # one folder at a time: memory does not grow with the source
            metadata[folder] = _folder_dossier(source, folder, agency)
        yield Row(0, file.path, metadata[folder], None)


class _Bad(Exception):
    pass


def _row(number: int, path: str, record: dict[str, str | None], agency: str | None) -> Row:
    if not path:
        raise _Bad("thiếu cột file")
    if path.startswith("/") or ".." in path.split("/") or "\\" in path:
        raise _Bad("đường dẫn phải nằm trong thư mục nguồn")
    dossier = _dossier({k: (record.get(k) or "").strip() for k in REQUIRED[1:]}, agency)
    kind = (record.get("kind") or "").strip() or None
    if kind is not None and not _KIND.match(kind):
        raise _Bad(f"loại giấy tờ không hợp lệ: {kind!r} (chữ thường, số, gạch dưới)")
    return Row(number, path, dossier, kind)


def _dossier(fields: dict[str, str], agency: str | None) -> DossierCreate:
    try:
        dossier = DossierCreate(
            code=fields["dossier_code"],
            procedure_code=fields["procedure_code"],
            applicant_name=fields["applicant_name"],
            applicant_id=fields["applicant_id"],
        )
    except SohoaError as exc:  # our code checks raise our errors straight through pydantic
        field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
        raise _Bad(f"{field}: {exc.message}" if field else exc.message) from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {_reason(e)}" for e in exc.errors())
        raise _Bad(problems) from None
    if agency is not None and agency_of(dossier.code) != agency:
        raise _Bad(f"hồ sơ của cơ quan {agency_of(dossier.code)}, không phải {agency}")
    return dossier


def _reason(error: object) -> str:
    ctx = getattr(error, "get", lambda _k: None)("ctx") or {}
    inner = ctx.get("error") if isinstance(ctx, dict) else None
    if isinstance(inner, SohoaError):
        return inner.message
    return str(getattr(error, "get", lambda _k: "")("msg"))


def _check_consistent(rows: Iterable[Row], bad: list[BadRow]) -> None:
    """All rows of one dossier must agree on its procedure and applicant; no row twice."""
    first: dict[str, Row] = {}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.dossier.code, row.path)
        if key in seen:
            bad.append(BadRow(row.number, row.path, "tệp này đã có ở dòng trước của hồ sơ"))
        seen.add(key)
        earlier = first.setdefault(row.dossier.code, row)
        if earlier.dossier != row.dossier:
            bad.append(
                BadRow(
                    row.number,
                    row.path,
                    f"thông tin hồ sơ {row.dossier.code} khác dòng {earlier.number}",
                )
            )


def _check_present(rows: list[Row], source: Source, bad: list[BadRow]) -> None:
    """Stream the source listing once and report the rows whose file is not in it."""
    wanted = {row.path for row in rows}
    for file in source.files():
        wanted.discard(file.path)
        if not wanted:
            return
    for row in rows:
        if row.path in wanted:
            bad.append(BadRow(row.number, row.path, "không có tệp này trong nguồn"))


def _folder_dossier(source: Source, folder: str, agency: str | None) -> DossierCreate:
    try:
        raw = json.loads(source.read(f"{folder}/{DOSSIER_FILE}", 64 * 1024))
        fields = {"dossier_code": folder, **{k: str(v) for k, v in dict(raw).items()}}
        return _dossier(fields, agency)
    except NotFound as exc:
        raise InvalidManifest(f"Thư mục {folder} thiếu tệp {DOSSIER_FILE}") from exc
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidManifest(
            f"Thư mục {folder}: {DOSSIER_FILE} không hợp lệ", detail={"folder": folder}
        ) from exc
    except _Bad as exc:
        raise InvalidManifest(
            f"Thư mục {folder}: {exc}", detail={"folder": folder, "problem": str(exc)}
        ) from exc

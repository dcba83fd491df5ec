"""The manifest is checked whole before anything is imported; the folder convention needs none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.errors import InvalidManifest
from services.backfile.manifest import check_folders, folder_rows, read_manifest
from storage.sources import LocalFolder
from tests.services.shelf import AGENCY, APPLICANT_ID, scan

HEADER = "file,dossier_code,procedure_code,applicant_name,applicant_id,kind\n"
GOOD = f"a.png,{AGENCY}-240115-0001,1.001193,Nguyễn Văn An,{APPLICANT_ID},birth_certificate\n"


@pytest.fixture
def source(tmp_path: Path) -> LocalFolder:
    for name in ("a.png", "b.png", "c.png"):
        (tmp_path / name).write_bytes(scan(1))
    return LocalFolder(tmp_path)


def test_a_good_manifest_gives_one_row_per_file(source: LocalFolder) -> None:
    rows = read_manifest("\ufeff" + HEADER + GOOD, source, AGENCY)
    assert [(r.number, r.path, r.dossier.code, r.kind) for r in rows] == [
        (2, "a.png", f"{AGENCY}-240115-0001", "birth_certificate")
    ]


def test_every_bad_row_is_reported_at_once(source: LocalFolder) -> None:
    text = HEADER + "".join(
        [
            GOOD,  # 2: fine
            f"b.png,not-a-code,1.001193,An,{APPLICANT_ID},\n",  # 3
            f"c.png,000.00.02.H29-240115-0001,1.001193,An,{APPLICANT_ID},\n",  # 4: other agency
            f"missing.png,{AGENCY}-240115-0001,1.001193,Nguyễn Văn An,{APPLICANT_ID},\n",  # 5
            f"b.png,{AGENCY}-240115-0001,1.001193,Nguyễn Văn An,12345,\n",  # 6: bad ID
            GOOD,  # 7: the same file of the same dossier twice
            f"../etc/passwd,{AGENCY}-240115-0002,1.001193,An,{APPLICANT_ID},\n",  # 8
            f"b.png,{AGENCY}-240115-0001,1.001193,Trần Thị Bình,{APPLICANT_ID},\n",  # 9: differs
            f"c.png,{AGENCY}-240115-0003,1.001193,An,{APPLICANT_ID},Bad Kind\n",  # 10
        ]
    )
    with pytest.raises(InvalidManifest) as raised:
        read_manifest(text, source, AGENCY)
    detail = raised.value.detail
    assert detail["bad_rows"] == 8
    assert [bad["row"] for bad in detail["rows"]] == [3, 4, 5, 6, 7, 8, 9, 10]
    problems = {bad["row"]: bad["problem"] for bad in detail["rows"]}
    assert "000.00.02.H29" in problems[4]
    assert "không có tệp" in problems[5]
    assert "applicant_id" in problems[6]
    assert "dòng 2" in problems[9]


def test_a_manifest_without_the_required_columns_is_refused(source: LocalFolder) -> None:
    with pytest.raises(InvalidManifest) as raised:
        read_manifest("file,dossier\na.png,x\n", source, AGENCY)
    assert "procedure_code" in raised.value.detail["missing"]


def test_folder_per_dossier_needs_no_manifest(tmp_path: Path) -> None:
    for number in (1, 2):
        folder = tmp_path / f"{AGENCY}-240115-000{number}"
        folder.mkdir()
        (folder / "dossier.json").write_text(
            json.dumps(
                {
                    "procedure_code": "1.001193",
                    "applicant_name": "Lê Văn Cường",
                    "applicant_id": APPLICANT_ID,
                }
            ),
            encoding="utf-8",
        )
        (folder / "1.png").write_bytes(scan(number))
        (folder / "2.png").write_bytes(scan(number + 10))
    source = LocalFolder(tmp_path)

    assert check_folders(source, AGENCY) == 4
    rows = list(folder_rows(source, AGENCY))
    assert [(r.dossier.code[-4:], r.path[-5:]) for r in rows] == [
        ("0001", "1.png"),
        ("0001", "2.png"),
        ("0002", "1.png"),
        ("0002", "2.png"),
    ]

    (tmp_path / f"{AGENCY}-240115-0002" / "dossier.json").unlink()
    (tmp_path / "000.00.02.H29-240115-0009").mkdir()
    (tmp_path / "000.00.02.H29-240115-0009" / "1.png").write_bytes(scan(3))
    with pytest.raises(InvalidManifest) as raised:
        check_folders(source, AGENCY)
    assert raised.value.detail["bad_rows"] == 2

"""A generated archive shelf for backfile tests: small scanned-looking PNGs and their manifest."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from synth.render import SANS

AGENCY = "000.00.01.H29"
APPLICANT_ID = "079193002341"
LINES = (
    "Giấy khai sinh số {n}",
    "Họ và tên: Nguyễn Văn An",
    "Nơi sinh: Thành phố Hồ Chí Minh",
)


def scan(number: int) -> bytes:
    """A small page, different for each number: Tesseract reads it in a fraction of a second."""
    face = ImageFont.truetype(str(SANS), 26)
    image = Image.new("L", (640, 160), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(LINES):
        draw.text((20, 15 + 45 * index), line.format(n=number), font=face, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(300, 300))
    return buffer.getvalue()


def dossier_code(number: int) -> str:
    return f"{AGENCY}-240115-{number:04d}"


def make_shelf(root: Path, *, dossiers: int, files_per_dossier: int, corrupt: int = 0) -> Path:
    """Write the files under root/shelf and return the manifest path (beside the shelf).

    The last `corrupt` files are not images: they must land in the failure report.
    """
    shelf = root / "shelf"
    rows = []
    number = 0
    total = dossiers * files_per_dossier
    for d in range(1, dossiers + 1):
        folder = shelf / f"hop-{d:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        for f in range(1, files_per_dossier + 1):
            number += 1
            path = folder / f"trang-{f:02d}.png"
            bad = number > total - corrupt
            path.write_bytes(b"not an image at all" * 10 if bad else scan(number))
            rows.append(
                {
                    "file": path.relative_to(shelf).as_posix(),
                    "dossier_code": dossier_code(d),
                    "procedure_code": "1.001193",
                    "applicant_name": f"Nguyễn Văn {d}",
                    "applicant_id": APPLICANT_ID,
                    "kind": "birth_certificate",
                }
            )
    manifest = root / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return manifest


def sohoa(data_dir: Path, **env: str) -> tuple[list[str], dict[str, str]]:
    """The `sohoa` command and environment for a subprocess using data_dir's catalog."""
    environ = {**os.environ, "SOHOA_DATA_DIR": str(data_dir), "SOHOA_WORKERS": "1", **env}
    environ.pop("SOHOA_QUEUE_URL", None) if "SOHOA_QUEUE_URL" not in env else None
    return [sys.executable, "-m", "cli.main"], environ


def add_archivist(data_dir: Path, name: str = "luutru") -> None:
    command, env = sohoa(data_dir)
    subprocess.run(
        [*command, "user", "add", name, "--role", "archivist", "--agency", AGENCY],
        env=env,
        check=True,
        capture_output=True,
    )

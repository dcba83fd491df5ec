"""Certified copy benchmark: build, stamp, sign, store and record a "SAO Y" of a one-page paper
already recognised (what an officer waits for after pressing the button); target ≤ 1.5 s.

The paper is a generated A4 page at 300 dpi, uploaded and recognised once (not timed) in an
embedded sohoa (SQLite, local store) under a temporary folder; the agency's key is a throwaway
RSA-2048 PKCS#12 made here (tests/pki.py). Then `services.certify.certify` runs `--repeat` times
(each a new copy): wall seconds and this process's CPU seconds of each; the median is reported.

    python -m bench.certify [--repeat 10] [--write]
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from bench.report import write_section
from models.auth import Actor, Principal, Role
from models.certification import CopyType
from models.schemas import DossierCreate
from services import certify, intake, processing
from services.context import Context
from services.settings import Settings
from synth.corpus import pick
from synth.pki import PASSWORD, make_pki
from synth.render import render_page

AGENCY = "000.00.01.H29"
OFFICER = Actor(Principal(user_id=0, username="bench", role=Role.ADMIN, agency_code=None), "bench")


def _recognised_paper(ctx: Context) -> str:
    page = render_page(pick(14, seed=7), title="QUYẾT ĐỊNH")
    png = io.BytesIO()
    page.image.save(png, "PNG", dpi=(300, 300))
    png.seek(0)
    code = f"{AGENCY}-240115-0001"
    intake.create_dossier(
        ctx,
        OFFICER,
        DossierCreate(
            code=code,
            procedure_code="1.001193",
            applicant_name="Nguyễn Văn An",
            applicant_id="079193002341",
        ),
    )
    (accepted,) = intake.upload_documents(ctx, OFFICER, code, [intake.Upload("trang.png", png)])
    status = processing.process_document(ctx, accepted.id)
    assert status is not None and status.finished, status
    return accepted.id


def run(repeat: int) -> tuple[list[float], list[float], int]:
    with tempfile.TemporaryDirectory() as folder:
        pki = make_pki(Path(folder) / "pki")
        settings = Settings(
            data_dir=Path(folder) / "data",
            workers=0,
            certify_pkcs12=pki.p12,
            certify_pkcs12_password=SecretStr(PASSWORD),
        )
        ctx = Context.open(settings)
        try:
            document_id = _recognised_paper(ctx)
            walls, cpus = [], []
            for _ in range(repeat):
                wall, cpu = time.perf_counter(), time.process_time()
                copy = certify.certify(ctx, OFFICER, document_id, CopyType.SAO_Y)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            return walls, cpus, copy.size
        finally:
            ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    walls, cpus, size = run(args.repeat)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    load = Path("/proc/loadavg").read_text().split()[:3]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    body = (
        "## Certified copy (bench/certify.py)\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at {commit}, "
        f"`python -m bench.certify --repeat {args.repeat} --write`, load average "
        f"{' '.join(load)} on 2 cores (other work was running: a loaded machine).\n\n"
        "| one-page paper already recognised | median | slowest | target |\n"
        "| --- | --- | --- | --- |\n"
        f"| build + stamp + sign (PAdES B-B, RSA-2048) + store + record, wall | {wall:.3f} s "
        f"| {max(walls):.3f} s | ≤ 1.5 s |\n"
        f"| the same, CPU of this process | {cpu:.3f} s | {max(cpus):.3f} s | |\n\n"
        f"The signed copy of the page is {size / 1024:.0f} KiB.\n"
    )
    print(body)
    if args.write:
        write_section(Path("docs/benchmarks.md"), "certify", body)


if __name__ == "__main__":
    main()

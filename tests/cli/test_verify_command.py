"""`sohoa verify FILE`: a valid copy exits 0, a tampered byte exits 8, untrusted 9."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from models.certification import CopyType
from services import signing
from services.settings import Settings
from synth.pki import AGENCY_NAME, PASSWORD, a4_page_pdf, make_pki


def _signed(tmp_path: Path) -> tuple[Path, Path]:
    pki = make_pki(tmp_path / "pki")
    signed = signing.sign(
        a4_page_pdf(),
        signing.load_pkcs12(pki.p12, PASSWORD),
        copy_type=CopyType.TRICH_SAO,
        agency_name=AGENCY_NAME,
        font=Settings().certify_font,
    )
    path = tmp_path / "ban-sao.pdf"
    path.write_bytes(signed.data)
    return path, pki.root_pem


def test_verify_reports_valid_untrusted_and_tampered(tmp_path: Path) -> None:
    path, roots = _signed(tmp_path)
    runner = CliRunner()
    env = {"SOHOA_DATA_DIR": str(tmp_path / "data")}

    valid = runner.invoke(app, ["verify", str(path), "--trust", str(roots)], env=env)
    assert valid.exit_code == 0, valid.output
    assert "valid" in valid.output and AGENCY_NAME in valid.output

    untrusted = runner.invoke(app, ["verify", str(path), "--format", "json"], env=env)
    assert untrusted.exit_code == 9, untrusted.output
    assert json.loads(untrusted.output)["verdict"] == "untrusted"

    data = bytearray(path.read_bytes())
    data[data.index(b"/M (D\\072") + 10] ^= 0x01  # a digit of the signed signing time
    tampered = tmp_path / "sua.pdf"
    tampered.write_bytes(bytes(data))
    result = runner.invoke(app, ["verify", str(tampered), "--trust", str(roots)], env=env)
    assert result.exit_code == 8, result.output
    assert "tampered" in result.output

    missing = runner.invoke(app, ["verify", str(tmp_path / "khong-co.pdf")], env=env)
    assert missing.exit_code == 2 and "Traceback" not in missing.output

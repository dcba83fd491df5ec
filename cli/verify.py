"""`sohoa verify FILE`: check a certified electronic copy as its recipient would, offline.

Exit 0: valid (intact, unchanged, signer trusted); 9: intact but the signer is not trusted
(no or other trust roots); 8: tampered, changed after signing, unsigned or unreadable.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.common import fail
from models.errors import SohoaError

EXIT = {"valid": 0, "untrusted": 9, "tampered": 8, "unsigned": 8, "unreadable": 8}


class VerifyFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def verify(
    file: Annotated[Path, typer.Argument(help="the signed PDF to check")],
    trust: Annotated[
        Path | None,
        typer.Option(help="PEM root certificates; default SOHOA_CERTIFY_TRUST_ROOTS"),
    ] = None,
    output: Annotated[VerifyFormat, typer.Option("--format", help="text or json")] = (
        VerifyFormat.TEXT
    ),
) -> None:
    """Verify a certified copy: signature intact, signer, signing time, changes, PDF/A."""
    from services import verification
    from services.settings import Settings

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise fail(f"{file}: {exc.strerror}", 2) from exc
    try:
        roots = verification.load_trust_roots(trust or Settings().certify_trust_roots)
    except SohoaError as exc:
        raise fail(f"{exc.message} [{exc.code}] {exc.detail or ''}".rstrip(), 2) from exc
    report = verification.verify(data, roots)
    if output is VerifyFormat.JSON:
        typer.echo(report.model_dump_json(indent=2))
    else:
        typer.echo(f"{file}: {report.verdict} — {report.message}")
        for sig in report.signatures:
            typer.echo(f"  chữ ký {sig.field}: intact={sig.intact} trusted={sig.trusted}")
            typer.echo(f"    signer: {sig.signer_subject}")
            typer.echo(f"    signing time: {sig.signing_time and sig.signing_time.isoformat()}")
            if sig.timestamp_time is not None:
                typer.echo(f"    timestamp: {sig.timestamp_time.isoformat()}")
            typer.echo(f"    changed after signing: {sig.changed_after_signing}")
        pdfa = report.pdfa
        verdict = "not checked" if not pdfa.checked else ("passed" if pdfa.passed else "failed")
        typer.echo(f"  PDF/A-{pdfa.flavour or '2b'}: {verdict} ({pdfa.note})")
        for finding in pdfa.findings[:5]:
            typer.echo(f"    {finding}")
    raise typer.Exit(EXIT[report.verdict])

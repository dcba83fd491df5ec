"""Checking a certified copy as its recipient would: each signature's integrity, signer,
signing time and later changes (pyHanko's validation), and the signed content's PDF/A-2b
validity (pikepdf's validator). Bytes in, a `Verification` out; never raises for a bad file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from models.certification import PdfaReport, SignatureReport, Verification
from models.errors import SigningUnavailable


def load_trust_roots(path: Path | None) -> list[asn1_x509.Certificate]:
    """Certificates (PEM or DER, several in one PEM file) a signer's chain must end in."""
    if path is None:
        return []
    try:
        data = path.read_bytes()
        certs = (
            x509.load_pem_x509_certificates(data)
            if b"-----BEGIN" in data
            else [x509.load_der_x509_certificate(data)]
        )
    except (OSError, ValueError) as exc:
        raise SigningUnavailable(detail=f"cannot read trust roots from {path.name}") from exc
    return [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in certs]


def verify(data: bytes, trust_roots: list[asn1_x509.Certificate]) -> Verification:
    """Every signature of the file checked (integrity, signer, time, later changes), and the
    signed content's PDF/A validity. Never raises for a bad file: a file that no longer parses
    is reported `unreadable`, which a verifier must treat as tampered."""
    try:
        reader = PdfFileReader(io.BytesIO(data))
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        return Verification(
            verdict="unreadable",
            signatures=[],
            pdfa=PdfaReport(checked=False, note="the file does not parse as PDF"),
            message=f"Tệp không đọc được như một tệp PDF (có thể đã bị sửa): {exc}",
        )
    if not embedded:
        return Verification(
            verdict="unsigned",
            signatures=[],
            pdfa=check_pdfa(data),
            message="Tệp không có chữ ký số",
        )
    context = ValidationContext(
        trust_roots=trust_roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    reports = [_report(sig.field_name, _validate(sig, context)) for sig in embedded]
    signed = data[: _signed_end(embedded[0])] or data
    if any(not r.intact or r.changed_after_signing for r in reports):
        verdict, message = "tampered", "Tệp đã bị sửa đổi sau khi ký: bản sao không còn giá trị"
    elif all(r.valid and r.trusted for r in reports):
        verdict, message = "valid", "Chữ ký số hợp lệ, tệp không bị sửa đổi sau khi ký"
    else:
        verdict = "untrusted"
        message = "Tệp nguyên vẹn nhưng chứng thư ký không thuộc tổ chức chứng thực được tin cậy"
    return Verification(
        verdict=verdict,
        signatures=reports,
        pdfa=check_signed_pdfa(signed, embedded[0]),
        message=message,
    )


def _signed_end(sig: Any) -> int:
    """Where the bytes the first signature covers end: the copy as it was signed."""
    try:
        _, _, start, length = (int(v) for v in sig.byte_range)
    except (TypeError, ValueError):
        return 0
    return start + length


def _validate(sig: Any, context: ValidationContext) -> PdfSignatureStatus | None:
    try:
        return validate_pdf_signature(sig, context)
    except (PdfError, SigningError, ValueError, KeyError, TypeError):
        return None  # a signature that cannot even be read is not intact


def _report(field: str, status: PdfSignatureStatus | None) -> SignatureReport:
    if status is None:
        return SignatureReport(
            field=field,
            intact=False,
            valid=False,
            trusted=False,
            signer_subject=None,
            signing_time=None,
            timestamp_time=None,
            covers_whole_file=False,
            changed_after_signing=True,
        )
    stamp = status.timestamp_validity
    level = status.modification_level
    whole = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    return SignatureReport(
        field=field,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        signer_subject=str(status.signing_cert.subject.human_friendly),
        signing_time=status.signer_reported_dt,
        timestamp_time=stamp.timestamp if stamp is not None else None,
        covers_whole_file=whole,
        # a later signature or validation data is allowed after this one; anything else is not
        changed_after_signing=not whole
        and (level is None or level.name not in ("NONE", "LTA_UPDATES")),
    )


def check_signed_pdfa(signed: bytes, first: Any) -> PdfaReport:
    """PDF/A-2b of a signed copy: the file as it was before its first signature must pass
    pikepdf's validator, and the signed file may add nothing it objects to but the signature's
    form field (/AcroForm: allowed by PDF/A-2, outside that validator's allowlist)."""
    base = _before(signed, first)
    report = check_pdfa(base) if base else PdfaReport(checked=False, note="no earlier revision")
    if not report.checked:
        return report
    whole = check_pdfa(signed)
    added = [f for f in whole.findings if not f.startswith("unsupported: ") or _FORM not in f]
    return PdfaReport(
        checked=True,
        flavour=report.flavour,
        passed=bool(report.passed) and not added,
        findings=(report.findings + [f for f in added if f not in report.findings])[:20],
        note="by pikepdf's PDF/A validator: the copy before its signature, then the signed file "
        "(the signature's /AcroForm, which that validator does not cover, set aside)",
    )


_FORM = "(Catalog) /AcroForm"


def _before(data: bytes, sig: Any) -> bytes:
    """The file as it was before the revision that added `sig`: up to the last end-of-file
    marker before its signature value."""
    try:
        contents_at = int(sig.byte_range[1])
    except (TypeError, ValueError, IndexError):
        return b""
    end = data.rfind(b"%%EOF", 0, contents_at)
    return data[: end + len(b"%%EOF")] + b"\n" if end >= 0 else b""


def check_pdfa(data: bytes, flavour: str = "2b") -> PdfaReport:
    """pikepdf's allowlist PDF/A validator (`pikepdf[pdfa]`, the one OCRmyPDF uses)."""
    try:
        from pikepdf import pdfa
    except ImportError:
        return PdfaReport(checked=False, note="not checked: pikepdf[pdfa] is not installed")
    report = pdfa.validate_written(io.BytesIO(data), flavour)
    findings = [f"{f.kind}: {f.rule} {f.where}: {f.message}" for f in report.findings]
    return PdfaReport(
        checked=True,
        flavour=flavour,
        passed=bool(report.passed),
        findings=findings[:20],
        note="by pikepdf's PDF/A validator",
    )

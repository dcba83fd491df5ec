"""The agency's signature on a certified copy, on bytes: sign, verify, tamper, refuse."""

from __future__ import annotations

import io
import re
import socket
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from models.certification import VIETNAM_TIME, CopyType, stamp_lines
from models.errors import CertificateUnusable, SigningUnavailable, TimestampUnavailable
from services import signing, verification
from services.settings import Settings
from synth.pki import AGENCY_NAME, PASSWORD, Pki, a4_page_pdf, make_pki

FONT = Settings().certify_font


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def page_pdf() -> bytes:
    return a4_page_pdf()


def _key(pki: Pki, expired: bool = False) -> signing.AgencyKey:
    return signing.load_pkcs12(pki.expired_p12 if expired else pki.p12, PASSWORD)


def _sign(pdf: bytes, pki: Pki, **kwargs: object) -> signing.SignedCopy:
    return signing.sign(
        pdf, _key(pki), copy_type=CopyType.SAO_Y, agency_name=AGENCY_NAME, font=FONT, **kwargs
    )  # type: ignore[arg-type]


def test_a_signed_copy_verifies_and_its_stamp_reads_as_the_appendix_prescribes(
    pki: Pki, page_pdf: bytes
) -> None:
    at = datetime.now(UTC).replace(microsecond=0)
    signed = _sign(page_pdf, pki, signed_at=at)
    vietnam = at + timedelta(hours=7)
    assert signed.stamp == ["SAO Y", AGENCY_NAME, vietnam.strftime("%Y-%m-%dT%H:%M:%S+07:00")]
    assert signed.data.startswith(page_pdf)  # an incremental update: the copy is kept as is

    report = verification.verify(signed.data, verification.load_trust_roots(pki.root_pem))
    assert report.verdict == "valid", report
    (sig,) = report.signatures
    assert sig.intact and sig.valid and sig.trusted and not sig.changed_after_signing
    assert AGENCY_NAME in (sig.signer_subject or "")
    assert sig.signing_time == at and sig.signing_time.utcoffset() == timedelta(hours=7)
    assert sig.timestamp_time is None  # B-B

    # the stamp's text, extracted back from the file, is the appendix's three lines
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=signed.data, capture_output=True, check=True
    ).stdout.decode()
    assert [line for line in text.splitlines() if line.strip()][:3] == signed.stamp


def test_the_stamp_font_is_embedded_and_opaque_black(pki: Pki, page_pdf: bytes) -> None:
    signed = _sign(page_pdf, pki)
    pdf = pikepdf.open(io.BytesIO(signed.data))
    (widget,) = [a for a in pdf.pages[0].Annots if a.get("/FT") == "/Sig" or "/AP" in a]
    assert int(widget.F) & 4  # printed (PDF/A wants every annotation printable)
    fonts = [f for _, f in widget.AP.N.Resources.Font.items()]
    descendant = fonts[0].DescendantFonts[0]
    assert "LiberationSerif" in str(descendant.BaseFont)
    assert "/FontFile2" in descendant.FontDescriptor or "/FontFile3" in descendant.FontDescriptor
    assert "/ExtGState" not in widget.AP.N.Resources  # no transparency
    assert pdf.pdf_version < "2.0"  # PDF/A-2 is PDF 1.x
    # top right of the first page, 10 pt, upright, never scaled to fit
    x0, y0, x1, y1 = (float(v) for v in widget.Rect)
    width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
    assert x0 > width / 2 and y0 > height * 3 / 4 and x1 < width and y1 < height
    stream = widget.AP.N.read_bytes().decode("latin-1")
    assert re.findall(r"/F\w+ ([\d.]+) Tf", stream) and {
        float(size) for size in re.findall(r"/F\w+ ([\d.]+) Tf", stream)
    } == {10.0}
    assert all(
        m == ("1", "0", "0", "1") for m in re.findall(r"(\S+) (\S+) (\S+) (\S+) \S+ \S+ cm", stream)
    )
    assert "0 0 0 rg" in stream  # black


@pytest.mark.parametrize("where", ["image", "signing time", "stamp"])
def test_one_changed_byte_is_reported_as_tampered(pki: Pki, page_pdf: bytes, where: str) -> None:
    signed = _sign(page_pdf, pki)
    data = bytearray(signed.data)
    # a byte of the page image, of the signing time the signature dictionary states, of the
    # stamp's text (its ActualText): each inside what the signature covers
    at = {
        "image": len(page_pdf) // 2,
        "signing time": data.index(b"/M (D\\072") + 10,
        "stamp": data.index(b"(SAO Y)") + 1,
    }[where]
    data[at] = data[at] ^ 0x01
    report = verification.verify(bytes(data), verification.load_trust_roots(pki.root_pem))
    assert report.verdict in ("tampered", "unreadable"), report
    assert not any(s.intact for s in report.signatures)


def test_a_change_appended_after_signing_is_reported(pki: Pki, page_pdf: bytes) -> None:
    signed = _sign(page_pdf, pki)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed.data))
    page = writer.root["/Pages"]["/Kids"][0]
    page["/Rotate"] = pikepdf_int(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    report = verification.verify(out.getvalue(), verification.load_trust_roots(pki.root_pem))
    assert report.verdict == "tampered", report
    assert report.signatures[0].intact and report.signatures[0].changed_after_signing


def pikepdf_int(value: int) -> object:
    from pyhanko.pdf_utils import generic

    return generic.NumberObject(value)


def test_an_expired_certificate_is_refused_before_signing(pki: Pki, page_pdf: bytes) -> None:
    with pytest.raises(CertificateUnusable) as refused:
        signing.sign(
            page_pdf,
            _key(pki, expired=True),
            copy_type=CopyType.SAO_Y,
            agency_name=AGENCY_NAME,
            font=FONT,
        )
    assert refused.value.http_status == 409


def test_a_wrong_password_or_file_is_our_error(pki: Pki, tmp_path: Path) -> None:
    with pytest.raises(SigningUnavailable):
        signing.load_pkcs12(pki.p12, "sai mật khẩu")
    with pytest.raises(SigningUnavailable):
        signing.load_pkcs12(tmp_path / "missing.p12", PASSWORD)


def test_without_trust_roots_an_intact_copy_is_untrusted(pki: Pki, page_pdf: bytes) -> None:
    report = verification.verify(_sign(page_pdf, pki).data, [])
    assert report.verdict == "untrusted"
    assert report.signatures[0].intact and not report.signatures[0].trusted


def test_with_a_timestamp_server_the_signature_is_pades_b_t(pki: Pki, page_pdf: bytes) -> None:
    tsa_key = _key(pki)
    stamper = DummyTimeStamper(
        tsa_cert=tsa_key.certificate,
        tsa_key=tsa_key.signer.signing_key,  # type: ignore[attr-defined]
    )
    signed = _sign(page_pdf, pki, timestamper=stamper)
    assert signed.timestamped
    (sig,) = verification.verify(
        signed.data, verification.load_trust_roots(pki.root_pem)
    ).signatures
    assert sig.intact and sig.timestamp_time is not None


def test_a_timestamp_server_that_does_not_answer_is_a_503(pki: Pki, page_pdf: bytes) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TimestampUnavailable) as refused:
        _sign(page_pdf, pki, timestamper=signing.timestamper_for(f"http://127.0.0.1:{port}/tsa"))
    assert refused.value.http_status == 503


@pytest.mark.parametrize("copy_type", list(CopyType))
def test_the_stamp_names_each_copy_type_as_the_decree_spells_it(copy_type: CopyType) -> None:
    at = datetime(2026, 12, 31, 17, 0, 1, tzinfo=UTC)
    lines = stamp_lines(copy_type, "  Sở Tư pháp tỉnh Lâm Đồng ", at)
    assert lines == [
        {"sao_y": "SAO Y", "sao_luc": "SAO LỤC", "trich_sao": "TRÍCH SAO"}[copy_type],
        "Sở Tư pháp tỉnh Lâm Đồng",
        "2027-01-01T00:00:01+07:00",
    ]
    assert datetime.fromisoformat(lines[2]).tzinfo is not None
    assert datetime.fromisoformat(lines[2]).astimezone(VIETNAM_TIME).hour == 0


def test_signing_a_pdfa_2b_copy_keeps_it_pdfa_2b(pki: Pki, page_pdf: bytes) -> None:
    """The stamp and signature add nothing PDF/A-2b forbids (embedded font, no transparency,
    an incremental update); what pikepdf's validator says of a file before and after."""
    archival = io.BytesIO()
    with pikepdf.open(io.BytesIO(page_pdf)) as pdf:
        assert pikepdf.pdfa.save(pdf, archival, "2b", output_intent="sRGB").passed
    signed = _sign(archival.getvalue(), pki)
    report = verification.verify(signed.data, verification.load_trust_roots(pki.root_pem))
    assert report.verdict == "valid"
    assert report.pdfa.checked and report.pdfa.passed, report.pdfa
    # the same signature over today's plain searchable PDF: said plainly, not PDF/A
    plain = verification.verify(_sign(page_pdf, pki).data, [])
    assert plain.pdfa.checked and plain.pdfa.passed is False
    assert plain.pdfa.findings

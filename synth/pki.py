"""A throwaway PKI for certified copies in tests and bench: a root CA and an agency's key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

AGENCY_NAME = "Ủy ban nhân dân phường Bến Nghé"
PASSWORD = "mật khẩu p12"  # noqa: S105  (a throwaway key made for tests)


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _key() -> rsa.RSAPrivateKey:
    # RSA like the national CAs issue; ECDSA would make pyHanko declare PDF 2.0 (ISO 32002)
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True)
class Pki:
    root_pem: Path
    p12: Path
    expired_p12: Path


def make_pki(folder: Path) -> Pki:
    now = datetime.now(UTC)
    root_key = _key()
    root_name = _name("CA thử nghiệm sohoa", "sohoa tests")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=400))
        .not_valid_after(now + timedelta(days=400))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(root_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    root_pem = folder / "root.pem"
    root_pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))

    def agency(path: Path, start: datetime, end: datetime) -> Path:
        key = _key()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(AGENCY_NAME, AGENCY_NAME))
            .issuer_name(root_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                critical=True,
            )
            .sign(root_key, hashes.SHA256())
        )
        encryption = serialization.BestAvailableEncryption(PASSWORD.encode())
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(b"agency", key, cert, [root], encryption)
        )
        return path

    return Pki(
        root_pem=root_pem,
        p12=agency(folder / "agency.p12", now - timedelta(days=1), now + timedelta(days=365)),
        expired_p12=agency(
            folder / "expired.p12", now - timedelta(days=365), now - timedelta(days=1)
        ),
    )


def a4_page_pdf(text: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") -> bytes:
    """A one-page PDF to certify: an A4 colour page image at 200 dpi (the decree's minimum)."""
    import io

    import pikepdf
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1654, 2339), "white")
    ImageDraw.Draw(image).text((150, 150), text, fill="black")
    raw, clean = io.BytesIO(), io.BytesIO()
    image.save(raw, "PDF", resolution=200)
    pikepdf.open(io.BytesIO(raw.getvalue())).save(clean)  # Pillow's xref is not strict PDF
    return clean.getvalue()

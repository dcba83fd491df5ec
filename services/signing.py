"""The agency's digital signature on a certified copy, and its verification: the one module
that drives pyHanko (PAdES signing and validation) and pikepdf's PDF/A validator.

Bytes in, bytes out: the stamp of Decree 30/2020's appendix (no image, Liberation Serif 10 pt,
embedded) is the visible signature's appearance, top right of the first page, written as an
incremental update so the PDF/A file under it is kept byte for byte (docs/certified-copies.md).
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import PdfSigner, PdfSigningSession
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.stamp import TextStampStyle

from models.certification import (
    VIETNAM_TIME,
    CopyType,
    stamp_lines,
)
from models.errors import (
    CertificateUnusable,
    CorruptFile,
    SigningUnavailable,
    TimestampUnavailable,
)

FIELD_NAME = "SaoDienTu"
FONT_SIZE = 10
MARGIN = 28.35  # 10 mm from the page's top and right edges, in points
PADDING = 3
LEADING = 12  # points from one line's baseline to the next
ROOM = 8 * 1024
"""Bytes for the CMS beyond its certificates: signature, signed attributes, slack."""

# fontTools logs every table it cannot subset (FFTM, ...) at warning level: not ours to act on
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


@dataclass(frozen=True)
class AgencyKey:
    """The copying agency's signing key and certificate (PKCS#12 file or PKCS#11 token)."""

    signer: signers.Signer

    @property
    def certificate(self) -> asn1_x509.Certificate:
        cert = self.signer.signing_cert
        if cert is None:
            raise SigningUnavailable(detail="the key has no certificate")
        return cert

    @property
    def subject(self) -> str:
        return str(self.certificate.subject.human_friendly)

    def name(self) -> str:
        """The agency's name as its certificate states it: organisation, else common name."""
        subject = self.certificate.subject.native
        return str(subject.get("organization_name") or subject.get("common_name") or "")


def load_pkcs12(path: Path, password: str | None) -> AgencyKey:
    """The agency's key from its PKCS#12 (.p12/.pfx) file; a bad file or password is ours."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningUnavailable(detail=f"cannot read {path.name}: {exc.strerror}") from exc
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=password.encode() if password is not None else None
        )
    except (ValueError, TypeError) as exc:
        raise SigningUnavailable(
            detail=f"{path.name} is not a PKCS#12 file for this password"
        ) from exc
    return AgencyKey(signer)


@contextmanager
def pkcs11_key(module: Path, token: str, label: str, pin: str | None) -> Iterator[AgencyKey]:
    """The agency's key on a PKCS#11 token or HSM (the key never leaves it): the token found
    by its label, the key and its certificate by theirs; the session is closed after use."""
    from pkcs11.exceptions import PKCS11Error
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11

    failures = (PKCS11Error, SigningError, OSError, RuntimeError)
    try:
        session = pkcs11.open_pkcs11_session(
            str(module), token_criteria=TokenCriteria(label=token), user_pin=pin
        )
    except failures as exc:
        raise SigningUnavailable(detail=f"PKCS#11 token {token!r}: {exc!r}") from exc
    try:
        signer = pkcs11.PKCS11Signer(session, cert_label=label, key_label=label)
        try:
            if signer.signing_cert is None:  # fetched from the token now, not while signing
                raise SigningUnavailable(detail=f"PKCS#11 certificate {label!r} not found")
        except failures as exc:
            raise SigningUnavailable(detail=f"PKCS#11 object {label!r}: {exc!r}") from exc
        yield AgencyKey(signer)
    finally:
        session.close()


def check_usable(key: AgencyKey, at: datetime) -> None:
    """Refuse a certificate outside its validity: a copy signed with it would not verify."""
    validity = key.certificate["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    if not not_before <= at <= not_after:
        raise CertificateUnusable(
            detail={
                "not_before": not_before.isoformat(),
                "not_after": not_after.isoformat(),
                "now": at.isoformat(),
            }
        )


def timestamper_for(url: str | None) -> TimeStamper | None:
    """PAdES B-T when the operator names an RFC 3161 timestamp server, else B-B."""
    return HTTPTimeStamper(url, timeout=10) if url else None


@dataclass(frozen=True)
class SignedCopy:
    data: bytes
    signed_at: datetime
    stamp: list[str]
    timestamped: bool


class _AtTime(PdfSigner):
    """pyHanko signs at its own clock in the machine's zone; the stamp must show the very
    signing time the signature carries, in Vietnam's: one instant, given to both."""

    def __init__(self, signed_at: datetime, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signed_at = signed_at

    def init_signing_session(
        self, pdf_out: Any, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signed_at
        return session


def sign(
    pdf: bytes,
    key: AgencyKey,
    *,
    copy_type: CopyType,
    agency_name: str,
    font: Path,
    timestamper: TimeStamper | None = None,
    signed_at: datetime | None = None,
) -> SignedCopy:
    """Stamp and sign `pdf` (PAdES B-B, B-T with a timestamper) as an incremental update."""
    when = (signed_at or datetime.now(UTC)).astimezone(VIETNAM_TIME).replace(microsecond=0)
    check_usable(key, when)
    lines = stamp_lines(copy_type, agency_name, when)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        signer = _AtTime(
            when,
            signers.PdfSignatureMetadata(
                field_name=FIELD_NAME,
                subfilter=fields.SigSeedSubFilter.PADES,
                md_algorithm="sha256",
                reason=copy_type.label,
            ),
            key.signer,
            timestamper=timestamper,
            stamp_style=_style(lines, font),
            new_field_spec=fields.SigFieldSpec(
                FIELD_NAME, on_page=0, box=_top_right(writer, lines, font)
            ),
        )
        # room for the CMS reserved up front: pyHanko otherwise signs once more, with a dummy,
        # to measure it (a second RSA signature and font subset, ~40 % of the time)
        out = signer.sign_pdf(writer, bytes_reserved=_room(key, timestamper))
    except (PdfError, SigningError) as exc:
        raise CorruptFile("Không ký được tệp PDF", detail=str(exc)) from exc
    except OSError as exc:  # the only network here: the timestamp server (TimestampRequestError)
        raise TimestampUnavailable(detail=type(exc).__name__) from exc
    return SignedCopy(out.getvalue(), when, lines, timestamped=timestamper is not None)


def _room(key: AgencyKey, timestamper: TimeStamper | None) -> int:
    """The CMS's size, bounded from above: the certificates it embeds, the rest, and as much
    again for a timestamp token (which carries the server's own certificates)."""
    certificates = len(key.certificate.dump()) + sum(
        len(cert.dump()) for cert in key.signer.cert_registry
    )
    room = (certificates + ROOM) * (2 if timestamper is not None else 1)
    return room + room % 2  # pyHanko wants an even count


def _style(lines: list[str], font: Path) -> TextStampStyle:
    return TextStampStyle(
        # pyHanko fills %(name)s parameters in the text: ours has none, so escape every %
        stamp_text="\n".join(lines).replace("%", "%%"),
        text_box_style=TextBoxStyle(
            font=_Font(str(font), font_size=FONT_SIZE, bcp47_lang_code="vi"),
            font_size=FONT_SIZE,
            leading=LEADING,
            text_color=(0, 0, 0),  # "màu đen"
            # the text from the box's corner: the stamp's margins are its only padding
            box_layout_rule=_NO_SCALING.substitute_margins(layout.Margins(0, 0, 0, 0)),
        ),
        border_width=0,
        background=None,
        # 10 pt exactly, never shrunk to fit: the box is measured for the text instead
        inner_content_layout=_NO_SCALING.substitute_margins(
            layout.Margins(PADDING, PADDING, PADDING, PADDING)
        ),
    )


@dataclass(frozen=True)
class _Font(GlyphAccumulatorFactory):
    """pyHanko's embedding font engine, fed the font's bytes read once (pyHanko's own factory
    opens the file for every stamp and never closes it)."""

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_font_bytes(self.font_file)),
            font_size=self.font_size,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )


@lru_cache(maxsize=4)
def _font_bytes(font: str) -> bytes:
    return Path(font).read_bytes()


_NO_SCALING = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MIN,
    y_align=layout.AxisAlignment.ALIGN_MAX,
    inner_content_scaling=layout.InnerScaling.NO_SCALING,
)


def _top_right(
    writer: IncrementalPdfFileWriter, lines: list[str], font: Path
) -> tuple[int, int, int, int]:
    """The stamp's box, measured for its text, 10 mm inside the first page's top right."""
    page = writer.root["/Pages"]
    while "/Kids" in page:
        page = page["/Kids"][0]
    x0, _, x1, y1 = (float(v) for v in page["/MediaBox"])
    width = max(_text_width(line, str(font)) for line in lines) + 2 * PADDING
    height = len(lines) * LEADING + 2 * PADDING + FONT_SIZE * 0.3  # descenders of the last
    right, top = math.floor(x1 - MARGIN), math.floor(y1 - MARGIN)
    return (max(math.floor(x0), right - math.ceil(width)), top - math.ceil(height), right, top)


def _text_width(text: str, font: str) -> float:
    widths, per_em = _advances(font)
    missing = sorted({ch for ch in text if ord(ch) not in widths})
    if missing:
        # a letter the font lacks would print as an empty box in a legal stamp: refuse
        raise SigningUnavailable(
            "Phông chữ của dấu không có đủ ký tự tiếng Việt",
            detail={"font": Path(font).name, "missing": "".join(missing)},
        )
    return sum(widths[ord(ch)] for ch in text) * FONT_SIZE / per_em


@lru_cache(maxsize=4)
def _advances(font: str) -> tuple[dict[int, int], int]:
    ttf = TTFont(io.BytesIO(_font_bytes(font)))
    metrics = ttf["hmtx"].metrics
    cmap = ttf.getBestCmap()
    return {code: metrics[glyph][0] for code, glyph in cmap.items()}, int(ttf["head"].unitsPerEm)

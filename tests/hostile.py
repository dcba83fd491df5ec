"""A corpus of hostile files, generated: each must be refused with a 4xx and stored nowhere."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def pdf(objects: list[str], trailer: str = "") -> bytes:
    """A minimal, well-formed PDF with the given objects (1-based, in order)."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer}>>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return out


def pdf_with_pages(count: int, media_box: str = "0 0 612 792", catalog_extra: str = "") -> bytes:
    kids = " ".join(f"{3 + i} 0 R" for i in range(count))
    pages = [f"<< /Type /Page /Parent 2 0 R /MediaBox [{media_box}] >>" for _ in range(count)]
    return pdf(
        [
            f"<< /Type /Catalog /Pages 2 0 R {catalog_extra}>>",
            f"<< /Type /Pages /Kids [{kids}] /Count {count} >>",
            *pages,
        ]
    )


def _encoded(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def png_header_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG that claims 10^10 pixels in a few hundred bytes (decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def javascript_pdf(compressed: bool = False) -> bytes:
    if not compressed:
        return pdf_with_pages(1, catalog_extra="/OpenAction 4 0 R ").replace(
            b"endobj\nxref",
            b"endobj\n4 0 obj\n<< /S /JavaScript /JS (app.alert\\(1\\)) >>\nendobj\nxref",
        )
    # the action hidden in a Flate stream, its name written with a #xx escape
    hidden = zlib.compress(b"<< /S /J#61vaScript /JS (app.alert(1)) >>")
    return pdf(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            f"<< /Length {len(hidden)} /Filter /FlateDecode >>\nstream\n"
            + hidden.decode("latin-1")
            + "\nendstream",
        ]
    )


def encrypted_pdf() -> bytes:
    return pdf(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            "<< /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) "
            "/U (0123456789abcdef0123456789abcdef) /P -4 >>",
        ],
        trailer="/Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> "
        "<00112233445566778899aabbccddeeff>] ",
    )


def corpus() -> list[tuple[str, str, bytes, int, str]]:
    """(case, file name, bytes, expected status, expected error code)."""
    jpeg = _encoded(Image.effect_noise((400, 400), 60).convert("RGB"), "JPEG")
    png = _encoded(Image.effect_noise((300, 300), 60).convert("RGB"), "PNG")
    tiff = _encoded(Image.effect_noise((300, 300), 60).convert("RGB"), "TIFF")
    return [
        ("zero bytes", "empty.jpg", b"", 422, "empty_file"),
        ("truncated jpeg", "cut.jpg", jpeg[: len(jpeg) // 3], 422, "corrupt_file"),
        ("truncated png", "cut.png", png[: len(png) // 2], 422, "corrupt_file"),
        ("truncated tiff", "cut.tif", tiff[: len(tiff) // 2], 422, "corrupt_file"),
        ("pixel bomb png", "bomb.png", png_header_bomb(), 413, "page_too_large"),
        (
            "pdf bomb: a page 5 m wide",
            "bomb.pdf",
            pdf_with_pages(1, "0 0 14400 14400"),
            413,
            "page_too_large",
        ),
        ("10 000-page pdf", "many.pdf", pdf_with_pages(10_000), 413, "too_many_pages"),
        (
            "pdf lying about its pages",
            "liar.pdf",
            pdf_with_pages(1).replace(b"/Count 1", b"/Count 10000"),
            422,
            "corrupt_file",
        ),
        ("javascript pdf", "js.pdf", javascript_pdf(), 422, "active_pdf"),
        (
            "javascript hidden in a stream",
            "js2.pdf",
            javascript_pdf(compressed=True),
            422,
            "active_pdf",
        ),
        ("encrypted pdf", "locked.pdf", encrypted_pdf(), 422, "encrypted_pdf"),
        (
            "polyglot jpeg+pdf",
            "poly.jpg",
            jpeg[:20] + b"%PDF-1.4\n" + jpeg[20:],
            415,
            "ambiguous_file_type",
        ),
        (
            "polyglot png+html",
            "poly.png",
            png[:33] + b"<html><script>alert(1)</script>" + png[33:],
            415,
            "ambiguous_file_type",
        ),
        (
            "wrong extension: a program named .pdf",
            "scan.pdf",
            b"MZ\x90\x00" + b"\x00" * 200,
            415,
            "unsupported_file_type",
        ),
        ("text named .jpg", "notes.jpg", "không phải ảnh".encode(), 415, "unsupported_file_type"),
        ("path traversal in the name", "../../etc/passwd.png", png, 422, "invalid_filename"),
        ("windows path in the name", "..\\..\\boot.png", png, 422, "invalid_filename"),
    ]

"""A corpus of hostile files, generated: each must be refused with a 4xx and stored nowhere."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image

import ocr.load  # noqa: F401  (registers the HEIC opener: the corpus writes HEIC)


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


def tiff_frames(sizes: list[tuple[int, int]], corrupt: int | None = None) -> bytes:
    """A multi-page TIFF (deflate), its frame `corrupt` (0-based) with garbage for pixels: a
    decoder that reaches that frame fails; one that reads headers first does not get there."""
    frames = [Image.new("L", size, 255) for size in sizes]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_adobe_deflate"
    )
    data = bytearray(buffer.getvalue())
    if corrupt is not None:
        with Image.open(io.BytesIO(bytes(data))) as image:
            image.seek(corrupt)
            offset, length = image.tag_v2[273][0], image.tag_v2[279][0]
        data[offset : offset + length] = b"\xff" * length
    return bytes(data)


def png_cut_short(width: int = 10_900, height: int = 10_900) -> bytes:
    """An RGB PNG under a 120 Mpx cap whose pixels are all there but the last rows and the end
    chunk: a decoder allocates and fills a 356 MB page before it finds the cut."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    packer = zlib.compressobj(1)
    row = b"\x00" * (1 + 3 * width)
    idat = b"".join(packer.compress(row) for _ in range(height - 8)) + packer.flush(
        zlib.Z_SYNC_FLUSH
    )
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)


def tiff_claiming(sizes: list[tuple[int, int]]) -> bytes:
    """A TIFF whose frames' headers claim `sizes` (8-bit grey, uncompressed) over 16 bytes of
    pixels each: any decoder finds every frame cut short; a file of many large frames in a
    few hundred bytes, refused by the sum of its frames' pixels before anything is decoded."""
    entries = 8
    ifd_size = 2 + 12 * entries + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for index, (width, height) in enumerate(sizes):
        start = 8 + index * (ifd_size + 16)
        pixels = start + ifd_size
        following = 0 if index + 1 == len(sizes) else pixels + 16
        tags = [
            (256, 4, width),  # ImageWidth, LONG
            (257, 4, height),  # ImageLength
            (258, 3, 8),  # BitsPerSample, SHORT
            (259, 3, 1),  # Compression: none
            (262, 3, 1),  # PhotometricInterpretation: black is zero
            (273, 4, pixels),  # StripOffsets
            (278, 4, height),  # RowsPerStrip: one strip
            (279, 4, 16),  # StripByteCounts: far fewer than width x height
        ]
        out += struct.pack("<H", entries)
        for tag, kind, value in tags:
            out += struct.pack("<HHI", tag, kind, 1) + (
                struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
            )
        out += struct.pack("<I", following) + b"\x7f" * 16
    return bytes(out)


def png_broken_tail(width: int = 3000, height: int = 3000) -> bytes:
    """A grey PNG of noise (9 MB, quick to make) whose last row names no PNG filter: a decoder
    that reaches the end fails there; one stopped on the way by its time budget does not."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    noise = random.Random(0).randbytes(width * height)
    rows = b"".join(
        b"\x00" + noise[row * width : (row + 1) * width] for row in range(height - 1)
    ) + (b"\x09" + noise[-width:])
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows, 1))
        + chunk(b"IEND", b"")
    )


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


def pdf_with_object_stream(
    hidden: list[str], filters: list[str], encode: str, *, open_action: bool = True
) -> bytes:
    """A one-page PDF whose catalog (object 1) and `hidden` objects (4, 5, ...) sit in an object
    stream, compressed with `filters` (`encode` says how: "hex", "flate2"), indexed by an xref
    stream: what a name search of the raw bytes, or of one inflated layer, cannot see."""
    opening = "/OpenAction 4 0 R " if open_action else ""
    inside = [f"<< /Type /Catalog /Pages 2 0 R {opening}>>", *hidden]
    numbers = [1, *range(4, 4 + len(hidden))]
    bodies = [body.encode("latin-1") for body in inside]
    header, offset = [], 0
    for number, body in zip(numbers, bodies, strict=True):
        header.append(f"{number} {offset}")
        offset += len(body) + 1
    first = " ".join(header).encode() + b"\n"
    content = first + b"".join(body + b"\n" for body in bodies)
    if encode == "hex":
        content = content.hex().encode() + b">"
    elif encode == "flate2":
        content = zlib.compress(zlib.compress(content))
    stream_number = 4 + len(hidden)
    xref_number = stream_number + 1
    filter_names = " ".join(f"/{name}" for name in filters)
    out = b"%PDF-1.5\n"
    offsets: dict[int, int] = {}
    plain = {
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    }
    for number, body in plain.items():
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    offsets[stream_number] = len(out)
    out += (
        f"{stream_number} 0 obj\n<< /Type /ObjStm /N {len(numbers)} /First {len(first)} "
        f"/Length {len(content)} /Filter [{filter_names}] >>\nstream\n"
    ).encode()
    out += content + b"\nendstream\nendobj\n"
    offsets[xref_number] = len(out)
    rows = []
    for number in range(xref_number + 1):
        if number == 0:
            rows.append(struct.pack(">BIH", 0, 0, 65535))
        elif number in offsets:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
        else:
            rows.append(struct.pack(">BIH", 2, stream_number, numbers.index(number)))
    table = b"".join(rows)
    out += (
        f"{xref_number} 0 obj\n<< /Type /XRef /Size {xref_number + 1} /W [1 4 2] /Root 1 0 R "
        f"/Length {len(table)} >>\nstream\n"
    ).encode()
    out += table + b"\nendstream\nendobj\n"
    out += f"startxref\n{offsets[xref_number]}\n%%EOF\n".encode()
    return out


JAVASCRIPT_ACTION = "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
LAUNCH_ACTION = "<< /S /Launch /F (cmd.exe) >>"


def html_pdf_polyglot() -> bytes:
    """A web page that is also a PDF: the PDF header comes after the HTML, inside the first KiB."""
    return b"<html><body><script>alert(1)</script></body></html>\n" + pdf_with_pages(1)


def uri_beacon_pdf() -> bytes:
    """Opening the paper calls a web address (tells a third party who read it, and when)."""
    return pdf_with_pages(1, catalog_extra="/OpenAction << /S /URI /URI (http://beacon.test/x) >> ")


def embedded_file_pdf() -> bytes:
    """A PDF carrying a file (any program) as an attachment."""
    return pdf(
        [
            "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            "<< /Names [(a.exe) 5 0 R] >>",
            "<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
            "<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
        ]
    )


def corpus() -> list[tuple[str, str, bytes, int, str]]:
    """(case, file name, bytes, expected status, expected error code)."""
    jpeg = _encoded(Image.effect_noise((400, 400), 60).convert("RGB"), "JPEG")
    png = _encoded(Image.effect_noise((300, 300), 60).convert("RGB"), "PNG")
    tiff = _encoded(Image.effect_noise((300, 300), 60).convert("RGB"), "TIFF")
    heic = _encoded(Image.effect_noise((300, 300), 60).convert("RGB"), "HEIF")
    return [
        ("zero bytes", "empty.jpg", b"", 422, "empty_file"),
        ("truncated jpeg", "cut.jpg", jpeg[: len(jpeg) // 3], 422, "corrupt_file"),
        ("truncated png", "cut.png", png[: len(png) // 2], 422, "corrupt_file"),
        ("truncated tiff", "cut.tif", tiff[: len(tiff) // 2], 422, "corrupt_file"),
        ("truncated heic", "cut.heic", heic[: len(heic) // 2], 422, "corrupt_file"),
        ("pixel bomb png", "bomb.png", png_header_bomb(), 413, "page_too_large"),
        (
            "tiff of 201 frames, frame 2 broken",
            "many.tif",
            tiff_frames([(8, 8)] * 201, corrupt=1),
            413,
            "too_many_pages",
        ),
        ("png cut short under the pixel cap", "cut-big.png", png_cut_short(), 422, "corrupt_file"),
        (
            "tiff of 20 frames of 100 Mpx in a few hundred bytes",
            "heavy.tif",
            tiff_claiming([(10_000, 10_000)] * 20),
            413,
            "too_many_pixels",
        ),
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
            "javascript catalog in a hex object stream",
            "hex.pdf",
            pdf_with_object_stream([JAVASCRIPT_ACTION], ["ASCIIHexDecode"], "hex"),
            422,
            "active_pdf",
        ),
        (
            "launch action under two flate layers",
            "flate2.pdf",
            pdf_with_object_stream([LAUNCH_ACTION], ["FlateDecode", "FlateDecode"], "flate2"),
            422,
            "active_pdf",
        ),
        ("html page with a pdf tail", "page.pdf", html_pdf_polyglot(), 415, "ambiguous_file_type"),
        ("uri beacon on opening", "beacon.pdf", uri_beacon_pdf(), 422, "active_pdf"),
        ("pdf carrying a file", "attach.pdf", embedded_file_pdf(), 422, "active_pdf"),
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

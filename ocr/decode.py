"""Decoding an image file under a budget of time, checked between the decoder's reads.

Intake decodes every page of a file once to prove it whole (`ocr.load.inspect`). The headers
already bound what that may cost before a pixel is decoded: memory by the pixels of one page
(`max_pixels`), work by the pixels of all its pages (`max_file_pixels`). What they cannot bound
is a file slow to decode for its size (a Python-decoded RLE bitmap, a stream a decoder chews
on, a busy server): `DecodeBudget` stops the decoding of one intake once it has taken longer
than its seconds, with DecodeTimeout.

How, cooperatively and with no extra process: Pillow decodes a frame by reading the file in
blocks and feeding each block to its decoder (PNG, JPEG, BMP, raw TIFF strips; a decoder that
pulls its own bytes, like the RLE bitmap's, reads them through the same file). The file we hand
Pillow, `ClockedBytes`, looks at the clock at every read and raises once the budget is spent,
so decoding stops within one block's work (`BLOCK` bytes of input; the decoder's state is
dropped with the image).

Three decoders take a whole frame in one call: libtiff (a compressed TIFF frame: Pillow hands it
the whole file through `getvalue()`), libwebp and libheif (HEIC, through pillow-heif). There the
clock is looked at before each frame and after it, so the budget may be overrun by one frame's
decoding, itself bounded by `max_pixels` (at the rates measured here on A4 scans, 250 Mpx/s for
deflate or LZW TIFF and 30 Mpx/s for WebP, a 120 Mpx frame takes half a second, or four).
Stopping them mid-frame needs a child process, killed at the deadline: a process start, the file
sent to it and every decoded page sent back (up to 360 MB a page) for every intake, to save an
overrun the pixel cap already bounds. Not chosen.

Only intake's decoding is budgeted (uploads and backfiles alike): the worker decodes one page
at a time (`ocr.load.page_at`) of a file intake has already decoded in full within its budget
(or, a backfile's PNG, checked by its checksums: its pixels bounded by the pixel caps), and
`sohoa ocr` decodes files the operator gave it on their own machine.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from models.errors import DecodeTimeout

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

BLOCK = 16 * 1024
"""Bytes of input per decoder call while a budget runs (Pillow's default is 64 KiB): at most
~16 MB of pixels from one block of a highly compressed PNG before the clock is looked at."""


class DecodeBudget:
    """The seconds of decoding one intake may spend, counted over all its frames.

    Only the time inside `running()` counts: opening the file, reading its headers and judging
    each page's quality (intake's `assess`) are not decoding.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.spent = 0.0
        self._since: float | None = None

    @contextmanager
    def running(self) -> Iterator[None]:
        """Count the time of the block as decoding; raise DecodeTimeout after it if spent."""
        self._since = time.monotonic()
        try:
            yield
        finally:
            self.spent += time.monotonic() - self._since
            self._since = None
        self._refuse_past(self.spent)

    def check(self) -> None:
        """Raise DecodeTimeout if decoding is running and the budget is spent."""
        if self._since is not None:
            self._refuse_past(self.spent + time.monotonic() - self._since)

    def _refuse_past(self, spent: float) -> None:
        if spent > self.seconds:
            raise DecodeTimeout(
                detail={"seconds_spent": round(spent, 3), "max_seconds": self.seconds}
            )


class ClockedBytes(io.BytesIO):
    """The file's bytes, read by Pillow: every read first checks the budget."""

    def __init__(self, data: bytes, budget: DecodeBudget) -> None:
        super().__init__(data)
        self._budget = budget

    def read(self, size: int | None = -1, /) -> bytes:
        self._budget.check()
        return super().read(size)

    def read1(self, size: int | None = -1, /) -> bytes:
        self._budget.check()
        return super().read1(size)

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        self._budget.check()
        return super().readinto(buffer)

    def getvalue(self) -> bytes:
        self._budget.check()
        return super().getvalue()

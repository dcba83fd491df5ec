"""Degrade a clean rendered page the ways real scans and photos of papers are degraded.

Each condition is a pure function (page, seeded numpy Generator) → `DegradedPage`: the file as it
would reach us (PNG or JPEG bytes), the unchanged ground truth, and the geometry we applied.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np
from PIL import Image

from synth.marks import BALLPOINT_BLUE, SEAL_RED, seal_mask, signature_mask, stamp
from synth.photo import FRAME, Quad, photograph
from synth.render import RenderedPage


@dataclass(frozen=True)
class Geometry:
    """What was done to the page's geometry, so pipeline tests can check they undo it."""

    skew_degrees: float = 0.0
    """Content turned counter-clockwise (as seen) by this angle; deskew turns by its opposite."""
    rotation: int = 0
    """Page turned clockwise by this many degrees (0/90/180/270); turn it back to read it."""
    page_quad: Quad | None = None
    """In a photo: the page's corners (TL, TR, BR, BL of the page) in image pixels."""
    page_size: tuple[int, int] | None = None
    """In a photo: the width, height of the flat page the quad is the image of."""
    marks: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    """Ink laid over the text (seal, signature): left, top, width, height in image pixels."""


@dataclass(frozen=True)
class DegradedPage:
    condition: str
    data: bytes
    """The file as a scanner or phone hands it over."""
    format: Literal["png", "jpeg"]
    text: str
    """Ground truth: the page's text in reading order, whatever happened to the image."""
    geometry: Geometry
    dpi: int | None
    """Resolution written in the file; None for photos (a phone knows no dpi)."""

    @property
    def suffix(self) -> str:
        return ".jpg" if self.format == "jpeg" else ".png"

    def image(self) -> Image.Image:
        """The image a reader of `data` sees (JPEG losses included)."""
        with Image.open(io.BytesIO(self.data)) as image:
            return image.copy()


Condition = Callable[[RenderedPage, np.random.Generator], DegradedPage]


# -- shared steps -------------------------------------------------------------------------------


def _grey(page: RenderedPage, dpi: int | None = None) -> np.ndarray:
    grey = np.asarray(page.image.convert("L"))
    return _resample(grey, page.dpi, dpi) if dpi else grey


def _resample(image: np.ndarray, source_dpi: int, dpi: int) -> np.ndarray:
    """What a scanner at `dpi` sees: area-averaged (optics integrate over each sensor cell)."""
    if dpi == source_dpi:
        return image
    scale = dpi / source_dpi
    size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    resized: np.ndarray = cv2.resize(image, size, interpolation=interpolation)
    return resized


def _paper(grey: np.ndarray, paper: float, ink: float) -> np.ndarray:
    """Map white → paper tone, black → ink tone (no scan is 0/255)."""
    g = grey.astype(np.float32) / 255.0
    return ink + (paper - ink) * g


def _noise(image: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    noise = rng.standard_normal(size=image.shape[:2], dtype=np.float32)
    noise *= sigma
    noisy = image.astype(np.float32)
    noisy += noise[:, :, None] if image.ndim == 3 else noise
    return np.clip(noisy, 0, 255, out=noisy).astype(np.uint8)


def _encode(image: np.ndarray | Image.Image, fmt: str, dpi: int | None, quality: int = 90) -> bytes:
    pil = image if isinstance(image, Image.Image) else Image.fromarray(image)
    buffer = io.BytesIO()
    options: dict[str, object] = {"dpi": (dpi, dpi)} if dpi else {}
    if fmt == "jpeg":
        options["quality"] = quality
    else:
        options["compress_level"] = 1  # a scanner's PNGs are fast, not small; so are ours
    pil.save(buffer, fmt.upper(), **options)
    return buffer.getvalue()


def _scan(
    name: str,
    page: RenderedPage,
    image: np.ndarray | Image.Image,
    dpi: int,
    geometry: Geometry | None = None,
    jpeg_quality: int | None = None,
) -> DegradedPage:
    fmt: Literal["png", "jpeg"] = "jpeg" if jpeg_quality else "png"
    return DegradedPage(
        condition=name,
        data=_encode(image, fmt, dpi, jpeg_quality or 90),
        format=fmt,
        text=page.text,
        geometry=geometry or Geometry(),
        dpi=dpi,
    )


# -- the conditions -----------------------------------------------------------------------------


def clean_300(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """A good flatbed scan: 300 dpi greyscale, lossless, barely any noise."""
    grey = _paper(_grey(page, 300), rng.uniform(245, 252), rng.uniform(8, 20))
    return _scan("clean_300", page, _noise(grey, 1.5, rng), 300)


def skewed_scan(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """A page laid crooked on the feeder: 1.5–4° skew, sensor noise, JPEG at office quality."""
    angle = float(rng.uniform(1.5, 4.0) * rng.choice([-1.0, 1.0]))
    grey = _paper(_grey(page, 300), rng.uniform(232, 245), rng.uniform(20, 40))
    h, w = grey.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    # The scanner lid behind the page is white too; the corners fill with it.
    turned = cv2.warpAffine(grey, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=250.0)
    noisy = _noise(turned, rng.uniform(6, 10), rng)
    quality = int(rng.integers(65, 80))
    return _scan("skewed_scan", page, noisy, 300, Geometry(skew_degrees=angle), quality)


def dpi_150(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """Scan-to-email at 150 dpi, JPEG (the 'document' default of many office MFPs)."""
    soft = cv2.GaussianBlur(_grey(page), (0, 0), 0.4 * page.dpi / 150)
    grey = _paper(_resample(soft, page.dpi, 150), rng.uniform(238, 250), rng.uniform(15, 35))
    quality = int(rng.integers(70, 86))
    return _scan("dpi_150", page, _noise(grey, 3.0, rng), 150, jpeg_quality=quality)


def fax_100(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """A fax or a 1-bit copy at 100 dpi: thresholded, strokes broken or bloated, specks."""
    soft = cv2.GaussianBlur(_grey(page), (0, 0), 0.5 * page.dpi / 100)
    grey = _noise(_resample(soft, page.dpi, 100), rng.uniform(8, 14), rng)
    level = rng.uniform(115, 150)
    binary = np.where(grey > level, 255, 0).astype(np.uint8)
    specks = rng.random(binary.shape) < 4e-4
    binary[specks] = 255 - binary[specks]
    return _scan("fax_100", page, Image.fromarray(binary).convert("1"), 100)


def _rotated(quarter_turns: int) -> Condition:
    def rotated(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
        grey = _paper(_grey(page, 300), rng.uniform(240, 250), rng.uniform(12, 25))
        # np.rot90 turns counter-clockwise; k=-n turns the page clockwise by n quarter turns.
        turned = np.ascontiguousarray(np.rot90(_noise(grey, 2.0, rng), k=-quarter_turns))
        name = f"rotated_{90 * quarter_turns}"
        return _scan(name, page, turned, 300, Geometry(rotation=90 * quarter_turns))

    rotated.__doc__ = f"A page fed or photographed turned {90 * quarter_turns}° clockwise."
    return rotated


def faded_streaks(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """A copy of a copy: worn thin strokes, low and uneven contrast, toner bands, drum scratches."""
    grey = _grey(page, 300)
    h, w = grey.shape
    # Ink coverage 0..1; worn toner keeps the stroke cores and loses their edges (thinner strokes).
    ink = (1 - grey.astype(np.float32) / 255.0) ** rng.uniform(1.3, 1.8)
    # Toner-starved vertical bands: the ink there is lighter still.
    starve = np.ones(w, np.float32)
    xs = np.arange(w, dtype=np.float32)
    for _ in range(int(rng.integers(3, 6))):
        centre, half = rng.uniform(0, w), rng.uniform(20, 70)
        starve -= rng.uniform(0.25, 0.4) * np.exp(-(((xs - centre) / half) ** 2))
    ink *= np.clip(starve, 0.45, 1)[None, :]
    paper = rng.uniform(200, 218)
    contrast = rng.uniform(55, 75)  # the darkest ink ends up only this far below the paper
    # The copier's lamp and drum are uneven: a blotchy tone and one edge greyer than the other.
    blotches = rng.normal(0, 7, size=(6, 4)).astype(np.float32)
    shade = cv2.resize(blotches, (w, h), interpolation=cv2.INTER_CUBIC)
    ramp = np.linspace(0, rng.uniform(15, 30), w, dtype=np.float32)[None, :]
    faded = paper + shade - (ramp if rng.random() < 0.5 else ramp[:, ::-1]) - contrast * ink
    for _ in range(int(rng.integers(2, 5))):
        # Drum scratches: thin grey lines down the whole page, through the text.
        x, width = int(rng.integers(0, w - 3)), int(rng.integers(1, 4))
        faded[:, x : x + width] -= rng.uniform(25, 45)
    faded = cv2.GaussianBlur(faded, (0, 0), 0.8)
    return _scan("faded_streaks", page, _noise(faded, 5.0, rng), 300)


def seal_signature(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """A colour scan of a signed, sealed paper: seal and signature both cross body text."""
    grey = _paper(_grey(page, 300), rng.uniform(240, 250), rng.uniform(15, 30))
    rgb = np.repeat(grey.astype(np.uint8)[:, :, None], 3, axis=2)
    h, w = grey.shape
    px = 300 / 25.4
    seal, signature = seal_mask(300, rng), signature_mask(300, rng)
    # Over the body, not in a blank signature block: the hard case, where ink crosses text.
    seal_at = (int(rng.uniform(0.35, 0.55) * w), int(rng.uniform(0.55, 0.75) * h))
    sign_at = (seal_at[0] + round(rng.uniform(15, 28) * px), seal_at[1] + round(8 * px))
    marks = {
        "signature": stamp(rgb, signature, BALLPOINT_BLUE, sign_at),
        # The seal is pressed after signing, over the left part of the signature.
        "seal": stamp(rgb, seal, SEAL_RED, seal_at),
    }
    noisy = _noise(rgb, 3.0, rng)
    return _scan("seal_signature", page, noisy, 300, Geometry(marks=marks), 88)


def colour_scan(page: RenderedPage, rng: np.random.Generator, dpi: int = 200) -> DegradedPage:
    """A colour scan at the digitisation minimum of Decree 30/2020 (200 dpi), the marks kept in
    their own colours: for pages that already carry their seal and signature (`synth.admin`)."""
    rgb = _resample(np.asarray(page.image.convert("RGB")), page.dpi, dpi)
    toned = _paper(rgb, rng.uniform(240, 250), rng.uniform(15, 30))
    return _scan(f"colour_{dpi}", page, _noise(toned, 3.0, rng), dpi, jpeg_quality=90)


def photo_page(
    name: str,
    page: RenderedPage,
    rng: np.random.Generator,
    *,
    width: float,
    tilt_deg: float,
    blur_sigma: float,
    motion_px: float,
    hard_shadow: bool = False,
) -> DegradedPage:
    """The grey page photographed on a desk (`synth.photo`): a 12 MP JPEG, no dpi."""
    grey = _paper(_grey(page), rng.uniform(238, 250), rng.uniform(15, 30)).astype(np.uint8)
    # Shrink the flat page close to its size in the frame first, so the warp does not alias.
    scale = min(1.0, width * 1.05 / grey.shape[1])
    dpi = round(page.dpi * scale)
    small = _resample(grey, page.dpi, dpi) if scale < 1 else grey
    rgb = np.repeat(small[:, :, None], 3, axis=2)
    frame, quad = photograph(
        rgb,
        width=width,
        tilt_deg=tilt_deg,
        blur_sigma=blur_sigma,
        motion_px=motion_px,
        rng=rng,
        hard_shadow=hard_shadow,
    )
    geometry = Geometry(page_quad=quad, page_size=(small.shape[1], small.shape[0]))
    quality = int(rng.integers(82, 92))
    return DegradedPage(
        condition=name,
        data=_encode(frame, "jpeg", None, quality),
        format="jpeg",
        text=page.text,
        geometry=geometry,
        dpi=None,
    )


def phone_photo(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """The clerk's phone over the page: perspective, shadow, slight defocus, JPEG."""
    width = rng.uniform(0.74, 0.84) * FRAME[0]
    return photo_page(
        "phone_photo", page, rng, width=width, tilt_deg=4.0, blur_sigma=1.0, motion_px=0.0
    )


def photo_afar(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """Taken standing, page on the desk: ~1400 px wide in the frame, the hand moved a little."""
    width = rng.uniform(1350, 1450)
    return photo_page(
        "photo_afar",
        page,
        rng,
        width=width,
        tilt_deg=6.0,
        blur_sigma=0.5,
        motion_px=float(rng.uniform(2.5, 4.5)),
    )


CONDITIONS: dict[str, Condition] = {
    "clean_300": clean_300,
    "skewed_scan": skewed_scan,
    "dpi_150": dpi_150,
    "fax_100": fax_100,
    "rotated_90": _rotated(1),
    "rotated_180": _rotated(2),
    "rotated_270": _rotated(3),
    "faded_streaks": faded_streaks,
    "seal_signature": seal_signature,
    "phone_photo": phone_photo,
    "photo_afar": photo_afar,
}
"""Every condition the benchmark runs, in the order of its table."""


def degrade(page: RenderedPage, condition: str, seed: int) -> DegradedPage:
    """`condition` applied to `page`, the same bytes for the same seed."""
    return CONDITIONS[condition](page, np.random.default_rng(seed))

"""Hard conditions from the field (issue 17): security paper, third-generation photocopies with
black edges, a citizen's card scanned on a flatbed or photographed, a far photo with a hard shadow.

Each is a pure function (page, seeded numpy Generator) → `DegradedPage`, as in `synth.degrade`,
with the page's text unchanged as ground truth. The card conditions expect the card's face
(`synth.idcard.card_front`), the others an A4 page. `turned` wraps any of them to hand the file
over turned by a quarter turn or more, as it may reach us.
"""

from __future__ import annotations

import dataclasses
import io
import math

import cv2
import numpy as np
from PIL import Image

from synth.degrade import (
    Condition,
    DegradedPage,
    Geometry,
    _encode,
    _grey,
    _noise,
    _paper,
    _resample,
    _scan,
    photo_page,
)
from synth.idcard import CARD_MM
from synth.patterns import PAPER_TINTS, lay_under, security_pattern
from synth.photo import FRAME, photograph
from synth.render import A4_MM, RenderedPage


def security_paper(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """A certificate printed on security paper: a light green, pink or beige guilloche net, a
    rosette and a microtext frame under the whole sheet; colour scan at 200–300 dpi, JPEG."""
    rgb = np.asarray(page.image.convert("RGB"))
    height, width = rgb.shape[:2]
    cover = security_pattern((width, height), page.dpi / 25.4, rng)
    tint = PAPER_TINTS[str(rng.choice(["green", "pink", "beige"]))]
    sheet = np.full_like(rgb, 255)
    sheet = lay_under(sheet, cover, tint, float(rng.uniform(0.5, 0.85)))
    # The office prints the text over the pattern: ink multiplies what is already there.
    printed = (sheet.astype(np.float32) * (rgb.astype(np.float32) / 255.0)).astype(np.uint8)
    dpi = int(rng.choice([200, 250, 300]))
    toned = _paper(_resample(printed, page.dpi, dpi), rng.uniform(238, 250), rng.uniform(15, 30))
    noisy = _noise(toned, 3.0, rng)
    return _scan("security_paper", page, noisy, dpi, jpeg_quality=int(rng.integers(82, 93)))


# -- photocopies ---------------------------------------------------------------------------------


def _smooth_field(
    shape: tuple[int, int], cells: tuple[int, int], sigma: float, rng: np.random.Generator
) -> np.ndarray:
    """A slowly varying random field (zero mean, about `sigma`): uneven toner, uneven lamp."""
    coarse = rng.normal(0, sigma, size=cells).astype(np.float32)
    return np.asarray(
        cv2.resize(coarse, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC), np.float32
    )


def _on_the_glass(grey: np.ndarray, px: float, rng: np.random.Generator) -> np.ndarray:
    """The page on a copier's glass with the lid open: black toner wherever there is no paper.

    One to three sides show a band of 3–12 mm (less than any page's margin, so no text is lost);
    when opposite sides both show one, the copy was reduced to make room. A little crooked.
    """
    height, width = grey.shape
    chosen = rng.permutation(4)[: int(rng.integers(1, 4))]  # 0 left, 1 top, 2 right, 3 bottom
    band = [rng.uniform(3, 12) * px if side in chosen else 0.0 for side in range(4)]
    scale = min(1.0, (width - band[0] - band[2]) / width, (height - band[1] - band[3]) / height)
    dx = band[0] if band[0] or not band[2] else width - band[2] - scale * width
    dy = band[1] if band[1] or not band[3] else height - band[3] - scale * height
    if not band[0] and not band[2]:
        dx = (width - scale * width) / 2
    if not band[1] and not band[3]:
        dy = (height - scale * height) / 2
    angle = math.radians(rng.uniform(-0.6, 0.6))
    cos, sin = scale * math.cos(angle), scale * math.sin(angle)
    # turn about the page's centre, then place its corner at (dx, dy)
    cx, cy = width / 2, height / 2
    matrix = np.array(
        [
            [cos, -sin, dx + scale * cx - (cos * cx - sin * cy)],
            [sin, cos, dy + scale * cy - (sin * cx + cos * cy)],
        ],
        np.float32,
    )
    paper = cv2.warpAffine(
        grey.astype(np.float32), matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=0.0
    )
    there = cv2.warpAffine(
        np.ones_like(grey, np.float32),
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderValue=0.0,
    )
    glass = rng.uniform(15, 40) + _smooth_field(grey.shape, (8, 6), 6.0, rng)
    out = glass + (paper - glass) * there
    if rng.random() < 0.5:
        # A bound book: the spine's side darkens in a steep gradient into the page.
        xs = np.arange(width, dtype=np.float32)
        side_left = rng.random() < 0.5
        edge = dx if side_left else dx + scale * width
        distance = (xs - edge) if side_left else (edge - xs)
        reach = rng.uniform(8, 20) * px
        shade = rng.uniform(0.4, 0.7) * np.exp(-np.clip(distance, 0, None) / reach)
        out *= 1 - shade[None, :]
    return np.asarray(out, np.float32)


def _copy_once(image: np.ndarray, px: float, rng: np.random.Generator) -> np.ndarray:
    """One pass through a copier: optics blur, toner's hard tone curve (its threshold drifting
    across the sheet: strokes bloat where it is high and break where it is low), grey fog,
    toner specks."""
    soft = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.05, 0.09) * px)
    threshold = np.float32(rng.uniform(120, 150)) + _smooth_field(image.shape, (7, 5), 14.0, rng)
    steep = rng.uniform(12, 22)
    tone = 1.0 / (1.0 + np.exp((threshold - soft) * np.float32(1.0 / steep)))
    paper = np.float32(rng.uniform(222, 242)) + _smooth_field(image.shape, (6, 4), 5.0, rng)
    ink = np.float32(rng.uniform(20, 45)) + _smooth_field(image.shape, (6, 4), 10.0, rng)
    out = ink + (paper - ink) * tone
    dots = (rng.random(image.shape, dtype=np.float32) < 3e-4).astype(np.uint8)
    specks = cv2.dilate(dots, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    out -= specks.astype(np.float32) * np.float32(rng.uniform(90, 160))
    out += rng.standard_normal(size=image.shape, dtype=np.float32) * np.float32(5.0)
    return np.asarray(np.clip(out, 0, 255), np.float32)


def photocopy_edges(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """A copy of a copy of a copy, copied with the lid open: black bands along one to three
    sides, sometimes a book spine's shadow, strokes thickened here and broken there, grey fog
    and specks; scanned grey at 200–300 dpi."""
    dpi = int(rng.choice([200, 300]))
    px = dpi / 25.4
    grey = _grey(page, dpi).astype(np.float32)
    image = _on_the_glass(grey, px, rng)
    for _ in range(3):
        image = _copy_once(image, px, rng)
    return _scan("photocopy_edges", page, image.astype(np.uint8), dpi)


# -- citizen's cards -----------------------------------------------------------------------------


def id_card_flatbed(card: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """The card laid in a corner of a flatbed and scanned as an A4 page at 300 dpi, colour: the
    rest is the white lid with faint scanner noise; the card's edge casts a thin shadow."""
    return card_on_flatbed(card, rng, 300)


def card_on_flatbed(card: RenderedPage, rng: np.random.Generator, dpi: int) -> DegradedPage:
    """`id_card_flatbed` at `dpi`: how coarse a scan still carries the card's QR code."""
    px = dpi / 25.4
    rgb = _resample(np.asarray(card.image.convert("RGB")), card.dpi, dpi)
    h, w = rgb.shape[:2]
    alpha = np.zeros((h, w), np.uint8)
    radius = round(3.2 * px)  # ID-1 cards have 3.18 mm corners
    cv2.rectangle(alpha, (radius, 0), (w - 1 - radius, h - 1), 255, -1)
    cv2.rectangle(alpha, (0, radius), (w - 1, h - 1 - radius), 255, -1)
    for x, y in (
        (radius, radius),
        (w - 1 - radius, radius),
        (radius, h - 1 - radius),
        (w - 1 - radius, h - 1 - radius),
    ):
        cv2.circle(alpha, (x, y), radius, 255, -1, cv2.LINE_AA)
    # A little crooked, as a hand lays it: turn card and outline together, enlarging the canvas.
    angle = rng.uniform(-2.0, 2.0)
    diagonal = math.ceil(math.hypot(w, h))
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    matrix[:, 2] += ((diagonal - w) / 2, (diagonal - h) / 2)
    card_rgb = cv2.warpAffine(rgb, matrix, (diagonal, diagonal), flags=cv2.INTER_LINEAR)
    card_alpha = cv2.warpAffine(alpha, matrix, (diagonal, diagonal), flags=cv2.INTER_LINEAR)
    ys, xs = np.nonzero(card_alpha)
    top, bottom, left, right = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    card_rgb, card_alpha = card_rgb[top:bottom, left:right], card_alpha[top:bottom, left:right]
    page_w, page_h = (round(mm * px) for mm in A4_MM)
    lid = rng.uniform(246, 252) + _smooth_field((page_h, page_w), (5, 4), 1.5, rng)
    sheet = np.repeat(lid[:, :, None], 3, axis=2)
    ch, cw = card_alpha.shape
    corner = int(rng.integers(4))  # which corner guide the clerk used
    mx, my = (round(rng.uniform(1.5, 8.0) * px) for _ in range(2))
    x0 = mx if corner in (0, 3) else page_w - cw - mx
    y0 = my if corner in (0, 1) else page_h - ch - my
    cover = card_alpha.astype(np.float32) / 255.0
    # The card's thickness (0.76 mm) casts a thin shadow beside it from the scanner's lamp.
    offset = (round(rng.uniform(1, 3)), round(rng.uniform(1, 3)))
    shadow = cv2.GaussianBlur(cover, (0, 0), 1.5) * rng.uniform(0.25, 0.45)
    sy, sx = y0 + offset[1], x0 + offset[0]
    sheet[sy : sy + ch, sx : sx + cw] *= (1 - shadow)[:, :, None]
    region = sheet[y0 : y0 + ch, x0 : x0 + cw]
    region[:] = region * (1 - cover[:, :, None]) + card_rgb.astype(np.float32) * cover[:, :, None]
    noisy = _noise(np.clip(sheet, 0, 255).astype(np.uint8), rng.uniform(1.5, 2.5), rng)
    return _scan("id_card_flatbed", card, noisy, dpi, jpeg_quality=int(rng.integers(85, 93)))


def id_card_photo(card: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """The card photographed with a phone on a desk: perspective, soft shadow, slight defocus,
    the card filling half to four fifths of the frame's width; its colours (the red title) kept."""
    return _card_photo("id_card_photo", card, rng, blur=(0.6, 1.2))


def _card_photo(
    name: str,
    card: RenderedPage,
    rng: np.random.Generator,
    *,
    blur: tuple[float, float],
    motion: tuple[float, float] = (0.0, 0.0),
) -> DegradedPage:
    """A phone photo of the card, its defocus (sigma) and hand's move in frame pixels drawn from
    the ranges `blur` and `motion`."""
    width = rng.uniform(0.55, 0.8) * FRAME[0]
    rgb = np.asarray(card.image.convert("RGB"))
    dpi = round(card.dpi * min(1.0, width * 1.05 / rgb.shape[1]))
    small = _resample(rgb, card.dpi, dpi)
    frame, quad = photograph(
        small,
        width=width,
        tilt_deg=8.0,
        blur_sigma=float(rng.uniform(*blur)),
        motion_px=float(rng.uniform(*motion)) if motion[1] > 0 else 0.0,
        rng=rng,
    )
    geometry = Geometry(page_quad=quad, page_size=(small.shape[1], small.shape[0]))
    quality = int(rng.integers(82, 92))
    return DegradedPage(
        condition=name,
        data=_encode(frame, "jpeg", None, quality),
        format="jpeg",
        text=card.text,
        geometry=geometry,
        dpi=None,
    )


def id_card_glare(card: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """`id_card_photo` with the lamp's reflection on the card's laminate (`with_glare`): what
    the clerk sees, and moves the card to avoid."""
    return _card_photo("id_card_glare", with_glare(card, rng), rng, blur=(0.6, 1.2))


def with_glare(card: RenderedPage, rng: np.random.Generator) -> RenderedPage:
    """The card under a soft bright ellipse (8–20 × 4–10 mm) over its top right, where the QR
    code is, its core burnt out to white where the light is strongest."""
    rgb = np.asarray(card.image.convert("RGB"), np.float32)
    px = card.dpi / 25.4
    ys, xs = np.mgrid[0 : rgb.shape[0] : 4, 0 : rgb.shape[1] : 4].astype(np.float32) / px
    cx = CARD_MM[0] - 9.0 + rng.uniform(-10.0, 8.0)  # the code's centre is 9 mm from the right
    cy = 9.5 + rng.uniform(-7.0, 9.0)
    a, b = rng.uniform(4.0, 10.0), rng.uniform(2.0, 5.0)
    turn = rng.uniform(0, math.pi)
    u = (xs - cx) * math.cos(turn) + (ys - cy) * math.sin(turn)
    v = (ys - cy) * math.cos(turn) - (xs - cx) * math.sin(turn)
    light = np.exp(-((u / a) ** 2 + (v / b) ** 2))
    light = cv2.resize(light, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)
    rgb += (rng.uniform(0.7, 1.3) * 255.0 * light)[:, :, None]
    return RenderedPage(Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)), card.text, card.dpi)


def id_card_blur(card: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """`id_card_photo` out of focus and shaken: defocus of 1.5–3 px and a hand's move of 2–8 px
    on the 12 MP frame (the card 1,700–2,400 px wide, a module of its code 6–8 px)."""
    return _card_photo("id_card_blur", card, rng, blur=(1.5, 3.0), motion=(2.0, 8.0))


def photo_afar_shadow(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
    """`photo_afar` (page ~1400 px wide in a 12 MP frame, the hand moved a little) with a hard
    shadow across part of the page, its sharp edge crossing text lines."""
    return photo_page(
        "photo_afar_shadow",
        page,
        rng,
        width=float(rng.uniform(1350, 1450)),
        tilt_deg=6.0,
        blur_sigma=0.5,
        motion_px=float(rng.uniform(2.5, 4.5)),
        hard_shadow=True,
    )


# -- turned files --------------------------------------------------------------------------------


def _turn_point(
    x: float, y: float, size: tuple[int, int], quarter_turns: int
) -> tuple[float, float]:
    """Where (x, y) of an image of `size` (width, height) lands after quarter turns clockwise."""
    width, height = size
    for _ in range(quarter_turns % 4):
        x, y = height - 1 - y, x
        width, height = height, width
    return x, y


def turned(condition: Condition, quarter_turns: int) -> Condition:
    """`condition`, its file then turned clockwise by `quarter_turns` × 90° (a page fed sideways
    or upside down, a phone held the other way): the truth is the same, to be read upright."""

    def turn(page: RenderedPage, rng: np.random.Generator) -> DegradedPage:
        sample = condition(page, rng)
        if quarter_turns % 4 == 0:
            return sample
        with Image.open(io.BytesIO(sample.data)) as image:
            size = image.size
            array = np.asarray(image)
        # np.rot90 turns counter-clockwise; k=-n turns the file clockwise by n quarter turns.
        rotated = np.ascontiguousarray(np.rot90(array, k=-quarter_turns))
        quad = sample.geometry.page_quad
        if quad is not None:
            quad = tuple(_turn_point(x, y, size, quarter_turns) for x, y in quad)  # type: ignore[assignment]
        geometry = dataclasses.replace(
            sample.geometry,
            rotation=(sample.geometry.rotation + 90 * quarter_turns) % 360,
            page_quad=quad,
        )
        return dataclasses.replace(
            sample,
            condition=f"{sample.condition}_r{90 * quarter_turns}",
            data=_encode(rotated, sample.format, sample.dpi, 95),
            geometry=geometry,
        )

    turn.__doc__ = f"{condition.__doc__}\n\nThe file turned {90 * quarter_turns}° clockwise."
    return turn


HARD_CONDITIONS: dict[str, Condition] = {
    "security_paper": security_paper,
    "photocopy_edges": photocopy_edges,
    "id_card_flatbed": id_card_flatbed,
    "id_card_photo": id_card_photo,
    "photo_afar_shadow": photo_afar_shadow,
    "id_card_glare": id_card_glare,
    "id_card_blur": id_card_blur,
}
"""The hard conditions, in the order `synth.hardset` writes them."""

CARD_CONDITIONS = frozenset({"id_card_flatbed", "id_card_photo", "id_card_glare", "id_card_blur"})
"""Conditions that take a card's face (`synth.idcard.card_front`), not an A4 page."""

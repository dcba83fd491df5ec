"""A page photographed with a phone: warped onto a desk, shaded, blurred, as a 12 MP frame.

Sizes: a 12 MP phone camera gives 4032 × 3024; held in portrait over the page the frame is
3024 px wide. A clerk framing the page fills ~80 % of it (page ~2400 px wide, ~290 dpi
effective); a photo taken standing, page on the desk, leaves the page ~1400 px wide (~170 dpi).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

FRAME = (3024, 4032)
"""Width, height of the portrait frame of a 12 MP phone camera."""

Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]
"""Page corners in the photo: top-left, top-right, bottom-right, bottom-left of the page."""


def page_quad(
    page_size: tuple[int, int], width: float, tilt_deg: float, rng: np.random.Generator
) -> Quad:
    """Where the page's corners land: scaled to `width`, turned, foreshortened, off-centre.

    The whole page stays in the frame, as a clerk frames it; only the slack is used to move it.
    """
    frame_w, frame_h = FRAME
    height = width * page_size[1] / page_size[0]
    # Keystone: the camera leans towards the page's far edge, so the top edge comes out shorter.
    keystone = rng.uniform(0.03, 0.08) * width
    base = np.array(
        [
            (-width / 2 + keystone, -height / 2),
            (width / 2 - keystone, -height / 2),
            (width / 2, height / 2),
            (-width / 2, height / 2),
        ]
    )
    base += rng.uniform(-0.008, 0.008, size=(4, 2)) * width
    angle = math.radians(rng.uniform(-tilt_deg, tilt_deg))
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    corners = base @ turn.T
    margin = 0.01 * frame_w
    slack = np.maximum(np.array([frame_w, frame_h]) / 2 - np.abs(corners).max(axis=0) - margin, 0)
    corners += np.array([frame_w, frame_h]) / 2 + rng.uniform(-1, 1, size=2) * slack
    tl, tr, br, bl = (tuple(float(v) for v in corner) for corner in corners)
    return (tl, tr, br, bl)  # type: ignore[return-value]


def homography(page_size: tuple[int, int], quad: Quad) -> np.ndarray:
    w, h = page_size
    src = np.array([(0, 0), (w, 0), (w, h), (0, h)], dtype=np.float32)
    matrix: np.ndarray = cv2.getPerspectiveTransform(src, np.array(quad, dtype=np.float32))
    return matrix


def desk(rng: np.random.Generator) -> np.ndarray:
    """A darker surface than paper: wood or grey laminate, with grain and uneven light."""
    frame_w, frame_h = FRAME
    colours = ((95, 68, 45), (70, 70, 75), (120, 92, 62), (50, 45, 42))
    base = np.array(colours[int(rng.integers(len(colours)))], dtype=np.float32)
    streaks = rng.normal(0, 0.08, size=(frame_h // 16, 8)).astype(np.float32)
    grain = cv2.resize(streaks, (frame_w, frame_h), interpolation=cv2.INTER_CUBIC) + 1
    # Base colours × (1 ± a few %) stay inside 0..255: no clipping needed.
    return cv2.merge([np.asarray(grain * b, dtype=np.uint8) for b in base])


def photograph(
    page_rgb: np.ndarray,
    *,
    width: float,
    tilt_deg: float,
    blur_sigma: float,
    motion_px: float,
    rng: np.random.Generator,
    hard_shadow: bool = False,
) -> tuple[np.ndarray, Quad]:
    """The frame a phone would capture, and where the page's corners are in it.

    `hard_shadow` adds a sharp-edged shadow (the photographer's arm and phone under a small
    lamp) over part of the page, on top of the soft one every photo has.
    """
    frame_w, frame_h = FRAME
    size = (page_rgb.shape[1], page_rgb.shape[0])
    quad = page_quad(size, width, tilt_deg, rng)
    matrix = homography(size, quad)
    frame = cv2.warpPerspective(page_rgb, matrix, FRAME, flags=cv2.INTER_LINEAR).astype(np.float32)
    inside = cv2.warpPerspective(
        np.ones(page_rgb.shape[:2], np.float32), matrix, FRAME, flags=cv2.INTER_LINEAR
    )
    surface = desk(rng).astype(np.float32)
    # In place, as the frame is 12 MP: frame = surface + (page - surface) · inside.
    frame -= surface
    frame *= inside[:, :, None]
    frame += surface
    del surface, inside
    # Indoor light is warm and the phone's white balance does not quite undo it.
    balance = np.array([1.0, rng.uniform(0.94, 0.98), rng.uniform(0.84, 0.92)], np.float32)
    frame *= _lighting(rng)[:, :, None] * balance
    if hard_shadow:
        # Before the blur: the shadow lies on the desk, the camera's shake smears it too.
        frame *= _hard_shadow(quad, rng)[:, :, None]
    if motion_px > 0:
        frame = np.asarray(cv2.filter2D(frame, -1, _motion_kernel(motion_px, rng)), np.float32)
    if blur_sigma > 0:
        frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), blur_sigma), np.float32)
    noise = rng.standard_normal(size=(frame_h, frame_w), dtype=np.float32)
    noise *= 3.0
    frame += noise[:, :, None]
    np.clip(frame, 0, 255, out=frame)
    return frame.astype(np.uint8), quad


def _lighting(rng: np.random.Generator) -> np.ndarray:
    """Soft shadow of the phone and hand across part of the frame, and lens vignetting."""
    frame_w, frame_h = FRAME
    ys, xs = np.mgrid[0:frame_h:8, 0:frame_w:8].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    along = (xs - frame_w / 2) * math.cos(angle) + (ys - frame_h / 2) * math.sin(angle)
    edge = rng.uniform(-0.15, 0.3) * frame_w
    softness = rng.uniform(0.05, 0.12) * frame_w
    depth = rng.uniform(0.3, 0.45)
    shadow = 1 - depth / (1 + np.exp(-(along - edge) / softness))
    r2 = ((xs - frame_w / 2) / frame_w) ** 2 + ((ys - frame_h / 2) / frame_h) ** 2
    light = shadow * (1 - 0.35 * r2)
    return np.asarray(
        cv2.resize(light, (frame_w, frame_h), interpolation=cv2.INTER_LINEAR), np.float32
    )


def _hard_shadow(quad: Quad, rng: np.random.Generator) -> np.ndarray:
    """A shadow with a sharp edge entering the page from one side and covering 20–50 % of it.

    Drawn in page coordinates (u across, v down, 0..1 on the sheet) as the region beyond a
    curve: a slanted line with a bump (the arm, the head), so the edge crosses text lines both
    along and across them. Light inside falls to 35–60 %; the penumbra is 1.5–6 px (a small
    lamp, ~0.2–0.9 mm on a page 1400 px wide).
    """
    frame_w, frame_h = FRAME
    side = int(rng.integers(4))  # 0 bottom, 1 left, 2 right, 3 top: where the shadow comes from
    level = rng.uniform(0.2, 0.5)  # how far the edge reaches into the page, from its side
    slope = rng.uniform(-0.35, 0.35)
    bump_at, bump_width = rng.uniform(0.2, 0.8), rng.uniform(0.08, 0.2)
    bump = rng.uniform(0.1, 0.3)
    s = np.linspace(-1.0, 2.0, 600)
    depth = level + slope * (s - 0.5) + bump * np.exp(-(((s - bump_at) / bump_width) ** 2))
    # The polygon for a shadow from the bottom: the edge at v = 1 - depth, closed far below;
    # the other sides are the same polygon mirrored or transposed.
    along = np.concatenate([s, s[::-1]])
    across = np.concatenate([1.0 - depth, np.full_like(s, 3.0)])
    u, v = {
        0: (along, across),
        1: (1.0 - across, along),
        2: (across, along),
        3: (along, 1.0 - across),
    }[side]
    points = np.stack([u, v], axis=1).astype(np.float64).reshape(1, -1, 2)
    page = np.array([[(0, 0), (1, 0), (1, 1), (0, 1)]], np.float32)
    matrix = cv2.getPerspectiveTransform(page[0], np.array(quad, np.float32))
    mapped = cv2.perspectiveTransform(points, matrix)[0]
    mask = np.zeros((frame_h, frame_w), np.uint8)
    polygon = np.round(np.clip(mapped, -4 * frame_w, 4 * frame_w) * 16).astype(np.int32)
    cv2.fillPoly(mask, [polygon.reshape(-1, 1, 2)], 255, cv2.LINE_AA, shift=4)
    soft = cv2.GaussianBlur(mask, (0, 0), rng.uniform(1.5, 6.0)).astype(np.float32) / 255.0
    light = 1.0 - rng.uniform(0.4, 0.65) * soft
    return np.asarray(light, np.float32)


def _motion_kernel(length: float, rng: np.random.Generator) -> np.ndarray:
    """A straight smear of `length` px in a random direction: the hand moving during exposure."""
    size = math.ceil(length) | 1
    kernel = np.zeros((size, size), np.float32)
    angle = rng.uniform(0, math.pi)
    dx, dy = math.cos(angle) * (length - 1) / 2, math.sin(angle) * (length - 1) / 2
    c = size // 2
    cv2.line(
        kernel,
        (round((c - dx) * 16), round((c - dy) * 16)),
        (round((c + dx) * 16), round((c + dy) * 16)),
        1.0,
        1,
        cv2.LINE_AA,
        shift=4,
    )
    return np.asarray(kernel / kernel.sum(), np.float32)

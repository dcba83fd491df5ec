"""The sheet in a photo by its four straight edges: holds where a hard shadow cuts it in two.

`geometry.find_page_quad` takes the bright blob of the frame for the sheet. A hard shadow (the
photographer's arm under a lamp) makes part of the sheet as dark as the desk, and the blob is
only the lit part: warped, it loses the shadowed lines and bends the rest. The sheet's edges run
on through the shadow, though, and in log brightness their contrast does not change: a shadow
multiplies paper and desk alike, so log(paper) - log(desk) is the same in it and out of it.
So the edges are found as straight lines of the log image, and the sheet is the largest
quadrilateral of four of them that is darker outside along each side and is partly the lit blob.
A shadow's own edge is such a line too, but the sheet beyond it makes a larger quadrilateral.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

Line = tuple[float, float]
"""A straight line as (theta, rho): points (x, y) with x cos theta + y sin theta = rho."""

EDGE_CONTRAST = 0.45
"""Log-brightness step across a sheet's edge: paper at least ~1.6 times as bright as the desk.
A line of text, seen as small as we look at the frame, steps ~0.3."""
SUPPORT = 0.7
"""Share of a side along which the step is found: a page corner out of view, a fold, the
shadow's edge crossing the side leave the rest."""
MAX_LINES = 12
"""Candidate lines kept for each side of the sheet, the longest: a desk has grain and rims."""
MAX_EDGES = 60
"""Straight edges of enough contrast looked at in all, the longest."""


def edge_quad(small: NDArray[np.uint8], lit: NDArray[Any]) -> NDArray[np.float32] | None:
    """Corners (TL, TR, BR, BL, float32 (4, 2), in `small`'s pixels) of the largest quadrilateral
    of straight edges, darker outside along each side, that the lit blob `lit` (a contour) mostly
    fills; None when no four edges make one.

    The blob is only a hint of where the sheet is: with a shadow it may be part of the sheet, or
    the sheet and the lit part of the desk together.
    """
    height, width = small.shape
    log = np.asarray(cv2.GaussianBlur(np.log1p(small.astype(np.float32)), (0, 0), 1.0), np.float32)
    edges, sides = _sides(log)
    if not all(sides.values()):
        return None
    blob = np.zeros((height, width), np.uint8)
    cv2.drawContours(blob, [lit], -1, 1, thickness=-1)
    # The largest quadrilateral, but between near twins the one whose sides follow the edges
    # best: of two lines along one edge, the one leaning out of it encloses a little more.
    best, best_score = None, 0.0
    for left, right, top, bottom in itertools.product(
        *(sides[k][:MAX_LINES] for k in ("left", "right", "top", "bottom"))
    ):
        corners = [_meet(top, left), _meet(top, right), _meet(bottom, right), _meet(bottom, left)]
        if any(c is None for c in corners):
            continue
        quad = np.array(corners, np.float32)
        area = abs(float(cv2.contourArea(quad)))
        if area <= best_score or area < 0.04 * width * height:
            continue
        if not _inside_frame(quad, width, height) or not cv2.isContourConvex(
            quad.reshape(-1, 1, 2)
        ):
            continue
        support = _support(quad, log)
        if support < SUPPORT or area * support**4 <= best_score:
            continue
        inside = np.zeros_like(blob)
        cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 1)
        # the sheet is what the lit blob mostly is: at least a third of the sheet is lit
        if cv2.countNonZero(cv2.bitwise_and(inside, blob)) >= 0.3 * area:
            best, best_score = quad, area * support**4
    return None if best is None else _fitted(best, edges)


def _fitted(quad: NDArray[np.float32], edges: NDArray[np.uint8]) -> NDArray[np.float32]:
    """The quadrilateral with each side fitted to the edge pixels along it, between its corners
    (a candidate line was fitted along its whole length, other edges in line with it included)."""
    ys, xs = np.nonzero(edges)
    pixels = np.stack([xs, ys], axis=1).astype(np.float32)
    lines: list[Line] = []
    for k in range(4):
        a, b = quad[k], quad[(k + 1) % 4]
        along = b - a
        length = float(np.hypot(*along))
        unit = along / length
        normal = np.array([-unit[1], unit[0]], np.float32)
        t = (pixels - a) @ unit
        near = pixels[
            (np.abs((pixels - a) @ normal) < 2.0) & (t > 0.05 * length) & (t < 0.95 * length)
        ]
        if len(near) < 10:
            return quad
        vx, vy, x0, y0 = (
            float(v) for v in cv2.fitLine(near, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        )
        theta = math.atan2(vx, -vy) % math.pi
        lines.append((theta, x0 * math.cos(theta) + y0 * math.sin(theta)))
    corners = [_meet(lines[(k + 3) % 4], lines[k]) for k in range(4)]
    if any(c is None for c in corners):
        return quad
    fitted = np.array(corners, np.float32)
    # a refit that moves a corner by more than a few pixels followed something else
    return fitted if float(np.abs(fitted - quad).max()) <= 3.0 else quad


def _sides(log: NDArray[np.float32]) -> tuple[NDArray[np.uint8], dict[str, list[Line]]]:
    """Candidate sides of a sheet: straight edges with paper (brighter) on one side by at least
    an edge's step, sorted by which side of a sheet they could be (the side the paper is on).

    Each straight piece is judged by its own contrast before near-twins are merged: a sheet's
    edge in shadow is found in short pieces, and the desk's grain runs on in line with it in
    longer ones; merged first, the grain stood for the edge and failed for it."""
    edges, segments = _segments(log)
    ys, xs = np.nonzero(edges)
    pixels = np.stack([xs, ys], axis=1).astype(np.float32)
    sides: dict[str, list[Line]] = {"left": [], "right": [], "top": [], "bottom": []}
    kept: list[Line] = []
    for x1, y1, x2, y2 in segments:
        theta = math.atan2(x2 - x1, -(y2 - y1)) % math.pi  # the normal's angle
        rho = x1 * math.cos(theta) + y1 * math.sin(theta)
        if any(_same(theta, rho, t, r) for t, r in kept):
            continue
        contrast = _contrast((theta, rho), (x1, y1, x2, y2), log)
        if abs(contrast) < EDGE_CONTRAST:
            continue
        theta, rho = _refined((theta, rho), pixels)
        kept.append((theta, rho))
        normal = np.array([math.cos(theta), math.sin(theta)])
        paper_towards = normal if contrast > 0 else -normal
        if abs(paper_towards[0]) >= abs(paper_towards[1]):
            sides["left" if paper_towards[0] > 0 else "right"].append((theta, rho))
        else:
            sides["top" if paper_towards[1] > 0 else "bottom"].append((theta, rho))
        if len(kept) >= MAX_EDGES:
            break
    return edges, sides


def _contrast(line: Line, segment: tuple[float, ...], log: NDArray[np.float32]) -> float:
    """The median log-brightness step across the segment, along the line's normal."""
    theta, rho = line
    normal = np.array([math.cos(theta), math.sin(theta)])
    x1, y1, x2, y2 = segment
    t = np.linspace(0.0, 1.0, 32)[:, None]
    on = np.array([x1, y1]) + t * np.array([x2 - x1, y2 - y1])
    on -= ((on @ normal) - rho)[:, None] * normal
    step = _sample(log, on + 4 * normal) - _sample(log, on - 4 * normal)
    return float(np.sort(step)[len(step) // 2])  # the median, without numpy's overhead


def _refined(line: Line, pixels: NDArray[np.float32]) -> Line:
    """The line fitted to the edge pixels within 2.5 px of it (a Hough line is quantised and is
    the line of its longest piece only)."""
    theta, rho = line
    distance = np.abs(pixels[:, 0] * math.cos(theta) + pixels[:, 1] * math.sin(theta) - rho)
    near = pixels[distance < 2.5]
    if len(near) < 10:
        return line
    vx, vy, x0, y0 = (float(v) for v in cv2.fitLine(near, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel())
    fitted = math.atan2(vx, -vy) % math.pi
    return fitted, x0 * math.cos(fitted) + y0 * math.sin(fitted)


def _sample(log: NDArray[np.float32], points: NDArray[np.float64]) -> NDArray[np.float32]:
    height, width = log.shape
    x = np.clip(np.round(points[:, 0]).astype(int), 0, width - 1)
    y = np.clip(np.round(points[:, 1]).astype(int), 0, height - 1)
    return np.asarray(log[y, x], np.float32)


def _segments(
    log: NDArray[np.float32],
) -> tuple[NDArray[np.uint8], list[tuple[float, float, float, float]]]:
    """The log image's edge map, and its straight pieces (x1, y1, x2, y2), long ones first."""
    low, high = float(log.min()), float(log.max())
    scaled = ((log - low) * (255.0 / max(high - low, 1e-6))).astype(np.uint8)
    # A step of EDGE_CONTRAST in log brightness is this many grey levels of the scaled copy.
    step = EDGE_CONTRAST * 255.0 / max(high - low, 1e-6)
    edges = np.asarray(cv2.Canny(scaled, 0.5 * step, step, L2gradient=True), np.uint8)
    side = min(log.shape)
    found = cv2.HoughLinesP(
        edges, 1, math.pi / 180, threshold=40, minLineLength=0.08 * side, maxLineGap=0.02 * side
    )
    if found is None:
        return edges, []
    segments = [(float(a), float(b), float(c), float(d)) for a, b, c, d in found.reshape(-1, 4)]
    segments.sort(key=lambda s: -math.hypot(s[2] - s[0], s[3] - s[1]))
    return edges, segments


def _same(theta: float, rho: float, other_theta: float, other_rho: float) -> bool:
    turn = abs(theta - other_theta)
    if turn > math.pi / 2:  # the same direction, one normal flipped
        turn, other_rho = math.pi - turn, -other_rho
    return turn < math.radians(2.5) and abs(rho - other_rho) < 6


def _meet(a: Line, b: Line) -> tuple[float, float] | None:
    (t1, r1), (t2, r2) = a, b
    det = math.cos(t1) * math.sin(t2) - math.sin(t1) * math.cos(t2)
    if abs(det) < math.sin(math.radians(40)):  # sides of a sheet meet at 90 ± 50 degrees
        return None
    x = (r1 * math.sin(t2) - r2 * math.sin(t1)) / det
    y = (r2 * math.cos(t1) - r1 * math.cos(t2)) / det
    return (x, y)


def _inside_frame(quad: NDArray[np.float32], width: int, height: int) -> bool:
    return bool(
        (quad[:, 0] >= -2).all()
        and (quad[:, 0] <= width + 1).all()
        and (quad[:, 1] >= -2).all()
        and (quad[:, 1] <= height + 1).all()
    )


def _support(quad: NDArray[np.float32], log: NDArray[np.float32]) -> float:
    """The least, over the four sides, share of the side along which the paper inside is
    brighter than what is outside by an edge's step (0 for a side mostly out of the frame)."""
    height, width = log.shape
    centre = quad.mean(axis=0)
    least = 1.0
    for k in range(4):
        a, b = quad[k].astype(np.float64), quad[(k + 1) % 4].astype(np.float64)
        along = b - a
        length = float(np.hypot(*along))
        if length < 10:
            return 0.0
        normal = np.array([along[1], -along[0]]) / length
        if normal @ (centre - a) > 0:
            normal = -normal  # outward
        t = np.linspace(0.08, 0.92, 48)[:, None]
        on = a + t * along
        inside, outside = on - 3 * normal, on + 3 * normal
        seen = (outside[:, 0] >= 0) & (outside[:, 0] <= width - 1)
        seen &= (outside[:, 1] >= 0) & (outside[:, 1] <= height - 1)
        if seen.mean() < 0.5:
            return 0.0
        step = _sample(log, inside[seen]) - _sample(log, outside[seen])
        least = min(least, float((step >= EDGE_CONTRAST).mean()))
    return least

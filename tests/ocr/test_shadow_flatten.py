"""Flattening keeps a hard shadow's edge sharp: the paper beside it comes out white, not grey."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ocr import photometry


def test_paper_just_inside_a_hard_shadow_is_flattened_to_white(
    small_gray: NDArray[np.uint8],
) -> None:
    height = small_gray.shape[0]
    rows = np.arange(height)[:, None]
    for edge in (height // 2, height // 2 + 17):
        light = np.where(rows >= edge, 0.4, 1.0).astype(np.float32)  # a hard shadow below
        shaded = (small_gray.astype(np.float32) * light).astype(np.uint8)
        flat = photometry.flatten(shaded, text_height=12)
        paper = small_gray > 220
        below = (rows >= edge) & (rows < edge + 30)  # the line or so next to the edge
        above = (rows >= edge - 30) & (rows < edge)
        # A background smeared across the edge leaves a grey band (p10 ~165) on the shaded side.
        assert np.percentile(flat[below & paper], 10) > 220
        assert np.percentile(flat[above & paper], 10) > 220
        assert np.median(flat[below & (small_gray < 100)]) < 60  # and the text stays black

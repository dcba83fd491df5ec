"""The engine's orientation fallback: Tesseract OSD on a crop, asked only when OpenCV is unsure."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from ocr.engine import upside_down_by_osd
from ocr.geometry import Pose
from ocr.pipeline import confirm_with_osd


def _at_300(small_gray: NDArray[np.uint8]) -> NDArray[np.uint8]:
    return np.asarray(
        Image.fromarray(small_gray).resize((small_gray.shape[1] * 2, small_gray.shape[0] * 2))
    )


def test_osd_tells_an_upside_down_crop(small_gray: NDArray[np.uint8]) -> None:
    crop = Image.fromarray(_at_300(small_gray)[600:1600, 300:1300])
    assert upside_down_by_osd(crop, timeout=30) is False
    assert upside_down_by_osd(crop.rotate(180), timeout=30) is True


def test_osd_cannot_tell_a_blank_crop() -> None:
    assert upside_down_by_osd(Image.new("L", (600, 600), 255), timeout=30) is None


def test_an_unsure_pose_is_settled_by_osd(small_gray: NDArray[np.uint8]) -> None:
    flipped = np.ascontiguousarray(_at_300(small_gray)[::-1, ::-1])
    unsure = Pose(turn=0, skew=0.0, certainty=0.0)
    assert confirm_with_osd(flipped, unsure).turn == 180
    upright = np.ascontiguousarray(_at_300(small_gray))
    assert confirm_with_osd(upright, unsure).turn == 0

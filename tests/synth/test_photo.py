"""The photo geometry: where the page lands in the frame, and the homography that puts it there."""

from __future__ import annotations

import cv2
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from synth.photo import FRAME, homography, page_quad


@given(
    seed=st.integers(0, 2**32 - 1),
    width=st.floats(1300, 2540),  # from photo_afar's smallest page to phone_photo's largest
    tilt=st.floats(0, 6),
)
def test_the_homography_maps_the_page_corners_onto_the_quad_inside_the_frame(
    seed: int, width: float, tilt: float
) -> None:
    size = (1654, 2339)  # A4 at 200 dpi
    quad = page_quad(size, width, tilt, np.random.default_rng(seed))
    corners = np.array([[(0, 0), (size[0], 0), (size[0], size[1]), (0, size[1])]], np.float64)
    mapped = cv2.perspectiveTransform(corners, homography(size, quad))[0]
    assert np.allclose(mapped, np.array(quad), atol=0.05)
    xs, ys = mapped[:, 0], mapped[:, 1]
    assert xs.min() > 0 and ys.min() > 0 and xs.max() < FRAME[0] and ys.max() < FRAME[1]
    # Seen from above and a little in front: the page's top edge is the shorter one.
    top, bottom = np.linalg.norm(mapped[1] - mapped[0]), np.linalg.norm(mapped[2] - mapped[3])
    assert top < bottom

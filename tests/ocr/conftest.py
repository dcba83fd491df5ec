"""Small generated pages for the stage tests: 150 dpi keeps each one a few milliseconds."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from synth.corpus import pick
from synth.render import RenderedPage, render_page


@pytest.fixture(scope="session")
def small_page() -> RenderedPage:
    return render_page(pick(6, seed=3), title="THÔNG BÁO", dpi=150)


@pytest.fixture(scope="session")
def small_gray(small_page: RenderedPage) -> NDArray[np.uint8]:
    return np.asarray(cv2.cvtColor(np.asarray(small_page.image), cv2.COLOR_RGB2GRAY))

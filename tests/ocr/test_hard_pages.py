"""Pages of the hard conditions (issue 17, `synth.hard`) go through the preparation whole."""

from __future__ import annotations

import numpy as np

from ocr.geometry import find_page_quad
from ocr.prepare import prepare_page
from synth.corpus import pick
from synth.hard import photocopy_edges
from synth.render import render_page


def test_a_grey_copy_with_black_bands_is_cropped_to_its_sheet() -> None:
    page = render_page(pick(30, seed=3), title="QUYẾT ĐỊNH", dpi=100)
    for seed in range(6):
        sample = photocopy_edges(page, np.random.default_rng(seed))
        image = sample.image()
        if find_page_quad(np.asarray(image)) is None:
            continue
        prepared = prepare_page(image)
        assert prepared.pose.flattened
        assert prepared.image.mode == "L"
        return
    raise AssertionError("no copy's sheet was found: the test would test nothing")

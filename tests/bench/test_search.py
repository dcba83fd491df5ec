"""The search benchmark's reading of pages the kernel read back from disk (printed with the
figures to explain outliers)."""

from __future__ import annotations

import sys

import pytest

from bench.search import disk_rereads


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/vmstat")
def test_pages_read_back_from_disk_are_counted_in_bytes_and_only_grow() -> None:
    first = disk_rereads()
    second = disk_rereads()
    assert first is not None and second is not None
    assert 0 <= first <= second
    assert first % 4096 == 0  # whole pages

"""Card backs for `bench.papers`: how many machine-readable zones validate, and whether any
validates wrong, on generated backs under the counter's conditions.

Each back (`synth.cardback.card_back`, its zone written with correct check digits) is scanned on
a flatbed (`id_card_flatbed`), photographed (`id_card_photo`) or rendered at 150 dpi, then
recognised by the whole pipeline and read by `ocr.papers.read_paper`. Not cached: the zone is
read again from the page's PDF image, which a cached result does not keep.
"""

from __future__ import annotations

import io
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from models.recognition import DocumentResult
from ocr.options import OcrOptions
from ocr.papers import read_paper
from ocr.papers.mrz import Zone
from ocr.papers.zone import document_zone
from ocr.pipeline import recognise_document
from synth.cardback import card_back
from synth.hard import HARD_CONDITIONS

CONDITIONS = ("id_card_flatbed", "id_card_photo", "card_150dpi")
TARGET = 0.95


@dataclass(frozen=True)
class Back:
    condition: str
    outcome: str
    """validated (every value as written), wrong (validated, a value not as written),
    unreadable (found, a check failed) or not found."""
    fields: int
    evidenced: int


def _scan(seed: int, condition: str) -> bytes:
    if condition == "card_150dpi":
        buffer = io.BytesIO()
        card_back(seed, dpi=150)[0].image.save(buffer, "PNG", dpi=(150, 150))
        return buffer.getvalue()
    page, _ = card_back(seed)
    return HARD_CONDITIONS[condition](page, np.random.default_rng(seed)).data


def _outcome(result: DocumentResult, truth: list[str]) -> str:
    zone = document_zone(result.pages)
    if zone is None:
        return "not found"
    if not isinstance(zone, Zone):
        return "unreadable"
    found = zone.values
    birth = f"{found.born:%y%m%d}"
    until = f"{found.expiry:%y%m%d}" if found.expiry else "<<<<<<"
    right = found.personal_id == truth[0][15:27] and truth[1][:6] == birth
    return "validated" if right and truth[1][8:14] == until else "wrong"


def run(cards: int, seed: int) -> list[Back]:
    backs = []
    for index in range(cards):
        card_seed = seed * 1000 + index
        truth = card_back(card_seed)[1]
        for condition in CONDITIONS:
            result = recognise_document(_scan(card_seed, condition), OcrOptions())
            reading = read_paper(result)
            evidenced = sum(bool(f.box and f.evidence.strip()) for f in reading.fields)
            back = Back(condition, _outcome(result, truth), len(reading.fields), evidenced)
            backs.append(back)
            print(f"back {index:>3} {condition:<16} {back.outcome}", file=sys.stderr, flush=True)
    return backs


def markdown(backs: Sequence[Back]) -> list[str]:
    lines = [
        "",
        "Card backs (`synth/cardback.py`, machine-readable zone with correct check digits), "
        "recognised by the whole pipeline; the zone read again alone (`ocr.papers.zone`). "
        "*Wrong* is a zone that validated with a value not as written: it must stay 0.",
        "",
        "| condition | backs | validated | wrong | unreadable | not found |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for condition in (*CONDITIONS, None):
        group = [b for b in backs if condition is None or b.condition == condition]
        count = Counter(b.outcome for b in group)
        name = f"`{condition}`" if condition else "**all**"
        cells = " | ".join(
            f"{count[o]} ({100 * count[o] / max(len(group), 1):.0f} %)"
            for o in ("validated", "wrong", "unreadable", "not found")
        )
        lines.append(f"| {name} | {len(group)} | {cells} |")
    rate = sum(b.outcome == "validated" for b in backs) / max(len(backs), 1)
    lines += [
        "",
        f"MRZ validated on {100 * rate:.1f} % of generated backs (target ≥ {100 * TARGET:.0f} %: "
        f"{'met' if rate >= TARGET else '**missed**'}).",
    ]
    return lines


__all__ = ["Back", "markdown", "run"]

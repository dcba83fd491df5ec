"""QR decoders on generated chip ID cards: how many codes zxing-cpp and OpenCV read exactly.

    python -m bench.qr [--cards N] [--seed S] [--fields N]

Each card (`synth.idcard.card_front`, its QR code holding the holder's CCCD payload) is put
through a counter condition (`synth.hard`: scanned on a flatbed at 300 dpi, photographed with a
phone) or rendered at 150 dpi; the page is prepared as recognition prepares it (upright, flat),
the code found by `ocr.regions`, and each decoder given the same crop (`ocr.qr.crop`), as it is
and enlarged twice. A code counts when its text is the clean card's payload, byte for byte.
With `--fields N`, N cards a counter condition are also recognised by the whole pipeline and
read as papers (`ocr.papers.read_paper`): how many give ID, name, date of birth and issue date
exactly as the card holds them.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from models.extraction import FieldName
from models.recognition import RegionKind
from ocr.geometry import u8
from ocr.options import OcrOptions
from ocr.papers import read_paper
from ocr.papers.qr import CardCode, parse
from ocr.pipeline import recognise_document
from ocr.prepare import prepare_page, source_dpi
from ocr.qr import crop, read_opencv, read_zxing
from ocr.regions import find_regions
from synth.hardset import generate
from synth.idcard import card_front

Decoder = Callable[[NDArray[np.uint8]], str | None]
DECODERS: dict[str, Decoder] = {"zxing-cpp": read_zxing, "opencv": read_opencv}
CONDITIONS = ("id_card_flatbed", "id_card_photo", "card_150dpi")


def samples(condition: str, cards: int, seed: int) -> Iterator[tuple[Image.Image, str]]:
    """Each card's page under `condition` and the payload its code holds."""
    for index in range(cards):
        card_seed = seed * 1000 + index
        clean = read_zxing(np.asarray(card_front(card_seed).image.convert("L")))
        assert clean is not None, "a clean 600 dpi card always reads"
        if condition == "card_150dpi":
            yield card_front(card_seed, dpi=150).image, clean
        else:
            yield generate(condition, index, seed).image(), clean


def with_enlarged(read: Decoder) -> Decoder:
    def both(grey: NDArray[np.uint8]) -> str | None:
        text = read(grey)
        if text is None:
            text = read(u8(cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)))
        return text

    return both


def exact_fields(condition: str, cards: int, seed: int) -> int:
    """Cards whose reading gives the four key fields exactly as their code holds them."""
    exact = 0
    for index in range(cards):
        sample = generate(condition, index, seed)
        truth = parse(
            read_zxing(np.asarray(card_front(seed * 1000 + index).image.convert("L"))) or ""
        )
        assert isinstance(truth, CardCode)
        reading = read_paper(recognise_document(sample.data, OcrOptions()))
        expected = {
            FieldName.PERSONAL_ID: truth.personal_id,
            FieldName.FULL_NAME: truth.full_name,
            FieldName.DATE_OF_BIRTH: truth.born.isoformat(),
            FieldName.ISSUE_DATE: truth.issued.isoformat(),
        }
        got = {name: f.value if (f := reading.get(name)) else None for name in expected}
        exact += got == expected
    return exact


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fields", type=int, default=0)
    args = parser.parse_args(argv)
    print(f"{'condition':<18} {'found':>6} " + " ".join(f"{n:>20}" for n in DECODERS))
    for condition in CONDITIONS:
        found = 0
        read = dict.fromkeys(DECODERS, 0)
        seconds = dict.fromkeys(DECODERS, 0.0)
        for image, payload in samples(condition, args.cards, args.seed):
            prepared = prepare_page(image)
            colour = np.asarray(prepared.colour)
            regions = find_regions(colour, dpi=source_dpi(image, prepared.colour))
            codes = [r for r in regions if r.kind is RegionKind.QR_CODE]
            if not codes:
                continue
            found += 1
            grey = crop(colour, codes[0].box)
            for name, decoder in DECODERS.items():
                start = time.perf_counter()
                text = with_enlarged(decoder)(grey)
                seconds[name] += time.perf_counter() - start
                read[name] += text == payload
        cells = " ".join(
            f"{read[n]:>3}/{args.cards} {read[n] / args.cards:6.1%} "
            f"{1000 * seconds[n] / max(1, found):4.0f}ms"
            for n in DECODERS
        )
        print(f"{condition:<18} {found:>3}/{args.cards} {cells}", flush=True)
    for condition in CONDITIONS[:2] if args.fields else ():
        exact = exact_fields(condition, args.fields, args.seed)
        print(f"{condition:<18} ID, name, birth, issue date exact: {exact}/{args.fields}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

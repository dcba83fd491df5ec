"""QR decoders on generated chip ID cards: how many codes zxing-cpp and OpenCV read exactly.

    python -m bench.qr [--cards N] [--seed S] [--fields N] [--limit]   (--cards 0: no decoder table)

Each card (`synth.idcard.card_front`, its QR code holding the holder's CCCD payload) is put
through a counter condition (`synth.hard`: scanned on a flatbed at 300 dpi, photographed with a
phone, photographed with the lamp's glare on the code, photographed out of focus and shaken) or
rendered at 150 dpi (a PNG stating its 150 dpi); the page is prepared as recognition prepares it
(upright, flat), the code found by `ocr.regions`, and each decoder given the same crop
(`ocr.qr.crop`), as it is and enlarged twice; `ocr.qr.read` is what the pipeline does with it.
A code counts when its text is the clean card's payload, byte for byte.
With `--fields N`, N cards a condition are also recognised by the whole pipeline and read as
papers (`ocr.papers.read_paper`): how many codes the pipeline read, how many it read wrong
(never: a wrong payload would be a guess), and how many cards give ID, name, date of birth and
issue date exactly as the card holds them.
With `--limit`, cards scanned on a flatbed at falling resolutions (`synth.hard.card_on_flatbed`)
show where a code stops being read: pixels per module of the code against codes read.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable, Iterator

import cv2
import numpy as np
import segno
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
from ocr.qr import crop, decode, read, read_opencv, read_zxing
from ocr.regions import find_regions
from synth.hard import card_on_flatbed
from synth.hardset import generate
from synth.idcard import card_front

Decoder = Callable[[NDArray[np.uint8]], str | None]


def with_enlarged(read: Decoder) -> Decoder:
    def both(grey: NDArray[np.uint8]) -> str | None:
        text = read(grey)
        if text is None:
            text = read(u8(cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)))
        return text

    return both


DECODERS: dict[str, Decoder] = {
    "zxing-cpp": with_enlarged(read_zxing),
    "opencv": with_enlarged(read_opencv),
    "ocr.qr.read": read,
}
"""Each decoder as it is and enlarged twice; `ocr.qr.read`, what the pipeline does with a crop."""
CONDITIONS = ("id_card_flatbed", "id_card_photo", "card_150dpi", "id_card_glare", "id_card_blur")
LIMIT_DPI = (150, 120, 110, 100, 90, 80)
QR_MM = 13.0
"""The side of the card's code as `synth.idcard` draws it."""


def scan(condition: str, index: int, seed: int) -> bytes:
    """The file a clerk's device gives for card `index` under `condition`."""
    if condition != "card_150dpi":
        return generate(condition, index, seed).data
    buffer = io.BytesIO()
    card_front(seed * 1000 + index, dpi=150).image.save(buffer, "PNG", dpi=(150, 150))
    return buffer.getvalue()


def payload(card_seed: int) -> str:
    """What the card's code holds, read off the clean 600 dpi card."""
    text = read_zxing(np.asarray(card_front(card_seed).image.convert("L")))
    assert text is not None, "a clean 600 dpi card always reads"
    return text


def samples(condition: str, cards: int, seed: int) -> Iterator[tuple[Image.Image, str]]:
    """Each card's page under `condition` and the payload its code holds."""
    for index in range(cards):
        yield Image.open(io.BytesIO(scan(condition, index, seed))), payload(seed * 1000 + index)


def pipeline_fields(condition: str, cards: int, seed: int) -> tuple[int, int, int]:
    """Codes the whole pipeline read right and wrong, and cards whose reading gives the four key
    fields exactly as their code holds them."""
    right = wrong = exact = 0
    for index in range(cards):
        truth = parse(payload(seed * 1000 + index))
        assert isinstance(truth, CardCode)
        document = recognise_document(scan(condition, index, seed), OcrOptions())
        read = [
            r.payload
            for p in document.pages
            for r in p.regions
            if r.kind is RegionKind.QR_CODE and r.payload
        ]
        right += truth.payload in read
        wrong += any(text != truth.payload for text in read)
        reading = read_paper(document)
        expected = {
            FieldName.PERSONAL_ID: truth.personal_id,
            FieldName.FULL_NAME: truth.full_name,
            FieldName.DATE_OF_BIRTH: truth.born.isoformat(),
            FieldName.ISSUE_DATE: truth.issued.isoformat(),
        }
        got = {name: f.value if (f := reading.get(name)) else None for name in expected}
        exact += got == expected
    return right, wrong, exact


def limit(cards: int, seed: int) -> None:
    """Codes found and read by `ocr.regions` and `ocr.qr` on flatbed scans at falling dpi."""
    print(f"{'flatbed dpi':<12} {'px/module':>10} {'found':>7} {'read':>7}")
    for dpi in LIMIT_DPI:
        found = read = 0
        pitches = []
        for index in range(cards):
            card = card_front(seed * 1000 + index)
            truth = payload(seed * 1000 + index)
            modules = len(segno.make(truth, error="m", micro=False, encoding="utf-8").matrix)
            pitches.append(QR_MM * dpi / 25.4 / modules)
            rng = np.random.default_rng(seed * 10_000 + index * 100 + dpi)
            image = Image.open(io.BytesIO(card_on_flatbed(card, rng, dpi).data))
            prepared = prepare_page(image)
            colour = np.asarray(prepared.colour)
            regions = find_regions(colour, dpi=source_dpi(image, prepared.colour))
            codes = [r for r in regions if r.kind is RegionKind.QR_CODE]
            found += bool(codes)
            read += bool(codes) and decode(colour, codes[0].box) == truth
        pitch = f"{min(pitches):.2f}-{max(pitches):.2f}"
        print(f"{dpi:<12} {pitch:>10} {found:>3}/{cards} {read:>3}/{cards}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fields", type=int, default=0)
    parser.add_argument("--limit", action="store_true")
    args = parser.parse_args(argv)
    if args.cards:
        print(f"{'condition':<18} {'found':>6} " + " ".join(f"{n:>20}" for n in DECODERS))
    for condition in CONDITIONS if args.cards else ():
        found = 0
        read = dict.fromkeys(DECODERS, 0)
        seconds = dict.fromkeys(DECODERS, 0.0)
        for image, truth in samples(condition, args.cards, args.seed):
            prepared = prepare_page(image)
            colour = np.asarray(prepared.colour)
            regions = find_regions(colour, dpi=source_dpi(image, prepared.colour))
            codes = [r for r in regions if r.kind is RegionKind.QR_CODE]
            if not codes:
                continue
            found += 1
            grey = crop(colour, codes[0].box)
            for name, decoder in DECODERS.items():
                start = time.process_time()
                text = decoder(grey)
                seconds[name] += time.process_time() - start
                read[name] += text == truth
        cells = " ".join(
            f"{read[n]:>3}/{args.cards} {read[n] / args.cards:6.1%} "
            f"{1000 * seconds[n] / max(1, found):4.0f}ms"
            for n in DECODERS
        )
        print(f"{condition:<18} {found:>3}/{args.cards} {cells}", flush=True)
    for condition in CONDITIONS if args.fields else ():
        right, wrong, exact = pipeline_fields(condition, args.fields, args.seed)
        print(
            f"{condition:<18} pipeline: code read {right}/{args.fields}, read wrong {wrong}, "
            f"ID, name, birth, issue date exact {exact}/{args.fields}",
            flush=True,
        )
    if args.limit:
        limit(args.cards, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

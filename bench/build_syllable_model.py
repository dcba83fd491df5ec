"""Build the shipped syllable model (ocr/vietnamese/data/syllables.tsv.gz) from the legal corpus.

    python -m bench.build_syllable_model /work/shared/data/vn-legal-corpus/legal.txt

Source: the vn-legal-corpus (docs/data-sources.md): Bộ pháp điển from diepxuan/diepxuan.github.io
commit fbaa690e1c9ff35deabbf5e9a8b8830ce3d54048 and Decree 30/2020/NĐ-CP from
ericphan28/van-ban-plus commit 527bcb7c5c67e64b4dc6fc46a01b62e6233002f1; legal normative and
administrative texts, not protected by copyright (Law on IP 50/2005/QH11, Art. 15(2)).
The 400 paragraphs of synth/corpus_sample.txt (the benchmark and test pages) are EXCLUDED line
for line, so the model never saw the text it is measured on.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocr.vietnamese.model import MODEL_FILE, count  # noqa: E402
from synth.corpus import paragraphs  # noqa: E402

OUT = ROOT / "ocr" / "vietnamese" / "data" / MODEL_FILE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--min-bigram", type=int, default=1)
    args = parser.parse_args()
    raw = args.corpus.read_bytes()
    held_out = set(paragraphs())
    lines = raw.decode("utf-8").splitlines()
    training = [line for line in lines if line.strip() and line not in held_out]
    model = count(training, min_bigram=args.min_bigram)
    comment = [
        f"source: {args.corpus.name} sha256 {hashlib.sha256(raw).hexdigest()}",
        f"lines: {len(lines)} read, {len(lines) - len(training)} dropped "
        "(blank or in synth/corpus_sample.txt)",
        f"syllables: {model.total} tokens, {len(model.unigrams)} types; "
        f"bigrams seen >= {args.min_bigram} times: {len(model.bigrams)}",
        "licence: Law on IP 50/2005/QH11 Art. 15(2), legal texts are not protected by copyright",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    model.dump(OUT, comment=comment)
    for line in comment:
        print(line)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

"""The syllable model: counts from text, the shipped file, and what the bigrams prefer."""

from pathlib import Path

from ocr.vietnamese.model import count, default_model, read_model, syllable_stream


def test_punctuation_numbers_and_misspellings_break_the_stream() -> None:
    stream = list(syllable_stream("Điều 5. Hoà giải tổchức cơ sở"))
    assert stream == ["điều", None, None, "hòa", "giải", None, "cơ", "sở"]


def test_counts_round_trip_through_the_file(tmp_path: Path) -> None:
    model = count(["quyết định này", "quyết định kia", "một quyết định"], min_bigram=2)
    assert model.unigrams["quyết"] == 3 and model.unigrams["này"] == 1
    assert model.bigrams == {("quyết", "định"): 3}
    model.dump(tmp_path / "m.tsv.gz", comment=["test"])
    again = read_model(tmp_path / "m.tsv.gz")
    assert again.unigrams == model.unigrams and again.bigrams == model.bigrams


def test_the_shipped_model_is_small_and_knows_the_language() -> None:
    path = Path(__file__).resolve().parents[3] / "ocr" / "vietnamese" / "data" / "syllables.tsv.gz"
    assert path.stat().st_size < 3_000_000
    model = default_model()
    assert len(model.unigrams) > 2000 and len(model.bigrams) > 20_000
    assert "định" in model.spellings("dinh") and "đình" in model.spellings("dinh")
    # context decides between the spellings of one skeleton
    assert model.logp("định", "quyết") > model.logp("đinh", "quyết") + 5
    assert model.logp("đình", "gia") > model.logp("định", "gia")

"""Reading order and roles (ocr.layout): on boxes built by hand, and on generated Decree 30/2020
papers read by Tesseract, whose truth says which line has which role."""

from __future__ import annotations

import random
from collections import Counter
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from models.recognition import BlockRole, Box, PageResult, Region, RegionKind, Word
from ocr.layout import arrange, plain
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document
from ocr.readable import readable
from synth.admin import AdminPage, admin_pages
from synth.corpus import pick
from synth.degrade import colour_scan
from synth.metrics import cer

H = 30  # word height in the hand-made pages


def word(text: str, left: int, top: int, line: int, *, width: int = 90, conf: float = 95) -> Word:
    box = Box(left=left, top=top, width=width, height=H)
    return Word(text=text, confidence=conf, box=box, block=1, line=line)


def row(line: int, top: int, *spans: tuple[int, list[str]]) -> list[Word]:
    """One Tesseract line: runs of words starting at the given x, 100 px apart."""
    return [
        word(text, start + 100 * k, top, line)
        for start, texts in spans
        for k, text in enumerate(texts)
    ]


def texts(words: list[Word]) -> list[str]:
    return [w.text for w in words]


def test_a_header_read_across_both_columns_is_read_left_block_then_right_block() -> None:
    # Tesseract's lines run across the gutter: "ỦY BAN | CỘNG HÒA", "HUYỆN X | Độc lập".
    words = [
        *row(0, 100, (100, ["A1", "A2"]), (900, ["M1", "M2", "M3"])),
        *row(1, 150, (100, ["A3", "A4"]), (900, ["M4", "M5", "M6"])),
        *row(2, 230, (100, ["N1"]), (900, ["D1", "D2"])),
        *row(3, 330, (100, ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10"])),
    ]
    order = texts(arrange(words, [], 1300).words)
    assert order == [
        "A1",
        "A2",
        "A3",
        "A4",
        "N1",
        "M1",
        "M2",
        "M3",
        "M4",
        "M5",
        "M6",
        "D1",
        "D2",
    ] + [f"B{k}" for k in range(1, 11)]


def test_recipients_come_before_the_signature_block() -> None:
    body = row(0, 100, (100, [f"B{k}" for k in range(1, 11)]))
    footer = [
        *row(1, 200, (100, ["R1"]), (800, ["S1", "S2"])),
        *row(2, 250, (100, ["R2", "R3"]), (800, ["S3"])),
        *row(3, 300, (100, ["R4"])),
        *row(4, 500, (800, ["S4", "S5"])),  # the signer's name, below the signature's space
    ]
    order = texts(arrange(body + footer, [], 1300).words)
    assert order[10:] == ["R1", "R2", "R3", "R4", "S1", "S2", "S3", "S4", "S5"]


def test_words_of_a_seal_are_dropped_when_junk_and_kept_when_they_are_text() -> None:
    seal = Region(kind=RegionKind.SEAL, box=Box(left=0, top=0, width=400, height=400))
    words = [
        word("PHÓ", 100, 100, 0, conf=92),
        word("~*", 250, 100, 0, conf=80),
        word("UBND", 100, 200, 1, conf=30),
        word("Bình", 600, 200, 1, conf=20),  # outside the seal: low confidence is not enough
    ]
    assert texts(arrange(words, [seal], 1000).words) == ["PHÓ", "Bình"]


@st.composite
def two_columns(draw: st.DrawFn) -> tuple[list[Word], list[str]]:
    """Two columns of 1–5 lines each side by side (their first lines within a line's height of
    each other), rows not aligned, any gutter of a word's height or more."""
    left_lines, right_lines = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    gutter = draw(st.integers(H, 8 * H))
    width = draw(st.integers(2, 5))
    words: list[Word] = []
    expected: list[str] = []
    for side, count, x in (("L", left_lines, 50), ("R", right_lines, 50 + 100 * width + gutter)):
        top = draw(st.integers(0, H - 5))
        for line in range(count):
            names = [f"{side}{line}.{k}" for k in range(width)]
            words += [
                word(n, x + 100 * k, top + 50 * line, len(words) + k) for k, n in enumerate(names)
            ]
            expected += names
    return words, expected


@given(two_columns(), st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_columns_read_one_after_the_other_whatever_order_tesseract_gave(
    case: tuple[list[Word], list[str]], shuffle: random.Random
) -> None:
    words, expected = case
    by_line: dict[int, list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    lines = list(by_line.values())
    shuffle.shuffle(lines)
    result = arrange([w for line in lines for w in line], [], 2000)
    assert texts(result.words) == expected
    assert sorted(result.order) == list(range(len(words)))  # nothing lost, nothing twice


def test_a_centred_title_is_read_before_the_left_aligned_lines_under_it() -> None:
    # The outside set's receipts: "BIÊN LAI ỦNG HỘ" centred, then "Số: UH/2026/504" flush left
    # and short lines; the white beside the short lines looked like a gutter, and the title was
    # read after the number.
    words = [
        *row(0, 100, (700, ["T1", "T2", "T3"])),
        *row(1, 150, (100, ["N1", "N2"])),
        *row(2, 220, (100, ["L1", "L2", "L3"])),
        *row(3, 270, (100, ["M1", "M2"])),
    ]
    order = texts(arrange(words, [], 1300).words)
    assert order == ["T1", "T2", "T3", "N1", "N2", "L1", "L2", "L3", "M1", "M2"]


def test_a_speck_read_as_a_letter_does_not_cut_the_title_line() -> None:
    # An outside form: a rule's remnant beside the title read as "S" at 0 %, one pixel tall;
    # the title's line was cut there and "Kính gửi:" read before the title.
    words = [
        word("S", 100, 125, 0, width=20, conf=0).model_copy(
            update={"box": Box(left=100, top=125, width=20, height=1)}
        ),
        *row(0, 100, (600, ["ĐƠN", "XIN", "NGHỈ", "VIỆC"])),
        *row(1, 150, (100, ["Kính", "gửi:"])),
        *row(2, 200, (100, ["Ban", "Giám", "đốc"])),
    ]
    order = texts(arrange(words, [], 1300).words)
    assert order == ["ĐƠN", "XIN", "NGHỈ", "VIỆC", "Kính", "gửi:", "Ban", "Giám", "đốc"]


def test_specks_and_a_reading_between_two_lines_are_not_text() -> None:
    # A real annex cell: "Hường" at 43 % read from the marks of one line and the tails of the
    # line above, lying over both; "Hà" six pixels tall at 76 %, from a speck.
    words = [
        *row(0, 100, (100, ["liên", "quan", "theo"])),
        word("Hường", 150, 115, 1, width=200, conf=43).model_copy(
            update={"box": Box(left=150, top=115, width=200, height=45)}
        ),
        *row(2, 140, (100, ["quy", "định", "pháp"])),
        word("Hà", 600, 120, 3, width=40, conf=76).model_copy(
            update={"box": Box(left=600, top=120, width=40, height=6)}
        ),
    ]
    assert texts(arrange(words, [], 1300).words) == [
        "liên", "quan", "theo", "quy", "định", "pháp"
    ]  # fmt: skip


def test_a_word_boxed_over_its_neighbours_on_its_line_keeps_them() -> None:
    """A flatbed card: Tesseract boxed "tính" 111 px wide, across "/" and "Sex:" after it, and
    both were dropped as a reading lying over a more confident word ("Giới tính Nam")."""
    words = [
        word("Giới", 100, 100, 0, width=41, conf=96.7),
        word("tính", 150, 100, 0, width=111, conf=93.3),
        word("/", 200, 100, 0, width=13, conf=93.2),
        word("Sex:", 221, 100, 0, width=40, conf=92.5),
        word("Nam", 273, 100, 0, width=49, conf=96.9),
    ]
    assert texts(arrange(words, [], 1300).words) == ["Giới", "tính", "/", "Sex:", "Nam"]


def test_a_second_reading_of_a_words_print_on_its_line_goes_and_a_neighbour_stays() -> None:
    """Real scans: Tesseract read "loạt" twice ("hàng l loạt") and "án" twice ("Tòa á án");
    on another page it boxed "luật" over the dash after it, which the paper prints."""
    words = [
        word("hàng", 100, 100, 0, width=60, conf=96),
        word("l", 175, 100, 0, width=10, conf=62),
        word("loạt", 170, 100, 0, width=55, conf=96),
        word("Tòa", 100, 200, 1, width=50, conf=96),
        word("á", 160, 200, 1, width=15, conf=70),
        word("án", 160, 200, 1, width=30, conf=97),
        word("luật", 100, 300, 2, width=67, conf=93),
        word("-", 160, 300, 2, width=14, conf=91),
        word("Bộ", 178, 300, 2, width=37, conf=97),
    ]
    assert texts(arrange(words, [], 1300).words) == [
        "hàng", "loạt", "Tòa", "án", "luật", "-", "Bộ"
    ]  # fmt: skip


def test_a_doubted_reading_of_a_whole_word_stays_and_its_confident_part_goes() -> None:
    """A real table cell (qd_707_ttg-12): Tesseract read "Tiếp" twice, "Tiệp" at 84 % and its
    last letters "ếp" at 92 % inside it; the less confident, fuller reading was dropped and
    the cell began "ếp nhận"."""
    words = [
        word("Tiệp", 1010, 342, 0, width=54, conf=84).model_copy(
            update={"box": Box(left=1010, top=342, width=54, height=41)}
        ),
        word("ếp", 1035, 328, 0, width=27, conf=92).model_copy(
            update={"box": Box(left=1035, top=328, width=27, height=45)}
        ),
        word("nhận", 1076, 328, 0, width=53, conf=97),
        word("và", 1137, 341, 0, width=29, conf=97),
    ]
    assert texts(arrange(words, [], 2400).words) == ["Tiệp", "nhận", "và"]


def test_a_line_cut_in_two_among_overlapping_lines_is_read_left_to_right() -> None:
    """A card's line cut at a wide space: its right half holds a slash boxed 6 px above the
    line, which reaches into the line above; no row gap is left and the halves came out by
    their tops, right half first ("Quốc tịch / Nationality" before "Giới tính / Sex: Nam")."""
    words = [
        *row(0, 453, (100, ["Ngày", "sinh", "/", "Date", "of", "birth:", "04/04/1967"])),
        *row(1, 490, (100, ["Giới", "tính", "Nam"]), (650, ["Quốc", "tịch"])),
    ]
    slash = word("/", 860, 484, 1, width=13).model_copy(
        update={"box": Box(left=860, top=484, width=13, height=35)}
    )
    words.append(slash)
    words[0] = words[0].model_copy(
        update={"box": Box(left=100, top=453, width=90, height=34)}
    )  # the line above reaches down to 487
    order = texts(arrange(words, [], 1300).words)
    assert order == [
        "Ngày", "sinh", "/", "Date", "of", "birth:", "04/04/1967",
        "Giới", "tính", "Nam", "Quốc", "tịch", "/",
    ]  # fmt: skip


def test_plain_matches_role_lines_whatever_marks_tesseract_read() -> None:
    assert plain("Độc lập - Tự do - Hạnh phúc") == "DOC LAP - TU DO - HANH PHUC"
    assert plain("Nơi nhận:") == plain("Nỏi nhân:") == "NOI NHAN:"


# -- generated papers read by Tesseract ----------------------------------------------------------


@cache
def paper(seed: int) -> tuple[AdminPage, PageResult]:
    two, _ = admin_pages(pick(14, seed=seed), seed=seed)
    scan = colour_scan(two, np.random.default_rng(seed))
    return two, recognise_document(scan.data, OcrOptions()).pages[0]


SEEDS = [0, 1]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_role_comes_out_with_its_lines(seed: int) -> None:
    page, result = paper(seed)
    lines_of_role: dict[BlockRole, list[str]] = {}
    for line in result.lines:
        role = next(b.role for b in result.blocks if b.number == line.block)
        assert role is not None
        lines_of_role.setdefault(role, []).append(line.text)
    assert set(lines_of_role) == set(page.roles)
    for role, truth in page.roles.items():
        # A misread letter or two is recognition; a line in the wrong role costs far more.
        ref, hyp = "\n".join(truth), "\n".join(lines_of_role[role])
        assert Levenshtein.distance(ref, hyp) <= max(2, 0.03 * len(ref)), (role, hyp)


@pytest.mark.parametrize("seed", SEEDS)
def test_header_and_footer_read_in_order(seed: int) -> None:
    page, result = paper(seed)
    order = [b.role for b in result.blocks]
    assert order[:5] == [
        BlockRole.AGENCY,
        BlockRole.NUMBER_SYMBOL,
        BlockRole.MOTTO,
        BlockRole.PLACE_DATE,
        BlockRole.TITLE,
    ]
    assert order[-2:] == [BlockRole.RECIPIENTS, BlockRole.SIGNATURE]
    assert cer(page.text, result.text) < 0.01


@pytest.mark.parametrize("seed", SEEDS)
def test_the_seal_is_recorded_and_none_of_its_letters_is_read(seed: int) -> None:
    page, result = paper(seed)
    kinds = Counter(r.kind for r in result.regions)
    assert kinds == Counter({RegionKind.SEAL: 1, RegionKind.SIGNATURE: 1})
    seal = next(r.box for r in result.regions if r.kind is RegionKind.SEAL)
    scale = result.width / page.image.width
    left, top, width, _ = page.marks["seal"]
    assert abs(seal.left - left * scale) < 0.1 * width * scale
    assert abs(seal.top - top * scale) < 0.1 * width * scale
    # The seal names the agency, whose name is also printed in the header: its words may appear
    # as often as the paper prints them, never more; and nothing read inside it is not text.
    truth, read = Counter(page.text.split()), Counter(result.text.split())
    seal_text = f"ỦY BAN NHÂN DÂN {page.roles[BlockRole.AGENCY][-1]} ★"
    assert all(read[token] <= truth[token] for token in seal_text.split()), read - truth
    inside = [
        w.text
        for w in result.words
        if seal.left <= w.box.left <= seal.left + seal.width
        and seal.top <= w.box.top <= seal.top + seal.height
    ]
    assert all(token in truth for token in inside)


def test_without_the_layout_step_there_are_no_roles_and_no_regions() -> None:
    two, _ = admin_pages(pick(14, seed=0), seed=0)
    scan = colour_scan(two, np.random.default_rng(0))
    result = recognise_document(scan.data, OcrOptions(layout=False)).pages[0]
    assert result.regions == []
    assert all(b.role is None for b in result.blocks)
    assert cer(two.text, result.text) > cer(two.text, paper(0)[1].text)


def test_a_portraits_texture_read_as_words_it_hardly_believes_is_dropped() -> None:
    """An ID card's portrait read as "venÌ", "*===GE.—-", "`»..." at 12, 0 and 29 %: junk. A
    doubted word that spells a syllable, or a number, may be the paper's, faintly printed."""
    words = [
        word("-", 50, 100, 1, conf=60),  # a dash beside the junk goes with it
        word("venÌ", 100, 100, 1, conf=12),
        word("*===GE.—-", 200, 100, 1, conf=0),
        word("`»...", 300, 100, 1, conf=29),
        word("Họ", 400, 100, 1, conf=96),
        word("tên", 500, 100, 1, conf=25),  # a syllable, read faintly
        word("1961", 600, 100, 1, conf=20),
        word("6815zzzzu221,", 700, 100, 1, conf=8),  # "681322290351," misread: most digits
        word("Nationality", 800, 100, 1, conf=31),  # believed enough
        word("[TIII),", 900, 100, 1, conf=16),  # Hán characters in brackets
        word("[][;", 1000, 100, 1, conf=3),
        word("À", 1100, 100, 1, conf=7),  # a syllable, but a guess
    ]
    kept = [words[i].text for i in readable(words, [])]
    assert kept == ["Họ", "tên", "1961", "6815zzzzu221,", "Nationality", "[TIII),", "[][;"]


def test_a_card_portraits_pixels_beside_its_labels_are_dropped() -> None:
    """A flatbed card's portrait read (words and confidences as Tesseract gave them): "“(Œœna"
    at 7 % alone on a line, a 2 px ":" at 81 % far before "Họ và tên", "Sa" (28 %) and "“eS"
    (0 %) a line's height before "Quê quán", "`" and "*" before "Thôn 8". All were stored as
    the card's text; plain Tesseract's reading of the same card was cleaner."""

    def mark(text: str, left: int, top: int, line: int, size: int, conf: float) -> Word:
        box = Box(left=left, top=top, width=size, height=size)
        return Word(text=text, confidence=conf, box=box, block=1, line=line)

    words = [
        word("Số", 400, 0, 0),
        word("036061791001", 500, 0, 0),
        mark("“(Œœna", 160, 40, 1, 70, 7),
        mark(":", 270, 120, 2, 2, 81),
        word("Họ", 400, 100, 2),
        word("tên", 500, 100, 2),
        word("Sa", 180, 200, 3, width=33, conf=28.5),
        word("“eS", 230, 200, 3, width=38, conf=0),
        word("Quê", 400, 200, 3),
        word("quán", 500, 200, 3),
        mark("`", 120, 310, 4, 6, 94),
        mark("*", 350, 310, 4, 6, 55),
        word("Thôn", 400, 300, 4),
        word("8,", 500, 300, 4),
    ]
    kept = [words[i].text for i in readable(words, [])]
    assert kept == ["Số", "036061791001", "Họ", "tên", "Quê", "quán", "Thôn", "8,"]


def test_a_doubted_word_beside_print_and_marks_in_a_tables_cells_stay() -> None:
    """What the portrait rules must not take: a faint syllable close before the line's print
    after junk (no gap: it may be the paper's), a dash alone in a cell, a leader's
    dots, a bracketed note read with some belief."""
    words = [
        word("*=", 100, 0, 0, width=40, conf=3),
        word("tên", 150, 0, 0, width=40, conf=25),
        word("Quê", 200, 0, 0),
        word("-", 400, 100, 1, width=6, conf=90),
        word("......", 600, 100, 1, width=40, conf=90),
        word("(ghi", 100, 200, 2, conf=40),
        word("rõ)", 200, 200, 2, conf=28),
    ]
    kept = [words[i].text for i in readable(words, [])]
    assert kept == ["tên", "Quê", "-", "......", "(ghi", "rõ)"]  # junk at the line's start goes


def test_junk_inside_a_line_stays_where_a_gap_would_cut_the_line() -> None:
    """A photocopy's blotch read "S" between two words: dropped, its gap cut the line in two and
    the halves were read in the wrong order. Only junk at a line's ends goes."""
    words = [
        word("đánh", 100, 100, 1),
        word("S", 200, 100, 1, conf=5),
        word("So", 300, 100, 1),
        word("sánh", 400, 100, 1),
        word("*=", 500, 100, 1, conf=3),
        word("-", 100, 200, 2, conf=60),  # a list's dash, alone at its line's start, stays
        word("Như", 200, 200, 2),
    ]
    assert [words[i].text for i in readable(words, [])] == ["đánh", "S", "So", "sánh", "-", "Như"]


def test_a_body_line_with_one_word_box_set_off_its_glyph_is_not_cut() -> None:
    """Tesseract set "ở" 9 px after "hydrocarbon" and 35 px before "thể" where every other
    space is 20: 1.75 times the line's spacing, but not a column gap. Cut there, the line's
    end was read after the paragraph's last line."""
    spans = [("20.", 443, 78), ("Khí", 546, 89), ("đồng", 655, 133), ("hành", 809, 132),
             ("là", 961, 48), ("hydrocarbon", 1029, 345), ("ở", 1383, 25), ("thể", 1443, 88),
             ("khí", 1550, 83), ("được", 1653, 128), ("tách", 1801, 116), ("ra", 1938, 55),
             ("trong", 2013, 146), ("quá", 2180, 98)]  # fmt: skip
    words = [word(t, left, 100, 1, width=w) for t, left, w in spans]
    words += [word("trình", 443, 160, 2, width=120), word("thô.", 583, 160, 2, width=90)]
    assert arrange(words, [], 2400).words[len(spans) - 1].text == "quá"


def test_a_word_of_print_under_a_seal_between_print_is_kept() -> None:
    """ "chỉđịnh" read at 45 % where the seal crosses a body line, between "tế" and "để": print,
    not the seal's ink. Dropped, the line was cut at its gap and its end read last."""
    seal = Region(kind=RegionKind.SEAL, box=Box(left=250, top=50, width=300, height=300))
    words = [
        word("tế", 100, 100, 1),
        word("chỉđịnh", 300, 100, 1, conf=45),
        word("để", 500, 100, 1),
        word("#Ó", 300, 250, 2, conf=20),  # the seal's rim, a line of its own
    ]
    assert [words[i].text for i in readable(words, [seal])] == ["tế", "chỉđịnh", "để"]


def test_a_word_in_a_line_of_print_under_a_tall_box_of_the_line_above_stays() -> None:
    """A real table cell (qd_707_ttg-12): Tesseract boxed "Tiếp" (92 %) 41 px tall, down over 40 % of
    "cầu" (81 %) of the next line, whose neighbours it read at 97 %: "cầu" was dropped as a
    reading between two lines, and the cell read "các yêu / dẫn độ". A second reading of the
    same print on another line still goes ("tôi" under "tối")."""
    tall = word("Tiếp", 100, 100, 0, width=50, conf=92).model_copy(
        update={"box": Box(left=100, top=100, width=50, height=44)}
    )
    words = [
        tall,
        word("nhận", 160, 100, 0, width=60, conf=96),
        word("yêu", 20, 129, 1, width=40, conf=97),
        word("cầu", 99, 129, 1, width=42, conf=81),
        word("dẫn", 150, 129, 1, width=70, conf=97),
        word("tối", 230, 100, 0, width=40, conf=96),
        word("tôi", 230, 115, 1, width=40, conf=60),
        word("độ", 280, 129, 1, width=30, conf=97),
    ]
    assert texts(arrange(words, [], 1300).words) == [
        "Tiếp", "nhận", "tối", "yêu", "cầu", "dẫn", "độ"
    ]  # fmt: skip

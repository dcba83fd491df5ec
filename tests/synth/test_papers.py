"""Generated papers carry valid values, and their labels are what the page prints."""

from datetime import date

import pytest

from models.extraction import FieldName
from models.kinds import DocumentKind
from ocr.papers.ids import enterprise_code_valid, personal_id_fits
from synth.papers import paper

F = FieldName


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_kind_is_generated_with_valid_labelled_values(kind: DocumentKind) -> None:
    for seed in range(3):
        labelled = paper(kind, seed)
        assert labelled.kind is kind
        fields = labelled.fields
        text = labelled.page.text
        if F.PERSONAL_ID in fields:
            born = fields.get(F.DATE_OF_BIRTH)
            year = date.fromisoformat(born).year if born else None
            assert personal_id_fits(fields[F.PERSONAL_ID], birth_year=year)
        if F.ENTERPRISE_CODE in fields:
            assert enterprise_code_valid(fields[F.ENTERPRISE_CODE])
        for name in (F.DATE_OF_BIRTH, F.ISSUE_DATE):
            if name in fields:
                date.fromisoformat(fields[name])
        for name in (F.PERSONAL_ID, F.FULL_NAME, F.NUMBER_SYMBOL, F.LAND_PLOT, F.SIGNER):
            if name in fields:
                assert fields[name] in text, (name, fields[name])
        assert labelled.page.image.size == (2480, 3508)


def test_the_same_seed_gives_the_same_paper_and_another_seed_another() -> None:
    first, again = (paper(DocumentKind.ID_CARD, 5) for _ in range(2))
    assert first.fields == again.fields and first.page.text == again.page.text
    assert paper(DocumentKind.ID_CARD, 6).fields != first.fields


def test_an_elderly_holders_card_is_permanent() -> None:
    values = [paper(DocumentKind.ID_CARD_OLD, s).fields[F.VALID_UNTIL] for s in range(40)]
    assert "permanent" in values and any(v != "permanent" for v in values)


def test_a_two_column_header_is_read_column_by_column() -> None:
    lines = paper(DocumentKind.BIRTH_CERTIFICATE, 1).page.text.splitlines()
    # agency, its commune and the number (left column) before the motto (right column)
    assert lines[0] == "ỦY BAN NHÂN DÂN" and lines[2].startswith("Số: ")
    assert lines[3:5] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]

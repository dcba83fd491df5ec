"""The received stamp: its lines kept out of the paper's own reading, its time parsed."""

from __future__ import annotations

from models.extraction import FieldName as F
from models.kinds import DocumentKind
from ocr.papers import read_paper
from tests.ocr.papers.built import Row, result

HEADER = (
    Row("THỦ TƯỚNG CHÍNH PHỦ", left=0.08, top=0.05),
    Row("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", left=0.45, top=0.05),
    Row("Số: 729/QĐ-TTg", left=0.1, top=0.09),
    Row("Hà Nội, ngày 05 tháng 3 năm 2021", left=0.5, top=0.09),
)
STAMP = (
    Row("CÔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", left=0.06, top=0.13),
    Row("ĐẾN Số: 1234", left=0.06, top=0.15),
    Row("Giờ: 14h30", left=0.06, top=0.17),
    Row("Ngày: 08/3/2021", left=0.06, top=0.19),
)
BODY = (
    Row("QUYẾT ĐỊNH", left=0.4, top=0.24),
    Row("Về việc phê duyệt đề án", left=0.3, top=0.27),
    Row("Điều 1. Phê duyệt đề án số hóa", left=0.1, top=0.31),
    Row("Nơi nhận:", left=0.1, top=0.6),
)


def test_the_received_stamp_gives_the_received_time_and_stays_out_of_the_issuer() -> None:
    reading = read_paper(result(*HEADER, *STAMP, *BODY))
    assert reading.kind is DocumentKind.ADMINISTRATIVE_DOCUMENT
    arrived = reading.get(F.RECEIVED_AT)
    assert arrived is not None and arrived.value == "2021-03-08T14:30"
    assert arrived.box is not None and arrived.evidence
    issuer = reading.get(F.ISSUER)
    assert issuer is not None and "THÔNG TIN" not in issuer.value.upper()
    issued = reading.get(F.ISSUE_DATE)
    assert issued is not None and issued.value == "2021-03-05"


def test_a_paper_without_a_stamp_has_no_received_time() -> None:
    reading = read_paper(result(*HEADER, *BODY))
    assert reading.get(F.RECEIVED_AT) is None

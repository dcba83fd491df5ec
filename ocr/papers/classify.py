"""Which kind of paper a document is, from its title, where the title stands, and its labels.

Everything is matched on folded text (no marks, lower case) with fuzzy ratios, so a title read
as "GIAY CHUNG NHAN KET HON" or "GIẤY CHỬNG NHẢN KÉT HÔN" still decides. The title counts most;
the field labels a kind prints ("Thửa đất số", "Mã số doanh nghiệp") settle what a damaged or
missing title leaves open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from models.kinds import DocumentKind
from models.recognition import BlockRole
from ocr.papers.lines import Line


@dataclass(frozen=True)
class KindSigns:
    titles: tuple[str, ...]
    """Folded titles as printed; one ending in a space is a prefix ("don " for every ĐƠN …)."""
    labels: tuple[str, ...]
    """Folded phrases printed on every paper of the kind."""


SIGNS: dict[DocumentKind, KindSigns] = {
    DocumentKind.ID_CARD_OLD: KindSigns(
        ("can cuoc cong dan", "citizen identity card", "chung minh nhan dan"),
        ("ho va ten", "full name", "date of birth", "que quan", "noi thuong tru", "date of expiry"),
    ),
    DocumentKind.ID_CARD: KindSigns(
        ("can cuoc", "identity card"),
        (
            "so dinh danh ca nhan",
            "personal identification number",
            "ho, chu dem va ten khai sinh",
            "noi cu tru",
            "noi dang ky khai sinh",
            "date of expiry",
        ),
    ),
    DocumentKind.BIRTH_CERTIFICATE: KindSigns(
        ("giay khai sinh", "trich luc khai sinh", "ban sao giay khai sinh"),
        ("ho, chu dem, ten", "ngay, thang, nam sinh", "noi sinh", "dan toc", "ho, chu dem, ten me"),
    ),
    DocumentKind.MARRIAGE_CERTIFICATE: KindSigns(
        ("giay chung nhan ket hon",),
        (
            "thong tin ve chong",
            "thong tin ve vo",
            "ngay dang ky",
            "chu ky cua vo",
            "chu ky cua chong",
        ),
    ),
    DocumentKind.DEATH_EXTRACT: KindSigns(
        ("trich luc khai tu",),
        ("da chet vao luc", "noi chet", "nguyen nhan chet", "ngay, thang, nam sinh"),
    ),
    DocumentKind.LAND_USE_CERTIFICATE: KindSigns(
        (
            "giay chung nhan quyen su dung dat",
            "giay chung nhan quyen su dung dat, quyen so huu nha o va tai san khac gan lien voi dat",
            "giay chung nhan quyen su dung dat, quyen so huu tai san gan lien voi dat",
            "giay chung nhan quyen so huu nha o va quyen su dung dat o",
        ),
        ("thua dat so", "to ban do so", "dien tich", "muc dich su dung", "thoi han su dung"),
    ),
    DocumentKind.ENTERPRISE_REGISTRATION: KindSigns(
        ("giay chung nhan dang ky doanh nghiep",),
        (
            "ma so doanh nghiep",
            "ten cong ty",
            "dia chi tru so chinh",
            "von dieu le",
            "nguoi dai dien",
        ),
    ),
    DocumentKind.APPLICATION_FORM: KindSigns(
        ("don ", "to khai "),
        ("kinh gui", "nguoi yeu cau", "toi cam doan", "de nghi"),
    ),
    DocumentKind.ADMINISTRATIVE_DOCUMENT: KindSigns(
        (
            "quyet dinh",
            "thong bao",
            "bao cao",
            "to trinh",
            "cong van",
            "giay moi",
            "ke hoach",
            "chi thi",
            "bien ban",
        ),
        ("noi nhan:", "luu: vt", "nhu tren", "ve viec"),
    ),
}

TITLE_WEIGHT = 0.7
TITLE_MATCH = 0.85
LABEL_MATCH = 88
"""partial_ratio at or above which a label counts as printed."""
LABELS_ALONE = 0.6
"""What a kind's labels score without its title, when every one is printed."""
TITLE_FLOOR = 0.6
"""A title read this badly is some other title: "GIẤY ỦY QUYỀN" is 0.48 like "GIẤY MỜI"."""
DECIDE = 0.5
"""Below this combined score no kind is likely enough: OTHER."""
KIND_FLOOR = 0.4
"""Below this confidence (a runner-up close behind a middling best) the kind is not told
either: OTHER, "unknown", rather than the nearest kind."""


@dataclass(frozen=True)
class KindScore:
    kind: DocumentKind
    title: float
    labels: float

    @property
    def score(self) -> float:
        # a title lost to a seal or a fold leaves the labels: all of them still make a decision
        title = self.title if self.title >= TITLE_FLOOR else 0.0
        combined = TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * self.labels
        return max(combined, LABELS_ALONE * self.labels)


def title_candidates(lines: Sequence[Line]) -> list[tuple[str, float]]:
    """Lines that may be the title (folded text, weight by role, case and position).

    A title is printed in capitals in the upper part of the first page, under the header;
    a wrapped title is also tried joined with the capital line that follows it.
    """
    first_page = [ln for ln in lines if ln.page == lines[0].page] if lines else []
    candidates = []
    for index, line in enumerate(first_page):
        if line.role is BlockRole.TITLE:
            weight = 1.0
        elif line.role is None and line.upper_share >= 0.7 and line.top <= 0.7:
            weight = 1.0 if line.top <= 0.45 else 0.85
        else:
            continue
        text = line.folded.strip(" .:")
        candidates.append((text, weight))
        if index + 1 < len(first_page) and first_page[index + 1].upper_share >= 0.7:
            candidates.append((f"{text} {first_page[index + 1].folded.strip(' .:')}", weight))
    return candidates


def title_score(title: str, candidate: str) -> float:
    if title.endswith(" "):
        # a prefix title: ĐƠN ĐỀ NGHỊ …, TỜ KHAI ĐĂNG KÝ …
        if len(candidate) <= len(title):
            return 0.0
        return fuzz.ratio(candidate[: len(title)], title) / 100
    return fuzz.ratio(candidate, title) / 100


def is_title(folded: str) -> bool:
    """Whether a folded line reads as the title of some kind of paper."""
    return any(
        title_score(title, folded) >= TITLE_MATCH
        for signs in SIGNS.values()
        for title in signs.titles
    )


def score_kinds(lines: Sequence[Line]) -> list[KindScore]:
    """Every kind's evidence, best first."""
    candidates = title_candidates(lines)
    texts = [line.folded for line in lines]
    scores = []
    for kind, signs in SIGNS.items():
        title = max(
            (title_score(t, text) * weight for t in signs.titles for text, weight in candidates),
            default=0.0,
        )
        found = sum(
            any(fuzz.partial_ratio(label, text) >= LABEL_MATCH for text in texts)
            for label in signs.labels
        )
        scores.append(KindScore(kind, title, found / len(signs.labels)))
    scores.sort(key=lambda s: s.score, reverse=True)
    return scores


def classify(lines: Sequence[Line]) -> tuple[DocumentKind, float]:
    """The kind and how sure: the best score, discounted when the runner-up is close."""
    scores = score_kinds(lines)
    best, second = scores[0], scores[1]
    if best.score < DECIDE:
        return DocumentKind.OTHER, round(1 - best.score, 3)
    margin = best.score - second.score
    confidence = min(1.0, best.score) * (0.5 + 0.5 * min(1.0, margin / 0.3))
    if confidence < KIND_FLOOR:
        return DocumentKind.OTHER, round(1 - confidence, 3)
    return best.kind, round(confidence, 3)

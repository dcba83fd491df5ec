"""Kinds of paper a citizen hands in (design.md §5), with the Vietnamese label a clerk reads."""

from __future__ import annotations

from enum import StrEnum


class DocumentKind(StrEnum):
    ID_CARD_OLD = "id_card_old"
    ID_CARD = "id_card"
    BIRTH_CERTIFICATE = "birth_certificate"
    MARRIAGE_CERTIFICATE = "marriage_certificate"
    DEATH_EXTRACT = "death_extract"
    LAND_USE_CERTIFICATE = "land_use_certificate"
    ENTERPRISE_REGISTRATION = "enterprise_registration"
    APPLICATION_FORM = "application_form"
    ADMINISTRATIVE_DOCUMENT = "administrative_document"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    DocumentKind.ID_CARD_OLD: "Căn cước công dân",
    DocumentKind.ID_CARD: "Căn cước",
    DocumentKind.BIRTH_CERTIFICATE: "Giấy khai sinh / Trích lục khai sinh",
    DocumentKind.MARRIAGE_CERTIFICATE: "Giấy chứng nhận kết hôn",
    DocumentKind.DEATH_EXTRACT: "Trích lục khai tử",
    DocumentKind.LAND_USE_CERTIFICATE: "Giấy chứng nhận quyền sử dụng đất",
    DocumentKind.ENTERPRISE_REGISTRATION: "Giấy chứng nhận đăng ký doanh nghiệp",
    DocumentKind.APPLICATION_FORM: "Đơn / Tờ khai",
    DocumentKind.ADMINISTRATIVE_DOCUMENT: "Văn bản hành chính",
    DocumentKind.OTHER: "Giấy tờ khác",
}


def label_of(code: str | None) -> str | None:
    """The Vietnamese label of a kind code; an unknown code shown as it is, no code as None."""
    try:
        return DocumentKind(code).label if code else None
    except ValueError:
        return code

"""sohoa's one exception tree: every error knows its HTTP status, its CLI exit code and a message.

The tree (HTTP status / CLI exit code):

    SohoaError                      500 / 1   something we did not foresee
    ├── InvalidInput                422 / 2   the caller sent something we cannot accept
    │   ├── InvalidCode             422 / 2     a dossier, procedure or personal ID code of the wrong shape
    │   ├── EmptyFile               422 / 2     a zero-byte upload
    │   ├── UnsupportedFileType     415 / 2     not JPEG/PNG/TIFF/BMP/WebP/HEIC/PDF, whatever its name says
    │   ├── CorruptFile             422 / 2     the right type, but it does not decode (truncated, damaged)
    │   ├── PageTooLarge            413 / 2     more pixels per page than allowed (decompression bombs)
    │   ├── TooManyPages            413 / 2     more pages per document than allowed
    │   ├── TooManyPixels           413 / 2     more pixels in all of a file's pages than allowed
    │   ├── DecodeTimeout           422 / 2     an image file whose decoding outran its time budget
    │   ├── FileTooLarge            413 / 2     more bytes per file than allowed
    │   ├── TooManyFiles            413 / 2     more files per request than allowed
    │   ├── NoFiles                 422 / 2     an upload with no file in it
    │   ├── InvalidFilename         422 / 2     a file name with a path or control characters in it
    │   ├── AmbiguousFileType       415 / 2     bytes that are two formats at once (polyglot)
    │   ├── EncryptedPdf            422 / 2     a password-protected PDF
    │   ├── ActivePdf               422 / 2     a PDF carrying JavaScript or launch actions
    │   ├── ContentTooLarge         413 / 2     a PDF whose compressed content inflates past our budget
    │   ├── InvalidManifest         422 / 2     a backfile manifest with bad rows (all listed in detail)
    │   ├── InvalidPeriod           422 / 2     a report period that ends before it starts, or too long
    │   ├── InvalidQuery            422 / 2     a search with no word to look for, or too long
    │   └── InvalidBackup           422 / 2     a backup folder that is not one, incomplete or too new
    ├── Unauthenticated             401 / 7   no valid token or API key
    ├── Forbidden                   403 / 7   the role does not allow this
    ├── TooManyAttempts             429 / 7   too many logins for this name or address; wait
    ├── NotFound                    404 / 3   no such dossier or document (or not in your agency)
    ├── Conflict                    409 / 2   it exists already, or is not in a state that allows the request
    ├── NotReady                    409 / 2   the document is still being recognised
    │   └── Busy                    409 / 2     another worker is recognising this document now
    ├── PaperExpired                409 / 2   a paper past its validity is not reused
    ├── TargetNotEmpty              409 / 2   a restore into a service that holds data (without --force)
    ├── SigningUnavailable          409 / 2   no agency key is configured for certified copies
    │   └── CertificateUnusable     409 / 2     the agency's certificate is expired or not yet valid
    ├── RecognitionError            500 / 4   Tesseract failed or is missing
    │   ├── RecognitionTimeout      500 / 4     a page took longer than the per-page limit
    │   └── NotArchival             500 / 4     the PDF written fails the PDF/A-2b validator
    ├── BackupToolFailed            500 / 1   pg_dump / pg_restore missing, too old for the server, or failed
    ├── IntegrityError              500 / 5   an object's bytes no longer match the sha256 recorded at write
    ├── StoreUnavailable            503 / 6   the object store or the catalog cannot be reached; retry later
    │   └── StoreAccessDenied       503 / 6     the object store refuses our keys (misconfiguration)
    └── TimestampUnavailable        503 / 6   the timestamp server of certified copies did not answer

`message` is for a person at the counter, in Vietnamese; `code` is a stable English identifier for
programs; `detail` is free-form context (which file, which field). Adapters map their libraries'
errors (SQLAlchemy, minio, pytesseract) into this tree with `raise ... from exc`, so that `api/`
and `cli/` translate only our classes.
"""

from __future__ import annotations

from typing import Any, ClassVar


class SohoaError(Exception):
    """Base of every error sohoa raises on purpose."""

    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1
    code: ClassVar[str] = "internal_error"
    default_message: ClassVar[str] = "Lỗi hệ thống, vui lòng thử lại sau"

    def __init__(self, message: str | None = None, *, detail: Any = None) -> None:
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(self.message)

    def to_body(self) -> dict[str, Any]:
        """The one error body every 4xx/5xx of the API carries."""
        return {"error": {"code": self.code, "message": self.message, "detail": self.detail}}


class InvalidInput(SohoaError):
    http_status = 422
    exit_code = 2
    code = "invalid_input"
    default_message = "Dữ liệu không hợp lệ"


class InvalidCode(InvalidInput):
    code = "invalid_code"
    default_message = "Mã không đúng định dạng"


class EmptyFile(InvalidInput):
    code = "empty_file"
    default_message = "Tệp rỗng, vui lòng quét lại"


class UnsupportedFileType(InvalidInput):
    http_status = 415
    code = "unsupported_file_type"
    default_message = (
        "Định dạng tệp không được hỗ trợ (chỉ nhận JPEG, PNG, TIFF, BMP, WebP, HEIC, PDF)"
    )


class CorruptFile(InvalidInput):
    code = "corrupt_file"
    default_message = "Tệp bị hỏng hoặc không đầy đủ, vui lòng quét lại"


class PageTooLarge(InvalidInput):
    http_status = 413
    code = "page_too_large"
    default_message = "Ảnh quá lớn (quá nhiều điểm ảnh), vui lòng quét ở độ phân giải thấp hơn"


class TooManyPages(InvalidInput):
    http_status = 413
    code = "too_many_pages"
    default_message = "Tài liệu có quá nhiều trang"


class TooManyPixels(InvalidInput):
    """The pages of one file, all together, hold more pixels than one intake may decode: each
    page under the per-page cap, but too many of them (read from the headers, nothing decoded)."""

    http_status = 413
    code = "too_many_pixels"
    default_message = (
        "Tệp có tổng số điểm ảnh quá lớn, vui lòng chia nhỏ tệp hoặc quét ở độ phân giải thấp hơn"
    )


class DecodeTimeout(InvalidInput):
    """Decoding an image file took longer than intake allows (a file slow to decode for its
    size, or a busy server): refused like a PDF poppler cannot read in time (422)."""

    code = "decode_timeout"
    default_message = "Không giải mã được tệp ảnh trong thời gian cho phép, vui lòng quét lại"


class FileTooLarge(InvalidInput):
    http_status = 413
    code = "file_too_large"
    default_message = "Tệp quá lớn"


class TooManyFiles(InvalidInput):
    http_status = 413
    code = "too_many_files"
    default_message = "Quá nhiều tệp trong một lần gửi"


class NoFiles(InvalidInput):
    code = "no_files"
    default_message = "Chưa chọn tệp nào để tải lên"


class InvalidFilename(InvalidInput):
    code = "invalid_filename"
    default_message = "Tên tệp không hợp lệ"


class AmbiguousFileType(UnsupportedFileType):
    code = "ambiguous_file_type"
    default_message = "Tệp mang đồng thời nhiều định dạng, không được chấp nhận"


class EncryptedPdf(InvalidInput):
    code = "encrypted_pdf"
    default_message = "Tệp PDF có mật khẩu, vui lòng gửi bản không khóa"


class ActivePdf(InvalidInput):
    code = "active_pdf"
    default_message = "Tệp PDF chứa mã lệnh (JavaScript), không được chấp nhận"


class ContentTooLarge(InvalidInput):
    http_status = 413
    code = "content_too_large"
    default_message = "Nội dung tệp PDF quá lớn khi giải nén"


class InvalidManifest(InvalidInput):
    """Carries every bad row; raised only after the whole manifest has been read."""

    code = "invalid_manifest"
    default_message = "Bảng kê (manifest) có dòng không hợp lệ"


class InvalidPeriod(InvalidInput):
    code = "invalid_period"
    default_message = "Khoảng thời gian báo cáo không hợp lệ"


class InvalidQuery(InvalidInput):
    code = "invalid_query"
    default_message = "Từ khóa tìm kiếm không hợp lệ"


class InvalidBackup(InvalidInput):
    code = "invalid_backup"
    default_message = "Thư mục sao lưu không hợp lệ hoặc không đầy đủ"


class Unauthenticated(SohoaError):
    http_status = 401
    exit_code = 7
    code = "unauthenticated"
    default_message = "Vui lòng đăng nhập"


class Forbidden(SohoaError):
    http_status = 403
    exit_code = 7
    code = "forbidden"
    default_message = "Bạn không có quyền thực hiện thao tác này"


class TooManyAttempts(SohoaError):
    """Login throttled (services/throttle.py); `detail` says for how long."""

    http_status = 429
    exit_code = 7
    code = "too_many_attempts"
    default_message = "Đăng nhập quá nhiều lần, vui lòng thử lại sau ít phút"


class NotFound(SohoaError):
    http_status = 404
    exit_code = 3
    code = "not_found"
    default_message = "Không tìm thấy"


class Conflict(SohoaError):
    http_status = 409
    exit_code = 2
    code = "conflict"
    default_message = "Dữ liệu đã tồn tại"


class NotReady(Conflict):
    code = "not_ready"
    default_message = "Tài liệu đang được xử lý, vui lòng chờ"


class Busy(NotReady):
    code = "document_busy"
    default_message = "Tài liệu đang được một tiến trình khác nhận dạng"


class PaperExpired(Conflict):
    """Reuse refused: the law lets an agency ask again for a paper that is no longer valid."""

    code = "paper_expired"
    default_message = "Giấy tờ đã hết hiệu lực, không dùng lại được"


class TargetNotEmpty(Conflict):
    code = "target_not_empty"
    default_message = "Nơi khôi phục đã có dữ liệu; dùng --force để ghi đè"


class BackupToolFailed(SohoaError):
    code = "backup_tool_failed"
    default_message = "Công cụ sao lưu cơ sở dữ liệu bị thiếu hoặc lỗi"


class SigningUnavailable(Conflict):
    """A certified copy cannot be signed here: no key for the paper's agency (configuration)."""

    code = "signing_unavailable"
    default_message = "Chưa cấu hình chứng thư số của cơ quan để ký bản sao điện tử"


class CertificateUnusable(SigningUnavailable):
    """The agency's certificate cannot sign now: expired, not yet valid, or not for signing."""

    code = "certificate_unusable"
    default_message = "Chứng thư số của cơ quan đã hết hạn hoặc chưa có hiệu lực"


class RecognitionError(SohoaError):
    exit_code = 4
    code = "recognition_failed"
    default_message = "Không nhận dạng được văn bản"


class RecognitionTimeout(RecognitionError):
    code = "recognition_timeout"
    default_message = "Nhận dạng quá thời gian cho phép"


class NotArchival(RecognitionError):
    """The PDF we wrote is not approved by the PDF/A validator: never handed out as PDF/A."""

    code = "not_pdfa"
    default_message = "Tệp PDF không đạt chuẩn lưu trữ PDF/A"


class IntegrityError(SohoaError):
    exit_code = 5
    code = "integrity_error"
    default_message = "Dữ liệu lưu trữ bị sai lệch so với bản gốc"


class StoreUnavailable(SohoaError):
    http_status = 503
    exit_code = 6
    code = "store_unavailable"
    default_message = "Kho lưu trữ tạm thời không truy cập được, vui lòng thử lại"


class StoreAccessDenied(StoreUnavailable):
    code = "store_access_denied"
    default_message = "Kho lưu trữ từ chối truy cập, vui lòng báo quản trị viên"


class TimestampUnavailable(SohoaError):
    """PAdES B-T needs the timestamp server's token (SOHOA_CERTIFY_TSA_URL); none came."""

    http_status = 503
    exit_code = 6
    code = "timestamp_unavailable"
    default_message = "Máy chủ cấp dấu thời gian không trả lời, vui lòng thử lại"

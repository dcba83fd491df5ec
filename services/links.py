"""Signed download links: a paper can be fetched without a session, for minutes, by one person.

A link is `<payload>.<hmac>` where the payload names the document, the user it was issued to
and its expiry; the HMAC key is `SOHOA_SECRET_KEY` (the embedded default generates one into
`<data_dir>/secret.key`, mode 0600). Issuing a link is authorised and audited like a read, and
so is every use of it. (With an S3 store the same call can return the store's presigned URL.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from models.errors import Unauthenticated
from services.settings import Settings


def secret_key(settings: Settings) -> bytes:
    if settings.secret_key:
        return settings.secret_key.encode()
    path = Path(settings.data_dir) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text().strip().encode()


def sign(key: bytes, *, document_id: str, user_id: int, seconds: int) -> tuple[str, datetime]:
    expires = datetime.now(UTC) + timedelta(seconds=seconds)
    payload = _b64(json.dumps({"d": document_id, "u": user_id, "e": int(expires.timestamp())}))
    return f"{payload}.{_mac(key, payload)}", expires


def verify(key: bytes, token: str) -> tuple[str, int]:
    """(document id, user id) of a valid, unexpired link; Unauthenticated otherwise."""
    payload, _, mac = token.partition(".")
    # compare bytes: a hand-typed link may hold any character, and str comparison refuses those
    if not payload or not hmac.compare_digest(mac.encode(), _mac(key, payload).encode()):
        raise Unauthenticated("Liên kết tải xuống không hợp lệ")
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        document_id, user_id, expires = str(claims["d"]), int(claims["u"]), int(claims["e"])
    except (ValueError, KeyError, TypeError) as exc:
        raise Unauthenticated("Liên kết tải xuống không hợp lệ") from exc
    if expires <= datetime.now(UTC).timestamp():
        raise Unauthenticated("Liên kết tải xuống đã hết hạn")
    return document_id, user_id


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _mac(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()

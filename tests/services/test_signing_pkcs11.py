"""The agency's key on a PKCS#11 token (SoftHSM2 here, a USB token or HSM in production):
a copy signed on the token verifies, and a wrong PIN or label is our 409, not a 500."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pkcs11
import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from pkcs11 import Attribute, CertificateType, ObjectClass
from pydantic import SecretStr

from models.certification import CopyType
from models.errors import SigningUnavailable
from services import certify, signing, verification
from services.context import Context
from services.settings import Settings
from synth.pki import AGENCY_NAME, PASSWORD, Pki, a4_page_pdf, make_pki
from tests.conftest import AGENCY, OTHER_AGENCY

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN, LABEL, PIN = "sohoa-thu", "co-quan", "123456"


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    """A SoftHSM2 token holding the agency's key and certificate, as a CA would issue it."""
    assert shutil.which("softhsm2-util"), "./dev installs softhsm2 for the tests"
    folder = tmp_path_factory.mktemp("hsm")
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(config)
    pki = make_pki(folder / "pki")
    key, cert, _ = pkcs12.load_key_and_certificates(pki.p12.read_bytes(), PASSWORD.encode())
    assert key is not None and cert is not None
    pem = folder / "key.pem"
    pem.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    util = ["softhsm2-util", "--pin", PIN]
    subprocess.run(
        [*util, "--init-token", "--free", "--label", TOKEN, "--so-pin", "654321"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*util, "--import", str(pem), "--token", TOKEN, "--label", LABEL, "--id", "01"],
        check=True,
        capture_output=True,
    )
    pem.unlink()
    with pkcs11.lib(str(MODULE)).get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as s:
        s.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.VALUE: cert.public_bytes(Encoding.DER),
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.LABEL: LABEL,
                Attribute.ID: b"\x01",
                Attribute.TOKEN: True,
            }
        )
    yield pki
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


def test_a_copy_signed_on_the_token_verifies(token: Pki) -> None:
    with signing.pkcs11_key(MODULE, TOKEN, LABEL, PIN) as key:
        assert AGENCY_NAME in key.subject
        signed = signing.sign(
            a4_page_pdf(),
            key,
            copy_type=CopyType.SAO_LUC,
            agency_name=key.name(),
            font=Settings().certify_font,
        )
    assert signed.stamp[:2] == ["SAO LỤC", AGENCY_NAME]
    report = verification.verify(signed.data, verification.load_trust_roots(token.root_pem))
    assert report.verdict == "valid", report


@pytest.mark.parametrize(
    ("token_label", "label", "pin"),
    [(TOKEN, LABEL, "000000"), (TOKEN, "khong-co", PIN), ("khong-co", LABEL, PIN)],
)
def test_a_wrong_pin_label_or_token_is_signing_unavailable(
    token: Pki, token_label: str, label: str, pin: str
) -> None:
    with pytest.raises(SigningUnavailable), signing.pkcs11_key(MODULE, token_label, label, pin):
        pass


def test_the_service_signs_on_the_token_when_one_is_configured(token: Pki, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        workers=0,
        certify_pkcs11_module=MODULE,
        certify_pkcs11_token=TOKEN,
        certify_pkcs11_key=LABEL,
        certify_pkcs11_pin=SecretStr(PIN),
        certify_pkcs12=token.expired_p12,  # not used: the token wins
        certify_agency_code=AGENCY,
    )
    ctx = Context.open(settings)
    try:
        with certify.agency_key(ctx, AGENCY) as key:
            signing.check_usable(key, datetime.now(UTC))  # the token's, not the expired file's
            assert AGENCY_NAME in key.subject
        with pytest.raises(SigningUnavailable), certify.agency_key(ctx, OTHER_AGENCY):
            pass
    finally:
        ctx.close()

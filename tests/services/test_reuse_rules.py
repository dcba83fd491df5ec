"""When two documents are one paper scanned twice, validity states, and the receipt date that
the 766 report counts by (also filled in for dossiers created before migration 0004c_reuse)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from models.codes import received_on
from models.errors import InvalidCode
from services.reuse import same_paper, validity
from storage.catalog import migrate
from storage.catalog.database import make_engine
from storage.catalog.tables import DocumentRow

OWNER = "079193002341"


def _paper(**values: object) -> DocumentRow:
    fields: dict[str, object] = {"owner_id": OWNER, "kind_code": "id_card", "permanent": False}
    fields.update(values)
    return DocumentRow(**fields)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # an ID card is its owner's personal ID: same owner, same card
        ({}, {}, True),
        ({"number_symbol": OWNER}, {}, True),
        ({"number_symbol": "001300000001"}, {}, False),  # a card of someone else, filed here
        # a renewed card: same number, new issue date, a new paper
        ({"issue_date": date(2021, 3, 5)}, {"issue_date": date(2024, 7, 1)}, False),
        ({"issue_date": date(2021, 3, 5)}, {}, True),  # a date not read on one of them
        ({"kind_code": "id_card_old"}, {}, False),
        ({"owner_id": "001300000001"}, {"owner_id": "001300000001"}, True),
        ({}, {"owner_id": "001300000001"}, False),
        # other kinds need a number on both; case, spaces and Unicode form do not matter
        ({"kind_code": "birth_certificate", "number_symbol": "Số 12/2015"},
         {"kind_code": "birth_certificate", "number_symbol": "SỐ  12/2015"}, True),
        ({"kind_code": "birth_certificate", "number_symbol": "12/2015"},
         {"kind_code": "birth_certificate", "number_symbol": "13/2015"}, False),
        ({"kind_code": "birth_certificate"}, {"kind_code": "birth_certificate"}, False),
        ({"kind_code": None}, {"kind_code": None}, False),
    ],
)  # fmt: skip
def test_same_paper(a: dict[str, object], b: dict[str, object], same: bool) -> None:
    assert same_paper(_paper(**a), _paper(**b)) is same
    assert same_paper(_paper(**b), _paper(**a)) is same


def test_validity_states() -> None:
    today = date(2025, 1, 1)
    assert validity(_paper(permanent=True, valid_until=date(2000, 1, 1)), today) == "permanent"
    assert validity(_paper(valid_until=date(2025, 1, 1)), today) == "valid"  # its last day
    assert validity(_paper(valid_until=date(2024, 12, 31)), today) == "expired"
    assert validity(_paper(), today) == "unknown"


def test_the_receipt_date_is_read_from_the_dossier_code() -> None:
    assert received_on("000.00.01.H29-240115-0001") == date(2024, 1, 15)
    with pytest.raises(InvalidCode):
        received_on("000.00.01.H29-241315-0001")


def test_the_migration_fills_the_receipt_date_of_existing_dossiers(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate.upgrade(engine, "0003")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO dossiers (code, procedure_code, applicant_name, applicant_id,"
                " agency_code, status, created_at, updated_at) VALUES ('000.00.01.H29-191231-0009',"
                " '1.001193', 'An', :owner, '000.00.01.H29', 'received', :now, :now)"
            ),
            {"owner": OWNER, "now": date(2026, 1, 1)},
        )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        filled = connection.execute(text("SELECT received_on FROM dossiers")).scalar_one()
    engine.dispose()
    assert str(filled)[:10] == "2019-12-31"

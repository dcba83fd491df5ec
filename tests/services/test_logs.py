"""Log lines: JSON or text by one setting, each with the request id of its work, and the
libraries that print data at DEBUG held above it."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from models import trace
from services.logs import configure, resolve


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    sqlalchemy = logging.getLogger("sqlalchemy").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("sqlalchemy").setLevel(sqlalchemy)


def test_auto_is_text_on_a_terminal_and_json_elsewhere() -> None:
    assert resolve("auto", _Terminal()) == "text"
    assert resolve("auto", io.StringIO()) == "json"
    assert resolve("json", _Terminal()) == "json"
    assert resolve("text", io.StringIO()) == "text"


def test_a_json_line_carries_the_request_id_of_its_work() -> None:
    stream = io.StringIO()
    configure("json", "DEBUG", stream)
    with trace.bound("req-0123456789"):
        logging.getLogger("services.processing").debug("document %s: done", "abc")
    logging.getLogger("services.processing").info("outside any request")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["request_id"] == "req-0123456789" and first["level"] == "DEBUG"
    assert first["message"] == "document abc: done" and first["logger"] == "services.processing"
    assert second["request_id"] == "-"


def test_text_lines_for_a_terminal() -> None:
    stream = _Terminal()
    configure("auto", "INFO", stream)
    with trace.bound("req-0123456789"):
        logging.getLogger("sohoa.access").info("GET /healthz 200 1.0 ms")
    assert "INFO sohoa.access [req-0123456789] GET /healthz 200 1.0 ms" in stream.getvalue()


def test_sql_statements_and_their_parameters_stay_out_even_at_debug() -> None:
    stream = io.StringIO()
    configure("json", "DEBUG", stream)
    logging.getLogger("sqlalchemy.engine.Engine").info("[generated] ('079193002341',)")
    assert stream.getvalue() == ""
    assert logging.getLogger("sqlalchemy.engine").getEffectiveLevel() == logging.WARNING

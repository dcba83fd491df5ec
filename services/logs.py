"""How every sohoa process logs: one line per event, JSON for a collector or plain text for a
terminal (`SOHOA_LOG_FORMAT`), each line with the request id of the work it is about.

Nothing personal is written: our own lines name documents by id and errors by code, and the
libraries that would print data at DEBUG (SQLAlchemy's statement parameters, the multipart
parser's fields) are held at INFO or above here, whatever level is asked for.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal, TextIO

from pythonjsonlogger.json import JsonFormatter

from models import trace

LogFormat = Literal["auto", "json", "text"]

# Loggers that print the data they carry when at DEBUG: SQL parameters (names, ID numbers),
# form fields; and those that print a line per PNG chunk. Never below these levels.
_FLOORS = {
    "sqlalchemy": logging.WARNING,
    "multipart": logging.INFO,
    "python_multipart": logging.INFO,
    "PIL": logging.INFO,
    "asyncio": logging.INFO,
}
_TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class _RequestId(logging.Filter):
    """Stamps each record with the request id of the work that logged it ("-": none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = trace.current() or "-"
        return True


def formatter(form: Literal["json", "text"]) -> logging.Formatter:
    if form == "text":
        return logging.Formatter(_TEXT)
    return JsonFormatter(
        "{asctime}{levelname}{name}{message}{request_id}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        json_ensure_ascii=False,
    )


def resolve(form: LogFormat, stream: TextIO) -> Literal["json", "text"]:
    """`auto`: plain text on a terminal, JSON lines anywhere else (a container, a service)."""
    if form == "auto":
        return "text" if stream.isatty() else "json"
    return form


def configure(form: LogFormat = "auto", level: str = "INFO", stream: TextIO | None = None) -> None:
    """Send the root logger's records to `stream` (stderr) in `form`, at `level`; idempotent."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(resolve(form, stream)))
    handler.addFilter(_RequestId())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    floor = logging.getLevelName(level.upper())
    for name, minimum in _FLOORS.items():
        logging.getLogger(name).setLevel(max(minimum, floor if isinstance(floor, int) else 0))

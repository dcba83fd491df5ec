"""The one failure policy of recognition, for every runner (embedded pool, Celery, backfile).

A document is tried at most `SOHOA_MAX_ATTEMPTS` times; `attempts` counts claims, so a claim
past that number means every earlier holder died on it (killed for memory, a crash in a
decoder): the document is poison and fails for good instead of killing the next worker. What
went wrong decides the rest:

- the store or the catalog cannot be reached, or the worker process died: queued again while
  attempts remain (the runner may retry soon), else failed;
- our own error about the content (corrupt, too large, Tesseract refused it): failed, with its
  message;
- anything else (a bug): failed, "system error", logged with its traceback.
"""

from __future__ import annotations

import logging
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from models.catalog import Claimed, DocumentStatus
from models.errors import SohoaError, StoreUnavailable
from services.context import Context

log = logging.getLogger(__name__)

POISON = "Tiến trình nhận dạng bị dừng đột ngột nhiều lần"
_WORKER_DIED = "Tiến trình nhận dạng bị dừng đột ngột"
_UNREACHABLE = "Kho lưu trữ không truy cập được"
_BUG = "Lỗi hệ thống khi nhận dạng"


class WorkerDied(Exception):
    """The process recognising the document died under it (a runner's own report)."""


@dataclass(frozen=True)
class Outcome:
    status: DocumentStatus
    reason: str
    retry: bool
    """Queued again: the runner may try it again (Celery retries the task)."""


def is_poison(ctx: Context, claimed: Claimed) -> bool:
    return claimed.attempts > ctx.settings.max_attempts


def refuse_poison(ctx: Context, claimed: Claimed) -> bool:
    """Fail a document every earlier holder died on; True when it was (do not recognise it)."""
    if not is_poison(ctx, claimed):
        return False
    log.warning("document %s: given up after %d attempts", claimed.id, claimed.attempts - 1)
    ctx.metrics.failures.labels("poison").inc()
    ctx.metrics.documents.labels(DocumentStatus.FAILED.value).inc()
    ctx.queue.release(claimed, DocumentStatus.FAILED, POISON)
    return True


def outcome_of(ctx: Context, claimed: Claimed, error: BaseException) -> Outcome:
    if isinstance(error, StoreUnavailable | BrokenProcessPool | WorkerDied):
        retry = claimed.attempts < ctx.settings.max_attempts
        reason = _UNREACHABLE if isinstance(error, StoreUnavailable) else _WORKER_DIED
        return Outcome(DocumentStatus.QUEUED if retry else DocumentStatus.FAILED, reason, retry)
    if isinstance(error, SohoaError):
        return Outcome(DocumentStatus.FAILED, error.message, retry=False)
    return Outcome(DocumentStatus.FAILED, _BUG, retry=False)


def settle_failure(ctx: Context, claimed: Claimed, error: BaseException) -> Outcome:
    """Apply the policy to a failed attempt and end the claim (if it is still this worker's:
    a rescanned paper or a lease taken over is left to its new holder)."""
    outcome = outcome_of(ctx, claimed, error)
    if isinstance(error, SohoaError):
        log.warning("document %s: %s (%s) -> %s", claimed.id, error.code, error.detail, outcome)
    else:
        log.error("document %s: %r -> %s", claimed.id, error, outcome, exc_info=error)
    ctx.metrics.failures.labels(failure_code(error)).inc()
    if outcome.status is DocumentStatus.FAILED:
        ctx.metrics.documents.labels(outcome.status.value).inc()
    ctx.queue.release(claimed, outcome.status, outcome.reason)
    return outcome


def failure_code(error: BaseException) -> str:
    """The reason a metric counts a failure under: our error's code, or what died (bounded)."""
    if isinstance(error, SohoaError):
        return error.code
    if isinstance(error, BrokenProcessPool | WorkerDied):
        return "worker_died"
    return "bug"

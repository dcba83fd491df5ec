"""Shared fixtures: a rendered Vietnamese page with its ground truth, and a running app."""

from __future__ import annotations

import io
import multiprocessing
import time
from collections.abc import Callable, Iterator
from concurrent import futures
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from models.auth import Actor, Principal, Role
from ocr.pipeline import warm_up
from services import auth
from services.processing import WorkerPool
from services.settings import Settings
from synth.corpus import pick
from synth.render import RenderedPage, render_page

# real PostgreSQL and S3 (moto) fixtures: database_url, postgres_database, s3_server, s3_store
pytest_plugins = ["tests.backends"]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`./dev test` (-n auto --dist loadgroup): a test module runs whole on one worker, in its
    order, so a module's fixtures are built once and a test may go on from the one before it (the
    counter page's); the tests of one `xdist_group` run one after another on one worker, whatever
    their module (Celery workers, which would answer each other's pings on a shared broker).
    Units go out in collection order, the groups first (below), not by their number of tests."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    config.option.loadscopereorder = False

    class ModuleOrGroup(LoadGroupScheduling):  # type: ignore[misc]  # xdist has no types
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.rfind("@") > nodeid.rfind("]"):  # loadgroup's mark, as xdist reads it
                return nodeid.rsplit("@", 1)[-1]
            return nodeid.split("::", 1)[0]

    return ModuleOrGroup(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `./dev test` the `xdist_group`s go first: they are the long units (Celery workers,
    the browser's page), and one left for last would keep a worker busy while the other idles."""
    if getattr(config.option, "loadgroup", False):  # an xdist worker of --dist loadgroup
        items.sort(key=lambda item: item.get_closest_marker("xdist_group") is None)


DOSSIER = {
    "code": "000.00.01.H29-240115-0001",
    "procedure_code": "1.001193",
    "applicant_name": "Nguyễn Văn An",
    "applicant_id": "079193002341",
}


@pytest.fixture(scope="session")
def vietnamese_page() -> RenderedPage:
    """A full A4 page at 300 dpi of Vietnamese legal prose, with its exact text."""
    return render_page(pick(14, seed=7), title="QUYẾT ĐỊNH")


@pytest.fixture(scope="session")
def vietnamese_png(vietnamese_page: RenderedPage) -> bytes:
    buffer = io.BytesIO()
    vietnamese_page.image.save(buffer, "PNG", dpi=(300, 300))
    return buffer.getvalue()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", workers=1)


AGENCY = "000.00.01.H29"
ADMIN = Actor(Principal(user_id=0, username="tests", role=Role.ADMIN, agency_code=None), "tests")
"""For tests that call the use cases directly, below the API: an admin of every agency."""
OTHER_AGENCY = "000.00.02.H29"
PASSWORD = "mật-khẩu-thử-nghiệm-dài"


class _PagesOfOneApp(Executor):
    """One app's share of the session's page process: what it submitted is cancelled or waited
    for at its shutdown, as its own pool's would be; the process lives on for the next app."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self._pool = pool
        self._futures: set[Future[Any]] = set()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = self._pool.submit(fn, *args, **kwargs)
        self._futures.add(future)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            for future in self._futures:
                future.cancel()
        if wait:
            futures.wait(self._futures)


@pytest.fixture(scope="session")
def page_process() -> Iterator[Callable[[], ProcessPoolExecutor]]:
    """The page process the `anonymous` apps share: spawned and warmed up once per session
    (~2 s of CPU: the imports and the syllable model), not once per app."""
    pools: list[ProcessPoolExecutor] = []

    def current() -> ProcessPoolExecutor:
        if not pools or getattr(pools[-1], "_broken", False):  # a test broke it: a new one
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            pool.submit(warm_up)
            pools.append(pool)
        return pools[-1]

    yield current
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture
def anonymous(
    settings: Settings,
    page_process: Callable[[], ProcessPoolExecutor],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[TestClient]:
    """The running app, with nobody signed in.

    Its worker pool of one process is the session's (`page_process`): an app's own would be
    spawned and warmed up for every test, most of which recognise nothing. Tests of the pool
    itself (tests/services/test_leases.py) build their own WorkerPool."""
    if settings.workers == 1:
        monkeypatch.setattr(WorkerPool, "_new_pool", lambda _pool: _PagesOfOneApp(page_process()))
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def client(anonymous: TestClient) -> TestClient:
    """The running app, signed in as a clerk of the agency that received `DOSSIER`."""
    anonymous.headers.update(sign_in(anonymous, "clerk", Role.CLERK, AGENCY))
    return anonymous


def sign_in(client: TestClient, username: str, role: Role, agency: str | None) -> dict[str, str]:
    """Create a user in the app's catalog, log in through the API, return the auth header."""
    ctx = client.app.state.context  # type: ignore[attr-defined]
    auth.add_user(ctx, username, role, agency, PASSWORD)
    response = client.post(
        "/api/v1/auth/token", data={"username": username, "password": PASSWORD}, headers={}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def dossier(client: TestClient) -> dict[str, str]:
    response = client.post("/api/v1/dossiers", json=DOSSIER)
    assert response.status_code == 201, response.text
    return DOSSIER


def wait_finished(client: TestClient, document_id: str, timeout: float = 120) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, object] = client.get(f"/api/v1/documents/{document_id}").json()
        if body["status"] in ("done", "needs_review", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"document {document_id} not finished after {timeout}s")


def assert_error_body(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """Every error carries exactly our one body."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"error"}
    assert set(body["error"]) == {"code", "message", "detail"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]  # type: ignore[no-any-return]

"""The clerk's page end to end, in real headless Chromium against a real server.

Debian's chromium is driven by Playwright through `executable_path` (no browser download).
Screenshots of the main states go to tests/artifacts/ (the README shows two of them).
"""

from __future__ import annotations

import io
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import numpy as np
import pytest
import uvicorn
from PIL import ImageFilter
from playwright.sync_api import Page, Route, expect, sync_playwright

from api.app import create_app
from models.auth import Role
from services import auth
from services.settings import Settings
from synth.corpus import pick
from synth.degrade import colour_scan
from synth.render import RenderedPage, render_page
from synth.tables import ruled_form
from tests.conftest import AGENCY, DOSSIER, PASSWORD

# The page's tests go on from each other (one server, one browser tab) and take minutes: a unit
# of their own that `./dev test` starts first (tests/conftest.py).
pytestmark = pytest.mark.xdist_group("browser")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
EARLIER = {**DOSSIER, "code": "000.00.01.H29-240110-0003", "procedure_code": "1.000656"}
NEW_CODE = "000.00.01.H29-240115-0042"


def _png(page: RenderedPage, blur: float = 0) -> bytes:
    image = page.image.filter(ImageFilter.GaussianBlur(blur)) if blur else page.image
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(300, 300))
    return buffer.getvalue()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("counter"), workers=1))
    instance = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning")
    )
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    auth.add_user(app.state.context, "lan", Role.CLERK, AGENCY, PASSWORD)
    yield f"http://127.0.0.1:{instance.config.port}"
    instance.should_exit = True
    thread.join(timeout=60)


@pytest.fixture(scope="module")
def earlier_id_card(server: str) -> str:
    """The applicant's ID card, digitized for an earlier dossier (so it can be reused)."""
    token = httpx2.post(
        f"{server}/api/v1/auth/token", data={"username": "lan", "password": PASSWORD}
    )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    httpx2.post(f"{server}/api/v1/dossiers", json=EARLIER, headers=headers).raise_for_status()
    card = render_page(pick(1, seed=11), title="CĂN CƯỚC", dpi=150, motto=False)
    uploaded = httpx2.post(
        f"{server}/api/v1/dossiers/{EARLIER['code']}/documents",
        files=[("files", ("can-cuoc.png", _png(card), "image/png"))],
        headers=headers,
    )
    uploaded.raise_for_status()
    document_id = str(uploaded.json()["document_ids"][0])
    httpx2.patch(
        f"{server}/api/v1/documents/{document_id}",
        json={"kind_code": "id_card", "permanent": True},
        headers=headers,
    ).raise_for_status()
    return document_id


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Page]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
        tab = context.new_page()
        # recognition on a loaded 2-core machine takes seconds to minutes: wait, don't guess
        tab.set_default_timeout(180_000)
        expect.set_options(timeout=180_000)
        yield tab
        browser.close()


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_a_clerk_scans_a_dossier_while_the_citizen_waits(
    server: str, page: Page, earlier_id_card: str, tmp_path: Path
) -> None:
    clear = render_page(pick(5, seed=21), title="ĐƠN ĐỀ NGHỊ")
    (tmp_path / "don-de-nghi.png").write_bytes(_png(clear))
    (tmp_path / "giay-mo.png").write_bytes(_png(clear, blur=6))
    upside_down = RenderedPage(clear.image.rotate(180), clear.text, clear.dpi)
    (tmp_path / "nguoc.png").write_bytes(_png(upside_down))

    page.goto(server + "/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.keyboard.press("Enter")
    expect(page.locator("#login-form .error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")

    # a code nobody has opened yet: the page offers to create the dossier
    page.get_by_label("Mã hồ sơ").fill(NEW_CODE)
    page.keyboard.press("Enter")
    page.get_by_label("Mã thủ tục").fill("1.001193")
    page.get_by_label("Họ tên người nộp").fill(DOSSIER["applicant_name"])
    page.get_by_label("Số định danh cá nhân").fill(DOSSIER["applicant_id"])
    page.get_by_role("button", name="Tạo hồ sơ").click()
    expect(page.locator("#d-code")).to_have_text(NEW_CODE)
    _shot(page, "1-dossier-opened")

    page.locator("#pick").set_input_files(
        [str(tmp_path / name) for name in ("don-de-nghi.png", "giay-mo.png", "nguoc.png")]
    )
    blurred = page.locator(".paper", has_text="giay-mo.png")
    expect(blurred.locator(".warnings")).to_contain_text("Ảnh quét bị mờ")
    _shot(page, "2-blur-warning")

    # a page fed upside down is turned back by recognition, and the clerk is told
    turned = page.locator(".paper", has_text="nguoc.png")
    expect(turned.locator(".warnings")).to_contain_text("Trang bị ngược")
    expect(turned.locator(".text")).to_contain_text("ĐƠN ĐỀ NGHỊ")

    good = page.locator(".paper", has_text="don-de-nghi.png")
    expect(good.locator(".status")).to_have_text("Đã nhận dạng")
    expect(good.locator(".text")).to_contain_text("ĐƠN ĐỀ NGHỊ")

    # rescan the blurred paper: the warning goes, the text comes
    blurred.locator(".rescan").set_input_files(str(tmp_path / "don-de-nghi.png"))
    expect(blurred.locator(".status")).to_have_text("Đã nhận dạng")
    expect(blurred.locator(".warnings")).to_be_empty()
    expect(blurred.locator(".text")).to_contain_text("ĐƠN ĐỀ NGHỊ")
    _shot(page, "3-text-ready")

    # correct the text: the correction is kept, the OCR too
    good.get_by_role("button", name="Sửa văn bản").click()
    editor = good.locator("textarea.edit")
    editor.fill(editor.input_value() + "\nGhi chú của cán bộ")
    good.get_by_role("button", name="Lưu").click()
    expect(good.locator(".note")).to_contain_text("Đã sửa bởi cán bộ")
    expect(good.locator(".text")).to_contain_text("Ghi chú của cán bộ")

    # the ID card from the earlier dossier is offered and reused without a scan
    offer = page.locator("#reusable li", has_text="Căn cước")
    expect(offer).to_contain_text("không thời hạn")
    offer.get_by_role("button", name="Dùng cho hồ sơ này").click()
    expect(page.locator(".paper", has_text="can-cuoc.png")).to_be_visible()
    expect(page.locator("#reusable li", has_text="Căn cước")).to_have_count(0)
    _shot(page, "4-reused")

    # the same card scanned again (other bytes): once named an ID card it is recognised as the
    # paper digitized before, and one click keeps the earlier copy and drops the new scan
    card = render_page(pick(1, seed=11), title="CĂN CƯỚC", dpi=150, motto=False)
    (tmp_path / "can-cuoc-quet-lai.png").write_bytes(_png(card, blur=0.6))
    page.locator("#pick").set_input_files(str(tmp_path / "can-cuoc-quet-lai.png"))
    again = page.locator(".paper", has_text="can-cuoc-quet-lai.png")
    expect(again.locator(".status")).not_to_have_text("Đang chờ")
    again.get_by_label("Loại giấy tờ").select_option("id_card")
    expect(again.locator(".earlier")).to_contain_text("Giấy tờ này đã được số hóa trước đây")
    again.scroll_into_view_if_needed()
    _shot(page, "5-rescan-offered")
    again.get_by_role("button", name="Dùng bản đã số hóa, bỏ bản quét mới").click()
    expect(page.locator(".paper", has_text="can-cuoc-quet-lai.png")).to_have_count(0)
    expect(page.locator(".paper", has_text="can-cuoc.png")).to_have_count(1)


def test_the_page_needs_no_network_but_the_server(server: str, page: Page) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server + "/")
    page.wait_for_load_state("networkidle")
    assert requests and all(url.startswith(server) for url in requests), requests


def test_an_officer_finds_a_paper_typed_without_marks(
    server: str, page: Page, earlier_id_card: str
) -> None:
    token = httpx2.post(
        f"{server}/api/v1/auth/token", data={"username": "lan", "password": PASSWORD}
    ).json()["access_token"]
    deadline = time.monotonic() + 180
    while httpx2.get(
        f"{server}/api/v1/documents/{earlier_id_card}",
        headers={"Authorization": f"Bearer {token}"},
    ).json()["status"] not in ("done", "needs_review"):
        assert time.monotonic() < deadline, "the ID card was not recognised"
        time.sleep(0.5)
    page.goto(server + "/")
    page.evaluate(f"sessionStorage.setItem('sohoa-token', {token!r})")
    page.reload()
    page.get_by_label("Từ khóa").fill("can cuoc")  # typed without Vietnamese input
    page.get_by_role("button", name="Tìm", exact=True).click()
    hit = page.locator("#search-results li", has_text=EARLIER["code"])
    expect(hit).to_contain_text("trang 1")
    expect(hit.locator("mark").first).to_have_text("CĂN")
    _shot(page, "5-search")
    hit.get_by_role("button", name=EARLIER["code"]).click()
    expect(page.locator("#d-code")).to_have_text(EARLIER["code"])


FORM_CODE = "000.00.01.H29-240116-0007"


def _signed_in(server: str, page: Page) -> dict[str, str]:
    token = httpx2.post(
        f"{server}/api/v1/auth/token", data={"username": "lan", "password": PASSWORD}
    ).json()["access_token"]
    page.goto(server + "/")
    page.evaluate(f"sessionStorage.setItem('sohoa-token', {token!r})")
    page.reload()
    return {"Authorization": f"Bearer {token}"}


def _open(page: Page, code: str) -> None:
    page.get_by_label("Mã hồ sơ").fill(code)
    page.keyboard.press("Enter")
    expect(page.locator("#d-code")).to_have_text(code)


def test_a_ruled_form_is_shown_as_a_table_beside_its_scan(server: str, page: Page) -> None:
    form = ruled_form(1002)  # `form_2` of `python -m bench.tables`
    scan = colour_scan(form, np.random.default_rng(1002), dpi=200)
    headers = _signed_in(server, page)
    dossier = {**DOSSIER, "code": FORM_CODE}
    httpx2.post(f"{server}/api/v1/dossiers", json=dossier, headers=headers).raise_for_status()
    httpx2.post(
        f"{server}/api/v1/dossiers/{FORM_CODE}/documents",
        files=[("files", ("to-khai.jpg", scan.data, "image/jpeg"))],
        headers=headers,
    ).raise_for_status()
    _open(page, FORM_CODE)
    paper = page.locator(".paper", has_text="to-khai.jpg")
    expect(paper.locator(".status")).to_have_text("Đã nhận dạng")
    table = paper.locator(".text table.reading-table")
    expect(table.locator("tr")).to_have_count(form.rows)
    # each row: the label's cell, then the value's, as on the paper
    for k, (label, value) in enumerate(zip(form.cells[::2], form.cells[1::2], strict=True)):
        cells = table.locator("tr").nth(k).locator("td")
        expect(cells).to_have_count(2)
        # the item number before a label is lost by plain Tesseract too on some scans
        expect(cells.nth(0)).to_contain_text(label.lines[0].split(". ", 1)[-1])
        expect(cells.nth(1)).to_contain_text(value.lines[0].split()[0])
    expect(paper.locator(".text")).to_contain_text("NGƯỜI KHAI")  # the page around the table
    paper.scroll_into_view_if_needed()
    _shot(page, "6-ruled-form")


def test_cell_text_is_shown_as_text_never_as_markup(server: str, page: Page) -> None:
    hostile = "<img src=x onerror=\"document.title='owned'\">"

    def words(route: Route) -> None:
        result = route.fetch().json()
        first = result["tables"][0]["cells"][1]["block"]
        for word in result["words"]:
            if word["block"] == first:
                word["text"] = hostile
        route.fulfill(json=result)

    _signed_in(server, page)
    page.route("**/pages/1/words", words)
    _open(page, FORM_CODE)
    table = page.locator(".paper", has_text="to-khai.jpg").locator("table.reading-table")
    expect(table.locator("tr").first.locator("td").nth(1)).to_contain_text(hostile)
    expect(table.locator("img")).to_have_count(0)
    assert page.title() != "owned"
    page.unroute("**/pages/1/words")

// The clerk's counter page: plain JavaScript, no framework, no CDN (it must work on a LAN
// without internet). State lives in the server; the page polls while recognition runs.
"use strict";

const API = "/api/v1";
const STATUS = {
  queued: "Đang chờ", processing: "Đang nhận dạng", done: "Đã nhận dạng",
  needs_review: "Cần kiểm tra", failed: "Lỗi",
};
const FINISHED = new Set(["done", "needs_review", "failed"]);
const LOW_CONFIDENCE = 60;
const $ = (selector, root = document) => root.querySelector(selector);

let dossier = null;
let kinds = [];
let timer = null;

function token() { return sessionStorage.getItem("sohoa-token"); }

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers.Authorization = `Bearer ${token()}`;
  const response = await fetch(API + path, Object.assign({}, options, { headers }));
  if (response.status === 401 && path !== "/auth/token") {
    sessionStorage.removeItem("sohoa-token");
    show("login");
  }
  if (!response.ok) {
    let message = `Lỗi ${response.status}`;
    try { message = (await response.json()).error.message; } catch (_) { /* not our body */ }
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return response;
}
const json = async (path, options) => (await api(path, options)).json();

function show(view) {
  for (const name of ["login", "open", "dossier"]) {
    $(`#${name}-view`).hidden = name !== view;
  }
  $("#logout").hidden = view === "login";
  const focus = { login: "#login-form input", open: "#open-form input", dossier: "#drop" }[view];
  $(focus).focus();
}

function fail(form, error) { $(".error", form).textContent = error.message; }

// -- login ----------------------------------------------------------------------------------
$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  try {
    const body = new URLSearchParams(new FormData(form));
    const issued = await json("/auth/token", { method: "POST", body });
    sessionStorage.setItem("sohoa-token", issued.access_token);
    form.reset();
    await start();
  } catch (error) { fail(form, error); }
});

$("#logout").addEventListener("click", async () => {
  try { await api("/auth/logout", { method: "POST" }); } catch (_) { /* gone already */ }
  sessionStorage.removeItem("sohoa-token");
  $("#who").textContent = "";
  show("login");
});

// -- open or create a dossier ----------------------------------------------------------------
$("#open-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const code = form.code.value.trim();
  $(".error", form).textContent = "";
  try {
    openDossier(await json(`/dossiers/${encodeURIComponent(code)}`));
  } catch (error) {
    if (error.status !== 404) return fail(form, error);
    const create = $("#create-form");
    create.hidden = false;
    create.dataset.code = code;
    $(".code", create).textContent = code;
    create.procedure_code.focus();
  }
});

$("#create-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const body = Object.fromEntries(new FormData(form));
  body.code = form.dataset.code;
  try {
    openDossier(await json("/dossiers", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    }));
    form.reset();
    form.hidden = true;
  } catch (error) { fail(form, error); }
});

$("#close-dossier").addEventListener("click", () => {
  dossier = null;
  clearInterval(timer);
  show("open");
});

// -- the dossier -----------------------------------------------------------------------------
function openDossier(found) {
  dossier = found;
  $("#d-code").textContent = found.code;
  $("#d-applicant").textContent = found.applicant_name;
  $("#d-id").textContent = found.applicant_id;
  $("#d-procedure").textContent = found.procedure_code;
  $("#papers").replaceChildren();
  show("dossier");
  refresh();
  clearInterval(timer);
  timer = setInterval(refresh, 1000);
}

async function refresh() {
  if (!dossier) return;
  try {
    dossier = await json(`/dossiers/${encodeURIComponent(dossier.code)}`);
  } catch (_) { return; }
  const list = $("#papers");
  const present = new Set(dossier.documents.map((d) => d.id));
  for (const item of [...list.children]) if (!present.has(item.dataset.id)) item.remove();
  for (const summary of dossier.documents) {
    let item = list.querySelector(`[data-id="${summary.id}"]`);
    if (!item) item = list.appendChild(paperItem(summary));
    if (item.dataset.status !== summary.status || !item.dataset.rendered) await renderPaper(item);
  }
  loadReusable();
}

function paperItem(summary) {
  const item = $("#paper-template").content.firstElementChild.cloneNode(true);
  item.dataset.id = summary.id;
  $(".filename", item).textContent = summary.filename;
  const select = $(".kind", item);
  select.append(new Option("— Loại giấy tờ —", ""));
  for (const kind of kinds) select.append(new Option(kind.label, kind.code));
  select.value = summary.kind_code || "";
  select.addEventListener("change", async () => {
    await patchPaper(summary.id, { kind_code: select.value || null });
    delete item.dataset.status; // naming the kind may reveal a paper digitized before
    refresh();
  });
  $(".rescan", item).addEventListener("change", (event) => rescan(summary.id, event.target));
  $(".remove", item).addEventListener("click", () => removePaper(summary.id));
  return item;
}

async function renderPaper(item) {
  const doc = await json(`/documents/${item.dataset.id}`);
  item.dataset.status = doc.status;
  const status = $(".status", item);
  status.textContent = STATUS[doc.status] || doc.status;
  status.className = `status ${doc.status}`;
  const warnings = $(".warnings", item);
  warnings.replaceChildren();
  const messages = [];
  for (const page of doc.pages) {
    for (const verdict of page.quality || []) {
      messages.push(doc.pages.length > 1 ? `Trang ${page.number}: ${verdict.message}` : verdict.message);
    }
  }
  if (doc.reason && doc.status !== "processing") messages.push(doc.reason);
  for (const message of new Set(messages)) {
    const li = document.createElement("li");
    li.textContent = message;
    warnings.append(li);
  }
  offerEarlier(item, doc.duplicate_of);
  showReading(item, doc);
  const pages = $(".pages", item);
  if (!item.dataset.rendered) pages.replaceChildren(...doc.pages.map(() => pageBlock(item)));
  doc.pages.forEach((page, index) => renderPage(item.dataset.id, page, pages.children[index], doc.status));
  item.dataset.rendered = "1";
}

// A rescan of a paper digitized before: offer the earlier copy instead of keeping two.
function offerEarlier(item, earlier) {
  const box = $(".earlier", item);
  box.hidden = !earlier;
  if (!earlier) return;
  const facts = [earlier.kind_label, earlier.number_symbol && `số ${earlier.number_symbol}`,
    earlier.issue_date && `cấp ngày ${earlier.issue_date}`,
    `số hóa ngày ${earlier.digitized_at.slice(0, 10)}`].filter(Boolean).join(", ");
  $(".earlier-text", box).textContent = `Giấy tờ này đã được số hóa trước đây (${facts}).`;
  $(".use-earlier", box).onclick = async () => {
    try {
      await api(`/dossiers/${encodeURIComponent(dossier.code)}/documents/${item.dataset.id}/use-earlier`,
        { method: "POST" });
      refresh();
    } catch (error) { $(".earlier-text", box).textContent = error.message; }
  };
}

const FIELD_LABELS = {
  personal_id: "Số định danh", old_id: "Số CMND", full_name: "Họ và tên", date_of_birth: "Ngày sinh",
  sex: "Giới tính", issue_date: "Ngày cấp", valid_until: "Có giá trị đến", issuer: "Cơ quan cấp",
  signer: "Người ký", number_symbol: "Số, ký hiệu", enterprise_code: "Mã số doanh nghiệp",
  land_plot: "Thửa đất số", map_sheet: "Tờ bản đồ số", residence: "Nơi thường trú",
  received_at: "Ngày giờ đến",
};
const FIELD_VALUES = { male: "Nam", female: "Nữ", permanent: "Không thời hạn" };

// The kind and key fields read after recognition: the kind preselected (unless the clerk chose
// one), the fields listed; a field read with little confidence is marked for checking.
function showReading(item, doc) {
  const select = $(".kind", item);
  if (doc.kind_code && !select.value) select.value = doc.kind_code;
  const list = $(".fields", item);
  list.replaceChildren();
  const disagree = new Set((doc.reading && doc.reading.disagreements) || []);
  for (const field of (doc.reading && doc.reading.fields) || []) {
    const term = document.createElement("dt");
    term.textContent = FIELD_LABELS[field.name] || field.name;
    const value = document.createElement("dd");
    value.textContent = FIELD_VALUES[field.value] || field.value;
    if (disagree.has(field.name)) {
      value.classList.add("unsure");
      value.title = "Chữ in, mã QR và vùng MRZ không khớp, vui lòng kiểm tra";
    } else if (field.needs_review) {
      value.classList.add("unsure");
      value.title = "Chữ viết tay hoặc khó đọc, vui lòng đối chiếu với bản giấy";
    } else if (field.confidence < 0.6) {
      value.classList.add("unsure");
      value.title = "Độ tin cậy thấp, vui lòng kiểm tra";
    }
    list.append(term, value);
  }
}

function pageBlock(item) {
  return $("#page-template").content.firstElementChild.cloneNode(true);
}

async function renderPage(id, page, block, status) {
  const thumb = $(".thumb", block);
  if (!thumb.src) {
    api(`/documents/${id}/pages/${page.number}/image?width=520`)
      .then((r) => r.blob()).then((blob) => {
        thumb.alt = `Trang ${page.number}`;
        thumb.src = URL.createObjectURL(blob);
      })
      .catch(() => { thumb.alt = "Không xem trước được"; });
  }
  const text = $(".text", block);
  const ready = FINISHED.has(status) && page.text !== null;
  $(".correct", block).hidden = !ready;
  if (!ready) {
    text.textContent = status === "failed" ? "" : "Đang nhận dạng…";
    return;
  }
  $(".note", block).textContent = page.corrected ? "Đã sửa bởi cán bộ (bản nhận dạng gốc vẫn được lưu)" : "";
  if (page.corrected) {
    text.textContent = page.text;
  } else {
    try {
      const result = await json(`/documents/${id}/pages/${page.number}/words`);
      text.replaceChildren(...readingNodes(result));
      noteTurn(block.closest(".paper"), page.number, result.pose);
    } catch (_) { text.textContent = page.text; }
  }
  const edit = $(".edit", block);
  $(".correct", block).onclick = () => {
    edit.value = page.text; edit.hidden = false; $(".save", block).hidden = false; edit.focus();
  };
  $(".save", block).onclick = async () => {
    try {
      await api(`/documents/${id}/pages/${page.number}/text`, {
        method: "PUT", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text: edit.value }),
      });
      edit.hidden = true; $(".save", block).hidden = true;
      const item = block.closest(".paper");
      delete item.dataset.status;
      refresh();
    } catch (error) { $(".note", block).textContent = error.message; }
  };
}

// Recognition turns a page fed upside down or sideways back itself; the clerk should still know,
// to feed the next one right.
const TURNS = { 180: "Trang bị ngược, đã được xoay lại", 90: "Trang bị xoay ngang, đã được xoay lại",
  270: "Trang bị xoay ngang, đã được xoay lại" };

function noteTurn(item, number, pose) {
  const message = pose && TURNS[pose.turn];
  if (!message) return;
  const warnings = $(".warnings", item);
  const text = `Trang ${number}: ${message}`;
  if ([...warnings.children].some((li) => li.textContent === text)) return;
  const li = document.createElement("li");
  li.textContent = text;
  warnings.append(li);
}

// The page's words as read; a ruled table (a form's labels and values, an annex) as a table, each
// cell with its words, where reading reaches it. Text goes in as textContent only, never as HTML.
function readingNodes(result) {
  const tableOf = new Map();
  (result.tables || []).forEach((table, index) => {
    for (const cell of table.cells) if (cell.block !== null) tableOf.set(cell.block, index);
  });
  const nodes = [];
  const shown = new Set();
  let run = [];
  const flush = () => { if (run.length) nodes.push(...markedWords(run)); run = []; };
  for (const word of result.words) {
    const index = tableOf.get(word.block);
    if (index === undefined) { run.push(word); continue; }
    if (shown.has(index)) continue;
    shown.add(index);
    flush();
    nodes.push(tableElement(result.tables[index], result.words));
  }
  flush();
  return nodes;
}

function tableElement(table, words) {
  const element = document.createElement("table");
  element.className = "reading-table";
  const row = new Map();
  for (const cell of table.cells) {
    if (!row.has(cell.row)) row.set(cell.row, element.insertRow());
    const td = row.get(cell.row).insertCell();
    td.rowSpan = cell.row_span;
    td.colSpan = cell.column_span;
    if (cell.block !== null) td.append(...markedWords(words.filter((w) => w.block === cell.block)));
  }
  return element;
}

function markedWords(words) {
  const nodes = [];
  let line = null;
  for (const word of words) {
    if (line !== null) nodes.push(document.createTextNode(word.line !== line ? "\n" : " "));
    line = word.line;
    const span = document.createElement("span");
    span.textContent = word.text;
    if (word.confidence < LOW_CONFIDENCE) {
      span.className = "low";
      span.title = `Độ tin cậy ${Math.round(word.confidence)}%`;
    }
    nodes.push(span);
  }
  return nodes;
}

async function patchPaper(id, values) {
  await api(`/documents/${id}`, {
    method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify(values),
  });
}

async function rescan(id, input) {
  const body = new FormData();
  body.append("file", input.files[0]);
  input.value = "";
  try {
    await api(`/documents/${id}/scan`, { method: "PUT", body });
    const item = $(`#papers [data-id="${id}"]`);
    delete item.dataset.rendered;
    delete item.dataset.status;
    refresh();
  } catch (error) { $("#drop .error").textContent = error.message; }
}

async function removePaper(id) {
  if (!confirm("Xóa giấy tờ này khỏi hồ sơ? (bản số hóa vẫn được lưu)")) return;
  await api(`/dossiers/${encodeURIComponent(dossier.code)}/documents/${id}`, { method: "DELETE" });
  refresh();
}

// -- uploads ---------------------------------------------------------------------------------
async function upload(files) {
  const message = $("#drop .error");
  message.textContent = "";
  if (!files.length) return;
  const body = new FormData();
  for (const file of files) body.append("files", file);
  try {
    await api(`/dossiers/${encodeURIComponent(dossier.code)}/documents`, { method: "POST", body });
    refresh();
  } catch (error) { message.textContent = error.message; }
}

const drop = $("#drop");
drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  upload([...event.dataTransfer.files]);
});
drop.addEventListener("keydown", (event) => { if (event.key === "Enter") $("#pick").click(); });
for (const input of [$("#pick"), $("#camera")]) {
  input.addEventListener("change", () => { upload([...input.files]); input.value = ""; });
}

// -- reuse -----------------------------------------------------------------------------------
async function loadReusable() {
  const list = $("#reusable");
  let papers;
  try { papers = await json(`/applicants/${dossier.applicant_id}/documents`); } catch (_) { return; }
  const here = new Set(dossier.documents.map((d) => d.id));
  const others = papers.filter((p) => !here.has(p.id));
  const signature = JSON.stringify(others.map((p) => [p.id, p.expired, p.reusable, p.kind_code,
    p.number_symbol, p.issue_date, p.issuer]));
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  if (!others.length) {
    list.replaceChildren(Object.assign(document.createElement("li"),
      { className: "muted", textContent: "Chưa có giấy tờ nào khác" }));
    return;
  }
  list.replaceChildren(...others.map((paper) => {
    const li = document.createElement("li");
    li.dataset.id = paper.id;
    const title = document.createElement("div");
    title.textContent = `${paper.kind_label || "Chưa phân loại"} — ${paper.filename}`;
    const fields = document.createElement("div");
    fields.className = "fields";
    fields.textContent = [paper.number_symbol && `Số: ${paper.number_symbol}`,
      paper.issue_date && `ngày cấp ${paper.issue_date}`, paper.issuer && `nơi cấp ${paper.issuer}`]
      .filter(Boolean).join(" · ");
    const when = document.createElement("div");
    when.className = "muted";
    const validity = paper.permanent ? "không thời hạn"
      : paper.valid_until ? `hiệu lực đến ${paper.valid_until}` : "";
    when.textContent = [`số hóa ${paper.created_at.slice(0, 10)}`, validity].filter(Boolean).join(" · ");
    li.append(title, fields, when);
    if (paper.expired) {
      li.classList.add("expired");
      when.textContent += " · đã hết hiệu lực";
    } else if (!paper.reusable) {
      when.textContent += " · chưa số hóa xong";
    } else {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.textContent = "Dùng cho hồ sơ này";
      button.addEventListener("click", async () => {
        try {
          await api(`/dossiers/${encodeURIComponent(dossier.code)}/documents/${paper.id}/reuse`, { method: "POST" });
          refresh();
        } catch (error) { when.textContent = error.message; }
      });
      li.append(button);
    }
    return li;
  }));
}

// -- search ----------------------------------------------------------------------------------
const SEARCH_PAGE = 10;
let searchOffset = 0;

async function runSearch(offset) {
  const form = $("#search-form");
  const q = form.q.value.trim();
  $(".error", form).textContent = "";
  if (!q) return;
  let found;
  try {
    const params = new URLSearchParams({ q, limit: SEARCH_PAGE, offset });
    found = await json(`/search?${params}`);
  } catch (error) { return fail(form, error); }
  searchOffset = offset;
  // past the index's count cap the total is a floor: "hơn 200 kết quả"
  const count = found.total_exact ? `${found.total}` : `hơn ${found.total.toLocaleString("vi-VN")}`;
  $("#search-total").textContent = found.total
    ? `${count} kết quả (trang ${offset / SEARCH_PAGE + 1})` : "Không tìm thấy kết quả nào";
  const list = $("#search-results");
  list.start = offset + 1;
  list.replaceChildren(...found.hits.map(hitItem));
  $("#search-prev").hidden = offset === 0;
  $("#search-next").hidden = found.total_exact && offset + SEARCH_PAGE >= found.total;
}

function hitItem(hit) {
  const item = $("#hit-template").content.firstElementChild.cloneNode(true);
  $(".open-hit", item).textContent = hit.dossier_code;
  $(".open-hit", item).addEventListener("click", async () => {
    try {
      openDossier(await json(`/dossiers/${encodeURIComponent(hit.dossier_code)}`));
    } catch (error) { fail($("#search-form"), error); }
  });
  $(".where", item).textContent = `${hit.applicant_name} · trang ${hit.page}`;
  // the server escapes the page text and adds only <mark>: safe as HTML
  $(".snippet", item).innerHTML = hit.snippet;
  return item;
}

$("#search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  runSearch(0);
});
$("#search-prev").addEventListener("click", () => runSearch(Math.max(0, searchOffset - SEARCH_PAGE)));
$("#search-next").addEventListener("click", () => runSearch(searchOffset + SEARCH_PAGE));

// -- start -----------------------------------------------------------------------------------
async function start() {
  if (!token()) return show("login");
  try {
    const me = await json("/auth/me");
    $("#who").textContent = `${me.username} · ${me.agency_code || "mọi cơ quan"}`;
    kinds = await json("/kinds");
    show("open");
  } catch (_) { show("login"); }
}
start();

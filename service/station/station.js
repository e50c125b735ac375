// boxcar packing station. Plain JavaScript, no build step, no framework:
// the page talks to the service it came from (POST /v1/pack for the boxes
// and the policy verdict, POST /v1/pack/svg for the pictures, GET
// /v1/policy for the policy's assumptions) and never builds HTML from text
// it received: every string goes in through textContent.
//
// On a server with a container pool (GET /healthz says "pool": true) the
// page has a station field: with a station, /v1/pack?station=S packs from
// the containers ready there and issues them, so the pictures are asked
// for first (/v1/pack/svg?station=S only looks) and shown only when they
// are of the packing that was then issued.
"use strict";

const $ = (id) => document.getElementById(id);
const KNOWN_KEY = "boxcar.station.items";
const STATION_KEY = "boxcar.station.station";

function known() {
  try { return JSON.parse(localStorage.getItem(KNOWN_KEY) || "{}"); } catch (e) { return {}; }
}

function remember(item) {
  try {
    const k = known();
    k[item.item_id] = item;
    localStorage.setItem(KNOWN_KEY, JSON.stringify(k));
  } catch (e) { /* storage may be off: the station works without it */ }
}

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---- the items table -------------------------------------------------------

const FIELDS = ["item_id", "l_mm", "w_mm", "h_mm", "weight_g", "qty"];

function addRow(item) {
  const tr = el("tr");
  for (const f of FIELDS) {
    const td = el("td");
    const input = el("input", { "data-field": f, "aria-label": f });
    if (f !== "item_id") { input.className = "num"; input.inputMode = "numeric"; }
    input.value = item[f] !== undefined ? String(item[f]) : (f === "qty" ? "1" : "");
    td.appendChild(input);
    tr.appendChild(td);
  }
  const rot = el("select", { "data-field": "rotation", "aria-label": "rotation" });
  for (const r of ["any", "upright", "fixed"]) rot.appendChild(el("option", { value: r }, r));
  rot.value = item.rotation || "any";
  const frag = el("input", { type: "checkbox", "data-field": "fragile", "aria-label": "fragile" });
  frag.checked = !!item.fragile;
  const del = el("button", { type: "button", class: "remove", "aria-label": "remove" }, "✕");
  del.addEventListener("click", () => tr.remove());
  for (const c of [rot, frag, del]) { const td = el("td"); td.appendChild(c); tr.appendChild(td); }
  $("items").tBodies[0].appendChild(tr);
  return tr;
}

function rows() { return Array.from($("items").tBodies[0].rows); }

function field(tr, f) { return tr.querySelector(`[data-field="${f}"]`); }

function rowItem(tr) {
  const item = {};
  for (const f of FIELDS) item[f] = field(tr, f).value.trim();
  item.rotation = field(tr, "rotation").value;
  item.fragile = field(tr, "fragile").checked;
  return item;
}

// A scanned id adds one to its row, or starts a row (filled in from the
// items this station has packed before, when it knows the id).
function scan(id) {
  id = id.trim();
  if (!id) return;
  for (const tr of rows()) {
    if (field(tr, "item_id").value.trim() === id) {
      const q = field(tr, "qty");
      q.value = String((parseInt(q.value, 10) || 0) + 1);
      return tr;
    }
  }
  const k = known()[id];
  const tr = addRow(k ? Object.assign({}, k, { qty: 1 }) : { item_id: id });
  if (!k) field(tr, "l_mm").focus();
  return tr;
}

// Integers go as numbers; anything else goes as typed, so the service
// names the field that is wrong rather than the page guessing.
function value(v) { return /^\d+$/.test(v) ? Number(v) : v; }

// One object per line: line N+1 of the body is row N, so the line in an
// error message points at the row.
function orderBody() {
  const orderId = $("order-id").value.trim();
  const lines = rows().map((tr) => {
    const it = rowItem(tr);
    const line = { order_id: orderId, item_id: it.item_id };
    for (const f of FIELDS.slice(1)) line[f] = value(it[f]);
    if (it.rotation !== "any") line.rotation = it.rotation;
    if (it.fragile) line.fragile = true;
    return JSON.stringify(line);
  });
  return "[\n" + lines.join(",\n") + "\n]\n";
}

// ---- talking to the service ----------------------------------------------------

let selftestToken = "";

function headers(contentType) {
  const h = { "Content-Type": contentType, "Accept": "application/json" };
  const token = $("token").value.trim() || selftestToken;
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

async function post(path, body, contentType) {
  const res = await fetch(path, { method: "POST", headers: headers(contentType), body });
  let doc = null;
  try { doc = await res.json(); } catch (e) { doc = null; }
  if (!res.ok) {
    const msg = doc && doc.message ? doc.message : `HTTP ${res.status}`;
    const err = new Error(msg);
    err.doc = doc;
    throw err;
  }
  return doc;
}

function setStatus(text, isError) {
  const s = $("status");
  s.textContent = text;
  s.className = isError ? "error" : "muted";
}

function pct(v) { return Number(v).toFixed(1); }

function renderBoxes(result, pictures) {
  const boxes = $("boxes");
  boxes.replaceChildren();
  const n = result.boxes.length;
  result.boxes.forEach((b, i) => {
    const card = el("article", { class: "box", "data-box-id": b.box_id });
    const head = el("div", { class: "box-head" });
    head.appendChild(el("span", { class: "box-id" }, b.box_id));
    if (b.container_id) head.appendChild(el("span", { class: "container-id" }, `container ${b.container_id}`));
    head.appendChild(el("span", { class: "figure" }, `box ${b.box_seq} of ${n}`));
    head.appendChild(el("span", { class: "figure" }, `${b.n_units} units`));
    head.appendChild(el("span", { class: "figure fill" }, `fill ${pct(b.fill_pct)} %`));
    head.appendChild(el("span", { class: "figure void" }, `void ${pct(b.void_pct)} %`));
    head.appendChild(el("span", { class: "figure" }, `${(b.gross_weight_g / 1000).toFixed(3)} kg gross`));
    card.appendChild(head);
    const svg = pictures && pictures.svg ? pictures.svg[i] : null;
    if (svg) {
      const img = el("img", { alt: `box ${b.box_seq}: ${b.box_id}, units numbered in load order` });
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
      card.appendChild(img);
    } else {
      card.appendChild(el("p", { class: "muted" }, pictures && pictures.svg
        ? "(no picture: too many units to draw)"
        : "(no picture: the pool changed between the picture and the packing)"));
    }
    const list = el("ol", { class: "load-order" });
    const placed = b.placements.slice().sort((p, q) => p.load_seq - q.load_seq);
    for (const p of placed) {
      list.appendChild(el("li", {},
        `${p.item_id} at x ${p.x_mm}, y ${p.y_mm}, z ${p.z_mm} mm (${p.l_mm} × ${p.w_mm} × ${p.h_mm})`));
    }
    card.appendChild(el("h3", {}, "Load order"));
    card.appendChild(list);
    boxes.appendChild(card);
  });
  const un = $("unpacked");
  un.replaceChildren();
  for (const u of result.unpacked) {
    un.appendChild(el("p", { class: "unpacked" }, `Not packed: ${u.units} × ${u.item_id}: ${u.reason}`));
  }
}

// ---- the policy verdict ------------------------------------------------------
// The answer to /v1/pack carries the verdict as `boxcar pack --policy`
// writes it (the order's violations, and each box's); the assumptions the
// policy rests on come once from GET /v1/policy.

let policyInfo = null;

function clearVerdict(text) {
  $("verdict").textContent = text;
  $("verdict").className = "muted";
  $("violations").replaceChildren();
}

function violationText(v, where) {
  let t = `${where}${v.code}: ${v.message}`;
  if (v.value !== undefined) t += ` (value ${v.value}`;
  if (v.limit !== undefined) t += `${v.value !== undefined ? ", " : " ("}limit ${v.limit}`;
  if (v.value !== undefined || v.limit !== undefined) t += ")";
  return t;
}

// "compliant", "N violations", or "no policy": also what the self-test
// reports.
function renderVerdict(result) {
  const list = $("violations");
  list.replaceChildren();
  if (!result.policy) {
    clearVerdict("No policy on this server: the fill and void figures are measured, not judged.");
    return "no policy";
  }
  const all = [];
  for (const v of result.violations || []) all.push(["order: ", v]);
  for (const b of result.boxes) {
    for (const v of b.violations || []) all.push([`box ${b.box_seq} (${b.box_id}): `, v]);
  }
  const p = $("verdict");
  if (all.length === 0) {
    p.textContent = `Compliant with policy ${result.policy}.`;
    p.className = "verdict-ok";
  } else {
    p.textContent = `Policy ${result.policy}: ${all.length} violation${all.length === 1 ? "" : "s"}.`;
    p.className = "verdict-bad";
    for (const [where, v] of all) {
      const li = el("li", { class: "violation", "data-code": v.code }, violationText(v, where));
      list.appendChild(li);
    }
  }
  return all.length === 0 ? "compliant" : `${all.length} violations`;
}

function renderAssumptions() {
  const box = $("assumptions-box"), list = $("assumptions");
  list.replaceChildren();
  const as = policyInfo && policyInfo.assumptions ? policyInfo.assumptions : [];
  for (const a of as) list.appendChild(el("li", { class: "assumption" }, a));
  box.hidden = as.length === 0;
}

async function loadPolicy() {
  try {
    const res = await fetch("/v1/policy", { headers: headers("application/json") });
    policyInfo = res.ok ? await res.json() : null;
  } catch (e) {
    policyInfo = null;
  }
  renderAssumptions();
}

async function packBody(body, contentType) {
  setStatus("Packing…", false);
  $("boxes").replaceChildren();
  $("unpacked").replaceChildren();
  clearVerdict("…");
  try {
    const station = stationQuery();
    let pictures = null;
    let result;
    if (station) {
      // the pictures of what the station is about to issue, then the issue
      try { pictures = await post("/v1/pack/svg" + station, body, contentType); } catch (e) { pictures = null; }
      result = await post("/v1/pack" + station, body, contentType);
      if (pictures && !samePacking(result, pictures)) pictures = null;
    } else {
      result = await post("/v1/pack", body, contentType);
      try { pictures = await post("/v1/pack/svg", body, contentType); } catch (e) { pictures = null; }
    }
    renderBoxes(result, pictures);
    // what the station will need next: its forecast (the pool's history)
    if (station) await loadForecast(station);
    // the assumptions of the policy that judged this order (a reload may
    // have brought another since the page loaded)
    if (result.policy) await loadPolicy();
    result.verdict = renderVerdict(result);
    const n = result.boxes.length;
    const best = result.count_optimal ? " (fewest possible)" : ` (at least ${result.lower_bound} needed)`;
    const issued = result.boxes.filter((b) => b.container_id).map((b) => b.container_id);
    result.containers = issued.join(" ");
    const taken = issued.length ? ` Containers issued: ${issued.join(", ")}.` : "";
    setStatus(`Order ${result.order_id}: ${n} box${n === 1 ? "" : "es"}${best}.${taken}`, false);
    return result;
  } catch (e) {
    setStatus(e.message, true);
    clearVerdict("No verdict: the order was not packed.");
    return null;
  }
}

// The station's forecast (GET /v1/containers/forecast?station=S): per
// container type, the next days' issues and returns with their 80 %
// intervals; or why there is none (too little history, say).
async function loadForecast(station) {
  const box = $("forecast-box"), table = $("forecast"), status = $("forecast-status");
  box.hidden = false;
  table.replaceChildren();
  try {
    const res = await fetch("/v1/containers/forecast" + station, { headers: headers("application/json") });
    const doc = await res.json();
    if (!res.ok) {
      status.textContent = "No forecast: " + (doc && doc.message ? doc.message : `HTTP ${res.status}`);
      return;
    }
    status.textContent = doc.types.length
      ? "Containers this station will issue and take back (80 % intervals):"
      : "No forecast: no container was issued or returned here yet.";
    const head = document.createElement("tr");
    for (const t of ["type", "day", "issues", "returns"]) {
      const th = document.createElement("th");
      th.textContent = t;
      head.append(th);
    }
    if (doc.types.length) table.append(head);
    const range = (d) => `${d.mean.toFixed(1)} (${d.lo}–${d.hi})`;
    for (const t of doc.types) {
      t.issues.days.forEach((d, i) => {
        const tr = document.createElement("tr");
        const day = new Date((doc.first_day + i * 86400) * 1000).toISOString().slice(0, 10);
        for (const text of [t.type, day, range(d), range(t.returns.days[i])]) {
          const td = document.createElement("td");
          td.textContent = text;
          tr.append(td);
        }
        table.append(tr);
      });
    }
  } catch (e) {
    status.textContent = "No forecast: " + e.message;
  }
}

// "?station=S" when the pool is on and a station is filled in, else "".
function stationQuery() {
  if ($("station-box").hidden) return "";
  const s = $("station").value.trim();
  try { localStorage.setItem(STATION_KEY, s); } catch (e) { /* storage may be off */ }
  return s ? "?station=" + encodeURIComponent(s) : "";
}

function samePacking(result, pictures) {
  const ids = result.boxes.map((b) => b.box_id);
  const cids = result.boxes.map((b) => b.container_id || null);
  return JSON.stringify(ids) === JSON.stringify(pictures.box_ids || []) &&
         JSON.stringify(cids) === JSON.stringify(pictures.container_ids || []);
}

async function loadHealth() {
  try {
    const res = await fetch("/healthz", { headers: { "Accept": "application/json" } });
    const h = await res.json();
    $("station-box").hidden = !h.pool;
    if (h.pool) {
      try { $("station").value = localStorage.getItem(STATION_KEY) || ""; } catch (e) { /* off */ }
    }
  } catch (e) {
    $("station-box").hidden = true;
  }
}

function packTable() {
  for (const tr of rows()) {
    const it = rowItem(tr);
    if (it.item_id && /^\d+$/.test(it.l_mm)) remember(Object.assign({}, it, { qty: undefined }));
  }
  return packBody(orderBody(), "application/json");
}

function packPasted() {
  const text = $("paste").value;
  const type = /^\s*[\[{]/.test(text) ? "application/json" : "text/csv";
  return packBody(text, type);
}

async function loadCatalog() {
  try {
    const res = await fetch("/v1/catalog", { headers: headers("application/json") });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const boxes = await res.json();
    const ids = boxes.map((b) => b.box_id);
    $("catalog-info").textContent =
      `catalog: ${ids.length} boxes (${ids.slice(0, 3).join(", ")}${ids.length > 3 ? " … " + ids[ids.length - 1] : ""})`;
  } catch (e) {
    $("catalog-info").textContent = "catalog: not available (" + e.message + ")";
  }
}

// ---- scripted self-test ------------------------------------------------------
// /?selftest=id,l,w,h,g,qty;id,... fills the form as a packer would (scan,
// type, press Pack), waits for the answer and records what the page shows
// in #selftest-result, for the headless-browser test to read.

async function selftest(spec) {
  const out = $("selftest-result");
  const report = (ok, text) => { out.dataset.status = ok ? "pass" : "fail"; out.textContent = text; };
  try {
    $("clear").click();
    for (const part of spec.split(";")) {
      const [id, l, w, h, g, qty] = part.split(",");
      const s = $("scan");
      s.value = id;
      s.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
      const tr = rows().find((r) => field(r, "item_id").value === id);
      if (!tr) return report(false, `scanning ${id} made no row`);
      for (const [f, v] of [["l_mm", l], ["w_mm", w], ["h_mm", h], ["weight_g", g], ["qty", qty]]) {
        field(tr, f).value = v;
        field(tr, f).dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
    const result = await new Promise((resolve) => {
      window.__packed = resolve;
      $("pack").click();
    });
    if (!result) return report(false, "pack failed: " + $("status").textContent);
    const shown = Array.from(document.querySelectorAll(".box .box-id")).map((e) => e.textContent);
    const pics = document.querySelectorAll(".box img[src^='data:image/svg+xml']").length;
    const want = result.boxes.map((b) => b.box_id);
    const ok = shown.join(" ") === want.join(" ") && pics === want.length && want.length > 0;
    const codes = Array.from(document.querySelectorAll("#violations .violation"))
      .map((e) => e.dataset.code);
    const assumed = document.querySelectorAll("#assumptions .assumption").length;
    const containers = Array.from(document.querySelectorAll(".box .container-id")).map((e) => e.textContent);
    report(ok, `boxes shown: ${shown.join(" ")}; pictures: ${pics}; verdict: ${result.verdict}; ` +
               `codes: ${codes.join(" ")}; assumptions: ${assumed}; ` +
               `containers: ${containers.join(", ")}; status: ${$("status").textContent}`);
  } catch (e) {
    report(false, "self-test error: " + e.message);
  }
}

// ---- wiring ------------------------------------------------------------------

function init() {
  $("scan").addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    ev.preventDefault();
    scan(ev.target.value);
    ev.target.value = "";
  });
  $("add-item").addEventListener("click", () => field(addRow({}), "item_id").focus());
  $("clear").addEventListener("click", () => {
    $("items").tBodies[0].replaceChildren();
    $("boxes").replaceChildren();
    $("unpacked").replaceChildren();
    clearVerdict("Pack an order to see the verdict.");
    setStatus("Enter the items and press Pack.", false);
  });
  $("pack").addEventListener("click", async () => {
    const r = await packTable();
    if (window.__packed) window.__packed(r);
  });
  $("pack-paste").addEventListener("click", packPasted);
  loadCatalog();
  const query = new URLSearchParams(location.search);
  const ready = Promise.all([loadPolicy(), loadHealth()]);
  const spec = query.get("selftest");
  // the self-test may name a station and the token (a test server's, for
  // the headless browser, which cannot type one in)
  if (spec) {
    selftestToken = query.get("token") || "";
    ready.then(() => {
      if (query.get("station") !== null) $("station").value = query.get("station");
      selftest(spec);
    });
  }
}

init();

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
//
// The page speaks Chinese (zh-CN) and English: ?lang=zh|en, else the last
// choice made with the switch, else the browser's languages. The GB 45186
// verdict is told in the terms packers know (空隙率, 包装层数, 封箱胶带),
// with numbers rounded as people read them; the policy's own words stay
// below it. Each box gets a legend of its item ids and its loading steps
// as pictures, layer by layer, drawn here from the placements.
"use strict";

const $ = (id) => document.getElementById(id);
const KNOWN_KEY = "boxcar.station.items";
const STATION_KEY = "boxcar.station.station";
const LANG_KEY = "boxcar.station.lang";

// ---- languages ---------------------------------------------------------------

const TEXT = {
  en: {
    title: "packing station", order: "Order", order_id: "Order id",
    station: "Station (reusable containers; needs the token)", station_none: "none: cartons only",
    scan: "Scan or type an item id, then Enter", scan_placeholder: "item id or barcode",
    item_id: "item id", l_mm: "length mm", w_mm: "width mm", h_mm: "height mm",
    weight_g: "weight g", qty: "qty", rotation: "rotation", fragile: "fragile",
    add_item: "Add item", clear: "Clear", next_order: "Next order (F2)", pack: "Pack",
    keys: "Enter moves to the next field; Enter in the last field, or on an empty scan field, packs; F2 starts the next order.",
    paste: "Paste an order (CSV or JSON order lines, as in boxcar pack --orders)",
    pack_paste: "Pack pasted order", token: "Access token",
    token_label: "Bearer token (only if this server asks for one)",
    boxes: "Boxes", status_ready: "Enter the items and press Pack.", packing: "Packing…",
    verdict_title: "Policy verdict", verdict_wait: "Pack an order to see the verdict.",
    assumes: "The verdict assumes",
    catalog_loading: "catalog: loading…",
    catalog: (n, ids) => `catalog: ${n} boxes (${ids})`,
    catalog_none: (why) => `catalog: not available (${why})`,
    rot_any: "any", rot_upright: "upright", rot_fixed: "fixed", remove: "remove",
    box_of: (i, n) => `box ${i} of ${n}`, units: (n) => `${n} unit${n === 1 ? "" : "s"}`,
    fill: (v) => `fill ${v} %`, void: (v) => `void ${v} %`, gross: (kg) => `${kg} kg gross`,
    outer: (l, w, h) => `outside ${l} × ${w} × ${h} mm`,
    container: (id) => `container ${id}`,
    picture_alt: (seq, id) => `box ${seq}: ${id}, units numbered in load order`,
    no_picture_full: "(no picture: too many units to draw)",
    no_picture_pool: "(no picture: the pool changed between the picture and the packing)",
    legend: "Items", steps: "Loading, layer by layer",
    step: (i, n, z) => `${i}/${n}: at ${z} mm`, coordinates: "Coordinates (load order)",
    placed: (p) => `${p.item_id} at x ${p.x_mm}, y ${p.y_mm}, z ${p.z_mm} mm (${p.l_mm} × ${p.w_mm} × ${p.h_mm})`,
    not_packed: (u) => `Not packed: ${u.units} × ${u.item_id}: ${u.reason}`,
    done: (id, n, best, taken) => `Order ${id}: ${n} box${n === 1 ? "" : "es"}${best}.${taken}`,
    fewest: " (fewest possible)", at_least: (n) => ` (at least ${n} needed)`,
    issued: (ids) => ` Containers issued: ${ids}.`,
    no_policy: "No policy on this server: the fill and void figures are measured, not judged.",
    compliant: (p) => `Compliant with policy ${p}.`,
    violations: (p, n) => `Policy ${p}: ${n} violation${n === 1 ? "" : "s"}.`,
    not_packed_verdict: "No verdict: the order was not packed.",
    where_order: "order: ", where_box: (seq, id) => `box ${seq} (${id}): `,
    VOID: (v, l) => `Void ratio ${v} %, over the limit of ${l} %`,
    LAYERS: (v, l) => `${v} packaging layers, over the limit of ${l}`,
    TAPE: (v, l) => `About ${v} m of sealing tape, over the limit of ${l} m`,
    value_limit: (v, l) => `value ${v}, limit ${l}`,
    row_error: (row, id, f, why) => `Row ${row}${id ? " (" + id + ")" : ""}, ${f}: ${why}`,
    empty: "empty: enter it",
    next_ready: "Next order: scan the first item.",
    new_item: (id) => `${id} is not in the item master: measure it once; it is saved when the order packs (with the token).`,
    saved_items: (ids) => ` Saved to the item master: ${ids}.`,
    not_saved: (why) => ` Not saved to the item master: ${why}.`,
    arrivals_title: "Planned arrivals",
    arrivals_some: "Containers the rebalancing plan sends here before the next days:",
    arrivals_none: "The rebalancing plan sends no containers here.",
    arrivals_head: ["type", "from", "containers", "km"],
    arrivals_short: (n) => ` Even so ${n} short: not enough containers.`,
    no_plan: (why) => `No plan: ${why}`,
  },
  zh: {
    title: "打包工位", order: "订单", order_id: "订单号",
    station: "工位（循环箱；需要令牌）", station_none: "不填：只用纸箱",
    scan: "扫描或输入商品编码，按回车", scan_placeholder: "商品编码或条码",
    item_id: "商品编码", l_mm: "长 (mm)", w_mm: "宽 (mm)", h_mm: "高 (mm)",
    weight_g: "重量 (g)", qty: "数量", rotation: "摆放", fragile: "易碎",
    add_item: "添加商品", clear: "清空", next_order: "下一单 (F2)", pack: "装箱",
    keys: "回车跳到下一格；在最后一格或空的扫描框按回车即装箱；F2 开始下一单。",
    paste: "粘贴订单（CSV 或 JSON 订单行，同 boxcar pack --orders）",
    pack_paste: "按粘贴的订单装箱", token: "访问令牌",
    token_label: "Bearer 令牌（仅当服务器要求时）",
    boxes: "箱子", status_ready: "录入商品后按“装箱”。", packing: "正在装箱…",
    verdict_title: "合规判定", verdict_wait: "装箱后显示判定。",
    assumes: "判定所依据的假设",
    catalog_loading: "箱型：加载中…",
    catalog: (n, ids) => `箱型：${n} 种（${ids}）`,
    catalog_none: (why) => `箱型：无法获取（${why}）`,
    rot_any: "任意", rot_upright: "朝上", rot_fixed: "固定", remove: "删除",
    box_of: (i, n) => `第 ${i} 箱，共 ${n} 箱`, units: (n) => `${n} 件`,
    fill: (v) => `填充率 ${v} %`, void: (v) => `空隙率 ${v} %`, gross: (kg) => `毛重 ${kg} kg`,
    outer: (l, w, h) => `外尺寸 ${l} × ${w} × ${h} mm`,
    container: (id) => `循环箱 ${id}`,
    picture_alt: (seq, id) => `第 ${seq} 箱：${id}，数字为装箱顺序`,
    no_picture_full: "（件数过多，无法绘图）",
    no_picture_pool: "（绘图与装箱之间循环箱有变化，不显示图）",
    legend: "商品", steps: "装箱步骤（逐层）",
    step: (i, n, z) => `第 ${i}/${n} 层：高度 ${z} mm`, coordinates: "坐标（装箱顺序）",
    placed: (p) => `${p.item_id}：x ${p.x_mm}，y ${p.y_mm}，z ${p.z_mm} mm（${p.l_mm} × ${p.w_mm} × ${p.h_mm}）`,
    not_packed: (u) => `未装箱：${u.units} × ${u.item_id}：${u.reason}`,
    done: (id, n, best, taken) => `订单 ${id}：${n} 箱${best}。${taken}`,
    fewest: "（已是最少箱数）", at_least: (n) => `（至少需要 ${n} 箱）`,
    issued: (ids) => `已领用循环箱：${ids}。`,
    no_policy: "本服务器未启用规则：填充率和空隙率只是测量值，不作判定。",
    compliant: (p) => `符合 ${p} 规则。`,
    violations: (p, n) => `${p}：${n} 项不合规。`,
    not_packed_verdict: "订单未装箱，无判定。",
    where_order: "订单：", where_box: (seq, id) => `第 ${seq} 箱（${id}）：`,
    VOID: (v, l) => `空隙率 ${v} %，超过限值 ${l} %`,
    LAYERS: (v, l) => `包装层数 ${v} 层，超过限值 ${l} 层`,
    TAPE: (v, l) => `封箱胶带约 ${v} m，超过限值 ${l} m`,
    value_limit: (v, l) => `数值 ${v}，限值 ${l}`,
    row_error: (row, id, f, why) => `第 ${row} 行${id ? "（" + id + "）" : ""}，${f}：${why}`,
    empty: "未填写，请输入",
    next_ready: "下一单：请扫描第一件商品。",
    new_item: (id) => `商品库中没有 ${id}：请测量一次尺寸，装箱后（有令牌时）自动保存。`,
    saved_items: (ids) => `已存入商品库：${ids}。`,
    not_saved: (why) => `未存入商品库：${why}。`,
    arrivals_title: "计划调入",
    arrivals_some: "调拨计划在未来几天前调入本工位的循环箱：",
    arrivals_none: "调拨计划没有调入本工位的循环箱。",
    arrivals_head: ["箱型", "调出工位", "数量", "公里"],
    arrivals_short: (n) => `调拨后仍缺 ${n} 个：循环箱总数不足。`,
    no_plan: (why) => `无调拨计划：${why}`,
  },
};

let lang = "en";

function t(key, ...args) {
  const v = TEXT[lang][key] !== undefined ? TEXT[lang][key] : TEXT.en[key];
  return typeof v === "function" ? v(...args) : v;
}

function chooseLang() {
  const q = new URLSearchParams(location.search).get("lang");
  if (q) return q.toLowerCase().startsWith("zh") ? "zh" : "en";
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === "zh" || saved === "en") return saved;
  } catch (e) { /* storage may be off */ }
  for (const l of navigator.languages || [navigator.language || "en"]) {
    if (l.toLowerCase().startsWith("zh")) return "zh";
    if (l.toLowerCase().startsWith("en")) return "en";
  }
  return "en";
}

function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = lang === "zh" ? "boxcar 打包工位" : "boxcar packing station";
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll("[data-i18n-placeholder]")) {
    e.placeholder = t(e.dataset.i18nPlaceholder);
  }
  const sw = $("lang-switch");
  sw.textContent = lang === "zh" ? "English" : "中文";
  sw.lang = lang === "zh" ? "en" : "zh-CN";
  for (const o of document.querySelectorAll("option[data-rot]")) o.textContent = t("rot_" + o.value);
}

// Numbers as people read them: whole numbers as they are, others to the
// precision their size needs (0.5166 -> 0.52, 12.345 -> 12.3).
function num(v) {
  const a = Math.abs(v);
  const digits = Number.isInteger(v) || a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}

// A ratio (0.5166) as a percentage to one decimal, "51.7"; "40", not "40.0".
function percent(ratio) { return String(Number((100 * ratio).toFixed(1))); }

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
    const input = el("input", { "data-field": f, "aria-label": f, maxlength: f === "item_id" ? "63" : "9" });
    if (f !== "item_id") { input.className = "num"; input.inputMode = "numeric"; }
    input.value = item[f] !== undefined ? String(item[f]) : (f === "qty" ? "1" : "");
    td.appendChild(input);
    tr.appendChild(td);
  }
  const rot = el("select", { "data-field": "rotation", "aria-label": "rotation" });
  for (const r of ["any", "upright", "fixed"]) {
    rot.appendChild(el("option", { value: r, "data-rot": "" }, t("rot_" + r)));
  }
  rot.value = item.rotation || "any";
  const frag = el("input", { type: "checkbox", "data-field": "fragile", "aria-label": "fragile" });
  frag.checked = !!item.fragile;
  const del = el("button", { type: "button", class: "remove", "aria-label": t("remove") }, "✕");
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

// A scanned code adds one to its row, or starts a row: filled in from the
// server's item master (by sku or barcode) when it has one, else from the
// items this station has packed before; a code neither knows gets an
// empty row, marked new, whose sizes the packer measures once (saved to
// the master after the order packs, when the page has the token).
let itemsOn = false;     // the server has an item master
let lastScan = null;     // the scan under way (the self-test waits for it)
let notSaved = [];       // new items the master refused after the last packing, and why

function rowFor(code) {
  return rows().find((tr) => field(tr, "item_id").value.trim() === code ||
                             (tr.dataset.codes || "").split(" ").includes(code));
}

function addOne(tr) {
  const q = field(tr, "qty");
  q.value = String((parseInt(q.value, 10) || 0) + 1);
  return tr;
}

async function lookup(code) {
  try {
    const res = await fetch("/v1/items/" + encodeURIComponent(code), { headers: headers("application/json") });
    return res.ok ? await res.json() : null;
  } catch (e) {
    return null;
  }
}

async function scan(id) {
  id = id.trim();
  if (!id) return null;
  const had = rowFor(id);
  if (had) return addOne(had);
  const k = known()[id];
  const master = !k && itemsOn ? await lookup(id) : null;
  if (master) {
    const same = rowFor(master.sku);
    if (same) {
      same.dataset.codes = `${same.dataset.codes || ""} ${id}`.trim();
      return addOne(same);
    }
    const tr = addRow({ item_id: master.sku, l_mm: master.l_mm, w_mm: master.w_mm, h_mm: master.h_mm,
                        weight_g: master.weight_g, qty: 1, rotation: master.rotation,
                        fragile: master.fragile });
    tr.dataset.codes = [master.sku].concat(master.barcodes || [], [id]).join(" ");
    return tr;
  }
  const tr = addRow(k ? Object.assign({}, k, { qty: 1 }) : { item_id: id });
  if (!k) {
    if (itemsOn) {
      tr.dataset.new = "1";
      setStatus(t("new_item", id), false);
    }
    field(tr, "l_mm").focus();
  }
  return tr;
}

// After a packing: the new items, measured once, into the item master
// (with the token); their rows are then no longer new.
async function saveNewItems() {
  notSaved = [];
  const fresh = rows().filter((tr) => tr.dataset.new === "1");
  if (!fresh.length || !itemsOn) return [];
  const saved = [];
  for (const tr of fresh) {
    const it = rowItem(tr);
    const item = { sku: it.item_id, l_mm: value(it.l_mm), w_mm: value(it.w_mm), h_mm: value(it.h_mm),
                   weight_g: value(it.weight_g), rotation: it.rotation, fragile: it.fragile };
    if (/^\d{8,14}$/.test(it.item_id)) item.barcodes = [it.item_id];
    try {
      await post("/v1/items", JSON.stringify(item), "application/json");
      delete tr.dataset.new;
      saved.push(it.item_id);
    } catch (e) {
      if (e.doc && e.doc.status === 409) delete tr.dataset.new;
      else notSaved.push(`${it.item_id} (${e.message})`);
    }
  }
  return saved;
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

// ---- the boxes: figures, legend, pictures of the loading steps ---------------

let catalogBoxes = {};   // box_id -> the catalog's box (inner sizes)
let lastShown = null;    // [result, pictures], drawn again in another language

// The colours of the server's pictures (pack_svg.c), one per order line.
const PALETTE = ["#4f86c6", "#e88a3a", "#5ba85a", "#c94c4c", "#8e6bbf", "#d9b32b",
                 "#3fa7a7", "#d46fa5", "#7a8699", "#9c6b45"];
let lineOf = new Map();  // item_id -> its line in the order last sent from the table
const SVG_NS = "http://www.w3.org/2000/svg";

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// Each item id's colour: its order line's, as in the server's pictures
// (for a pasted order, whose lines the page does not read, the order in
// which items are first loaded).
function itemKeys(result) {
  const keys = new Map();
  for (const b of result.boxes) {
    for (const p of b.placements.slice().sort((x, y) => x.load_seq - y.load_seq)) {
      if (!keys.has(p.item_id)) {
        const line = lineOf.has(p.item_id) ? lineOf.get(p.item_id) : keys.size;
        keys.set(p.item_id, { colour: PALETTE[line % PALETTE.length] });
      }
    }
  }
  return keys;
}

function legend(b, keys) {
  const counts = new Map();
  for (const p of b.placements) counts.set(p.item_id, (counts.get(p.item_id) || 0) + 1);
  const list = el("ul", { class: "legend", "aria-label": t("legend") });
  for (const [id, n] of counts) {
    const k = keys.get(id);
    const li = el("li", { class: "legend-item" });
    const sw = el("span", { class: "swatch", "aria-hidden": "true" });
    sw.style.background = k.colour;
    li.appendChild(sw);
    li.appendChild(el("span", { class: "legend-id" }, id));
    li.appendChild(el("span", { class: "legend-count" }, `× ${n}`));
    list.appendChild(li);
  }
  return list;
}

// One top view per layer (the units that rest at one height): the layer's
// units in their item's colour, numbered in load order as in the box's
// picture, those already in grey.
function steps(b, keys) {
  const inner = catalogBoxes[b.box_id];
  let L = inner ? inner.inner_l_mm : 0, W = inner ? inner.inner_w_mm : 0;
  for (const p of b.placements) { L = Math.max(L, p.x_mm + p.l_mm); W = Math.max(W, p.y_mm + p.w_mm); }
  const heights = Array.from(new Set(b.placements.map((p) => p.z_mm))).sort((x, y) => x - y);
  const MAX_STEPS = 12;
  const shownHeights = heights.length > MAX_STEPS ? heights.slice(0, MAX_STEPS) : heights;
  const wrap = el("div", { class: "steps" });
  const px = 180 / Math.max(L, W); // the longer side is 180 px
  shownHeights.forEach((z, i) => {
    const last = i === shownHeights.length - 1;
    const fig = el("figure", { class: "step" });
    const svg = svgEl("svg", { viewBox: `-2 -2 ${L * px + 4} ${W * px + 4}`,
                               width: Math.round(L * px + 4), height: Math.round(W * px + 4),
                               role: "img" });
    svg.appendChild(svgEl("rect", { x: 0, y: 0, width: L * px, height: W * px,
                                    fill: "#fff", stroke: "#1d2430", "stroke-width": 1.5 }));
    const now = (p) => p.z_mm === z || (last && p.z_mm > z);
    const below = b.placements.filter((p) => p.z_mm < z);
    const here = b.placements.filter(now);
    for (const p of below) {
      svg.appendChild(svgEl("rect", { x: p.x_mm * px, y: p.y_mm * px, width: p.l_mm * px,
                                      height: p.w_mm * px, fill: "#e3e6ea", stroke: "#b8bec7" }));
    }
    for (const p of here) {
      const k = keys.get(p.item_id);
      const w = p.l_mm * px, h = p.w_mm * px;
      svg.appendChild(svgEl("rect", { x: p.x_mm * px, y: p.y_mm * px, width: w, height: h,
                                      fill: k.colour, stroke: "#1d2430", "stroke-width": 0.8 }));
      const size = Math.min(18, Math.min(w, h) * 0.6);
      if (size >= 10) {
        svg.appendChild(svgEl("text", { x: p.x_mm * px + w / 2, y: p.y_mm * px + h / 2,
                                        "font-size": size.toFixed(1), "font-weight": 700,
                                        "text-anchor": "middle", "dominant-baseline": "central",
                                        fill: "#fff", stroke: "#1d2430", "stroke-width": 0.6,
                                        "paint-order": "stroke" }, String(p.load_seq)));
      }
    }
    fig.appendChild(svg);
    fig.appendChild(el("figcaption", {}, t("step", i + 1, shownHeights.length, z)));
    wrap.appendChild(fig);
  });
  return wrap;
}

function renderBoxes(result, pictures) {
  lastShown = [result, pictures];
  const boxes = $("boxes");
  boxes.replaceChildren();
  boxes.className = result.boxes.length > 1 ? "many" : "";
  const n = result.boxes.length;
  const keys = itemKeys(result);
  result.boxes.forEach((b, i) => {
    const card = el("article", { class: "box", "data-box-id": b.box_id });
    const head = el("div", { class: "box-head" });
    head.appendChild(el("span", { class: "box-id" }, b.box_id));
    if (b.container_id) head.appendChild(el("span", { class: "container-id" }, t("container", b.container_id)));
    head.appendChild(el("span", { class: "figure" }, t("box_of", b.box_seq, n)));
    head.appendChild(el("span", { class: "figure" }, t("units", b.n_units)));
    head.appendChild(el("span", { class: "figure fill" }, t("fill", pct(b.fill_pct))));
    head.appendChild(el("span", { class: "figure void" }, t("void", pct(b.void_pct))));
    head.appendChild(el("span", { class: "figure" }, t("gross", (b.gross_weight_g / 1000).toFixed(3))));
    if (b.outer_l_mm) head.appendChild(el("span", { class: "figure" }, t("outer", b.outer_l_mm, b.outer_w_mm, b.outer_h_mm)));
    card.appendChild(head);
    const body = el("div", { class: "box-body" });
    const svg = pictures && pictures.svg ? pictures.svg[i] : null;
    if (svg) {
      const img = el("img", { alt: t("picture_alt", b.box_seq, b.box_id), class: "overview" });
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
      body.appendChild(img);
    } else {
      body.appendChild(el("p", { class: "muted" }, pictures && pictures.svg
        ? t("no_picture_full") : t("no_picture_pool")));
    }
    const side = el("div", { class: "box-side" });
    side.appendChild(el("h3", {}, t("legend")));
    side.appendChild(legend(b, keys));
    body.appendChild(side);
    const loading = el("div", { class: "box-steps" });
    loading.appendChild(el("h3", {}, t("steps")));
    loading.appendChild(steps(b, keys));
    body.appendChild(loading);
    card.appendChild(body);
    const details = el("details", { class: "coordinates" });
    details.appendChild(el("summary", {}, t("coordinates")));
    const list = el("ol", { class: "load-order" });
    const placed = b.placements.slice().sort((p, q) => p.load_seq - q.load_seq);
    for (const p of placed) list.appendChild(el("li", {}, t("placed", p)));
    details.appendChild(list);
    card.appendChild(details);
    boxes.appendChild(card);
  });
  const un = $("unpacked");
  un.replaceChildren();
  for (const u of result.unpacked) un.appendChild(el("p", { class: "unpacked" }, t("not_packed", u)));
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

// A violation in the packer's terms: GB 45186's void ratio (空隙率),
// packaging layers (包装层数) and sealing tape (封箱胶带) with their numbers
// rounded; any other rule as the policy words it, numbers rounded.
function violationText(v) {
  const has = v.value !== undefined && v.limit !== undefined;
  switch (has ? v.code : "") {
  case "GB45186.VOID": return t("VOID", percent(v.value), percent(v.limit));
  case "GB45186.LAYERS": return t("LAYERS", num(v.value), num(v.limit));
  case "GB45186.TAPE": return t("TAPE", (v.value / 1000).toFixed(2), (v.limit / 1000).toFixed(2));
  default: break;
  }
  let text = `${v.code}: ${v.message}`;
  if (has) text += ` (${t("value_limit", num(v.value), num(v.limit))})`;
  return text;
}

// "compliant", "N violations", or "no policy": also what the self-test
// reports.
function renderVerdict(result) {
  const list = $("violations");
  list.replaceChildren();
  if (!result.policy) {
    clearVerdict(t("no_policy"));
    return "no policy";
  }
  const all = [];
  for (const v of result.violations || []) all.push([t("where_order"), v]);
  for (const b of result.boxes) {
    for (const v of b.violations || []) all.push([t("where_box", b.box_seq, b.box_id), v]);
  }
  const p = $("verdict");
  if (all.length === 0) {
    p.textContent = t("compliant", result.policy);
    p.className = "verdict-ok";
  } else {
    p.textContent = t("violations", result.policy, all.length);
    p.className = "verdict-bad";
    for (const [where, v] of all) {
      const li = el("li", { class: "violation", "data-code": v.code });
      li.appendChild(el("span", { class: "where" }, where));
      li.appendChild(el("span", { class: "said" }, violationText(v)));
      li.appendChild(el("small", { class: "policy-words", lang: "en" }, v.message));
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

// A refusal that names a field and a line of a body from the table
// (line N + 1 is row N): that input is marked and focused, and the
// message says the row, its item and the field in the page's language.
function pointAtField(doc) {
  if (!doc || !doc.field || !doc.line) return false;
  const tr = rows()[doc.line - 2];
  const input = tr ? field(tr, doc.field) : null;
  if (!input) return false;
  input.classList.add("invalid");
  input.setAttribute("aria-invalid", "true");
  input.focus();
  const said = String(doc.message || "");
  const at = said.indexOf("': ");
  const why = input.value !== undefined && String(input.value).trim() === "" && input.type !== "checkbox"
    ? t("empty") : (at >= 0 ? said.slice(at + 3) : said);
  setStatus(t("row_error", doc.line - 1, field(tr, "item_id").value.trim(), t(doc.field), why), true);
  return true;
}

async function packBody(body, contentType, fromTable) {
  for (const e of document.querySelectorAll(".invalid")) {
    e.classList.remove("invalid");
    e.removeAttribute("aria-invalid");
  }
  setStatus(t("packing"), false);
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
    const issued = result.boxes.filter((b) => b.container_id).map((b) => b.container_id);
    result.containers = issued.join(" ");
    doneStatus(result);
    return result;
  } catch (e) {
    if (!(fromTable && pointAtField(e.doc))) setStatus(e.message, true);
    clearVerdict(t("not_packed_verdict"));
    return null;
  }
}

function doneStatus(result) {
  const n = result.boxes.length;
  const best = result.count_optimal ? t("fewest") : t("at_least", result.lower_bound);
  const issued = result.boxes.filter((b) => b.container_id).map((b) => b.container_id);
  const taken = issued.length ? t("issued", issued.join(", ")) : "";
  setStatus(t("done", result.order_id, n, best, taken), false);
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
    await loadArrivals(doc.station, doc.types.map((x) => x.type));
  } catch (e) {
    status.textContent = "No forecast: " + e.message;
  }
}

// The station's planned arrivals (GET /v1/containers/plan?type=T, the
// plan over the stations the token may see): the moves that end here,
// per container type; or why there is no plan (no links on the server).
async function loadArrivals(station, types) {
  const table = $("arrivals"), status = $("arrivals-status");
  table.replaceChildren();
  status.textContent = "";
  const rows = [];
  let short = 0;
  try {
    for (const type of types) {
      const res = await fetch("/v1/containers/plan?type=" + encodeURIComponent(type),
                              { headers: headers("application/json") });
      const doc = await res.json();
      if (!res.ok) {
        status.textContent = t("no_plan", doc && doc.message ? doc.message : `HTTP ${res.status}`);
        return;
      }
      for (const m of doc.moves) {
        if (m.to === station) rows.push([type, m.from, String(m.containers), m.distance_km.toFixed(1)]);
      }
      for (const s of doc.stations) if (s.station === station) short += s.shortfall;
    }
  } catch (e) {
    status.textContent = t("no_plan", e.message);
    return;
  }
  status.textContent = (rows.length ? t("arrivals_some") : t("arrivals_none")) +
    (short > 0 ? t("arrivals_short", short) : "");
  if (!rows.length) return;
  const head = document.createElement("tr");
  for (const h of t("arrivals_head")) {
    const th = document.createElement("th");
    th.textContent = h;
    head.append(th);
  }
  table.append(head);
  for (const r of rows) {
    const tr = document.createElement("tr");
    for (const text of r) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    table.append(tr);
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
    itemsOn = !!h.items;
    $("station-box").hidden = !h.pool;
    if (h.pool) {
      try { $("station").value = localStorage.getItem(STATION_KEY) || ""; } catch (e) { /* off */ }
    }
  } catch (e) {
    $("station-box").hidden = true;
  }
}

function packTable() {
  lineOf = new Map(rows().map((tr, i) => [field(tr, "item_id").value.trim(), i]));
  for (const tr of rows()) {
    const it = rowItem(tr);
    if (it.item_id && /^\d+$/.test(it.l_mm)) remember(Object.assign({}, it, { qty: undefined }));
  }
  return packBody(orderBody(), "application/json", true);
}

function packPasted() {
  lineOf = new Map();
  const text = $("paste").value;
  const type = /^\s*[\[{]/.test(text) ? "application/json" : "text/csv";
  return packBody(text, type);
}

async function loadCatalog() {
  try {
    const res = await fetch("/v1/catalog", { headers: headers("application/json") });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const boxes = await res.json();
    catalogBoxes = {};
    for (const b of boxes) catalogBoxes[b.box_id] = b;
    const ids = boxes.map((b) => b.box_id);
    $("catalog-info").textContent = t("catalog", ids.length,
      `${ids.slice(0, 3).join(", ")}${ids.length > 3 ? " … " + ids[ids.length - 1] : ""}`);
  } catch (e) {
    $("catalog-info").textContent = t("catalog_none", e.message);
  }
}

// ---- scripted self-test ------------------------------------------------------
// /?selftest=id,l,w,h,g,qty;id,... fills the form as a packer would (scan,
// type, press Pack), waits for the answer and records what the page shows
// in #selftest-result, for the headless-browser test to read.

async function selftest(spec, expectError) {
  const out = $("selftest-result");
  const report = (ok, text) => { out.dataset.status = ok ? "pass" : "fail"; out.textContent = text; };
  try {
    $("clear").click();
    for (const part of spec.split(";")) {
      const [id, l, w, h, g, qty] = part.split(",");
      const s = $("scan");
      s.value = id;
      s.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
      const tr = await lastScan;
      if (!tr) return report(false, `scanning ${id} made no row`);
      // what the spec leaves empty stays as the scan filled it, except
      // that a length may be left empty on purpose (expect=error)
      for (const [f, v] of [["l_mm", l], ["w_mm", w], ["h_mm", h], ["weight_g", g], ["qty", qty]]) {
        if (v === undefined || (v === "" && !(expectError && f === "l_mm"))) continue;
        field(tr, f).value = v;
        field(tr, f).dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
    // as a packer would: Enter in the last field of the last row packs
    const last = rows()[rows().length - 1];
    const result = await new Promise((resolve) => {
      window.__packed = resolve;
      field(last, "qty").dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    });
    const invalid = Array.from(document.querySelectorAll("#items .invalid"));
    if (expectError) {
      const where = invalid.map((e) => `${e.dataset.field} row ${rows().indexOf(e.closest("tr")) + 1}`);
      const focused = invalid.length === 1 && document.activeElement === invalid[0];
      return report(!result && focused, `invalid: ${where.join(", ")}; lang: ${document.documentElement.lang}; ` +
                                        `status: ${$("status").textContent}`);
    }
    if (!result) return report(false, "pack failed: " + $("status").textContent);
    const shown = Array.from(document.querySelectorAll(".box .box-id")).map((e) => e.textContent);
    const pics = document.querySelectorAll(".box img[src^='data:image/svg+xml']").length;
    const want = result.boxes.map((b) => b.box_id);
    const ok = shown.join(" ") === want.join(" ") && pics === want.length && want.length > 0;
    const codes = Array.from(document.querySelectorAll("#violations .violation"))
      .map((e) => e.dataset.code);
    const assumed = document.querySelectorAll("#assumptions .assumption").length;
    const containers = Array.from(document.querySelectorAll(".box .container-id")).map((e) => e.textContent);
    const legendIds = Array.from(document.querySelectorAll(".box .legend-id")).map((e) => e.textContent);
    const stepCount = document.querySelectorAll(".box .step").length;
    const said = Array.from(document.querySelectorAll("#violations .said")).map((e) => e.textContent);
    // ?next=1: then F2, as a packer starts the next order
    let next = "";
    if (new URLSearchParams(location.search).get("next") === "1") {
      document.dispatchEvent(new KeyboardEvent("keydown", { key: "F2", bubbles: true }));
      next = `next order: ${$("order-id").value}, rows ${rows().length}, ` +
             `boxes ${document.querySelectorAll(".box").length}, ` +
             `focus ${document.activeElement ? document.activeElement.id : ""}; `;
    }
    report(ok, next + `boxes shown: ${shown.join(" ")}; pictures: ${pics}; verdict: ${result.verdict}; ` +
               `codes: ${codes.join(" ")}; assumptions: ${assumed}; ` +
               `containers: ${containers.join(", ")}; lang: ${document.documentElement.lang}; ` +
               `legend: ${legendIds.join(" ")}; steps: ${stepCount}; said: ${said.join(" | ")}; ` +
               `height: ${document.documentElement.scrollHeight}; ` +
               `rows: ${rows().map((r) => { const it = rowItem(r); return `${it.item_id} ${it.l_mm}x${it.w_mm}x${it.h_mm}`; }).join(", ")}; ` +
               `saved: ${result.saved || ""}; ` +
               `status: ${$("status").textContent}`);
  } catch (e) {
    report(false, "self-test error: " + e.message);
  }
}

// ---- wiring ------------------------------------------------------------------

async function doPack() {
  const r = await packTable();
  if (r) {
    const saved = await saveNewItems();
    r.saved = saved.join(" ");
    if (saved.length) setStatus($("status").textContent + t("saved_items", saved.join(", ")), false);
    if (notSaved.length) setStatus($("status").textContent + t("not_saved", notSaved.join("; ")), true);
  }
  if (window.__packed) window.__packed(r);
}

// A new order: the table and the answer cleared, the order id's number
// (if it ends in one) counted on, the scan field ready.
function nextOrder() {
  $("clear").click();
  const id = $("order-id");
  const m = /^(.*?)(\d+)$/.exec(id.value.trim());
  if (m) id.value = m[1] + String(Number(m[2]) + 1).padStart(m[2].length, "0");
  setStatus(t("next_ready"), false);
  $("scan").focus();
}

// Enter in a row moves to its next field; in its last field it packs.
function rowKeys(ev) {
  const input = ev.target;
  if (input.classList.contains("invalid")) {
    input.classList.remove("invalid");
    input.removeAttribute("aria-invalid");
  }
  if (ev.type !== "keydown" || ev.key !== "Enter" || !input.dataset || !input.dataset.field) return;
  ev.preventDefault();
  const i = FIELDS.indexOf(input.dataset.field);
  if (i < 0 || i === FIELDS.length - 1) {
    doPack();
    return;
  }
  const next = field(input.closest("tr"), FIELDS[i + 1]);
  next.focus();
  if (next.select) next.select();
}

function init() {
  lang = chooseLang();
  applyLang();
  $("lang-switch").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* storage may be off */ }
    applyLang();
    loadCatalog();
    if (lastShown) {
      renderBoxes(lastShown[0], lastShown[1]);
      lastShown[0].verdict = renderVerdict(lastShown[0]);
      doneStatus(lastShown[0]);
    }
  });
  $("items").addEventListener("keydown", rowKeys);
  $("items").addEventListener("input", rowKeys);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "F2") {
      ev.preventDefault();
      nextOrder();
    }
  });
  $("next-order").addEventListener("click", nextOrder);
  $("scan").addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    ev.preventDefault();
    // a scanner sends the code and Enter; Enter alone, once the items are
    // in, packs
    if (!ev.target.value.trim() && rows().length > 0) {
      doPack();
      return;
    }
    lastScan = scan(ev.target.value);
    ev.target.value = "";
  });
  $("add-item").addEventListener("click", () => field(addRow({}), "item_id").focus());
  $("clear").addEventListener("click", () => {
    $("items").tBodies[0].replaceChildren();
    $("boxes").replaceChildren();
    $("unpacked").replaceChildren();
    lastShown = null;
    clearVerdict(t("verdict_wait"));
    setStatus(t("status_ready"), false);
  });
  $("pack").addEventListener("click", doPack);
  $("pack-paste").addEventListener("click", packPasted);
  const query = new URLSearchParams(location.search);
  const ready = Promise.all([loadPolicy(), loadHealth(), loadCatalog()]);
  const spec = query.get("selftest");
  // the self-test may name a station and the token (a test server's, for
  // the headless browser, which cannot type one in)
  if (spec) {
    selftestToken = query.get("token") || "";
    ready.then(() => {
      if (query.get("station") !== null) $("station").value = query.get("station");
      selftest(spec, query.get("expect") === "error");
    });
  }
}

init();

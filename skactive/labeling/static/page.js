// The labeling page. It uses only the documented JSON API. Every value from the data or the
// server goes into the page with textContent, never as HTML.
"use strict";

const token = new URLSearchParams(window.location.search).get("token") || "";
const SVG = "http://www.w3.org/2000/svg";
let batch = null;
let busy = false;
let pollTimer = null;

function $(id) { return document.getElementById(id); }

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method: method,
    headers: {"X-Skactive-Token": token, "Content-Type": "application/json"},
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  let data = {};
  try { data = await response.json(); } catch (e) { data = {}; }
  if (!response.ok) throw new Error(data.error || ("HTTP " + response.status));
  return data;
}

function percent(x) { return (100 * x).toFixed(0) + "%"; }

function renderRow() {
  const row = $("row");
  row.replaceChildren();
  const current = batch && batch.rows.length ? batch.rows[0] : null;
  $("classes").querySelectorAll("button").forEach(b => { b.disabled = !current || busy; });
  $("skip").disabled = !current || busy;
  if (!current) {
    $("chosen-by").textContent = "";
    $("prediction").textContent = "";
    $("queue").textContent = "";
    let message = "Waiting for the next batch...";
    if (batch && batch.pending) message = "The model is retraining; the next batch comes from the new model.";
    if (batch && batch.done) message = "Every row is labeled or skipped. Export with e.";
    if (batch && batch.error) message = "Training failed: " + batch.error;
    row.appendChild(el("p", message, "waiting"));
    return;
  }
  $("chosen-by").textContent = current.version === 0 || current.version === null
    ? "Chosen at random (no model yet: label rows of two classes first)"
    : "Chosen by model version " + current.version;
  if (batch.kind === "text") {
    row.appendChild(el("blockquote", current.text, "sentence"));
  } else {
    const table = el("table");
    const body = document.createElement("tbody");
    for (const column of batch.columns) {
      const tr = document.createElement("tr");
      tr.appendChild(el("th", column));
      tr.appendChild(el("td", current.cells[column]));
      body.appendChild(tr);
    }
    table.appendChild(body);
    row.appendChild(table);
  }
  $("prediction").textContent = current.predicted === null
    ? "No prediction yet"
    : "Model says: " + current.predicted + " (confidence " + percent(current.confidence) + ")";
  const more = batch.rows.length - 1;
  $("queue").textContent = "Row " + current.row + "; " + more + (more === 1 ? " more row" : " more rows") + " in this batch";
}

function renderClasses() {
  const box = $("classes");
  if (box.childElementCount || !batch) return;
  batch.classes.forEach((name, i) => {
    const button = el("button");
    button.type = "button";
    button.dataset.label = name;
    if (i < 9) button.appendChild(el("kbd", String(i + 1)));
    button.appendChild(document.createTextNode(" " + name));
    button.addEventListener("click", () => answer(name));
    box.appendChild(button);
  });
}

function renderCurve(curve) {
  const svg = $("curve");
  svg.replaceChildren();
  const W = 240, H = 120, L = 30, B = 20, T = 8, R = 8;
  const axis = document.createElementNS(SVG, "path");
  axis.setAttribute("d", `M${L},${T} V${H - B} H${W - R}`);
  axis.setAttribute("class", "axis");
  svg.appendChild(axis);
  const label = (x, y, text, anchor) => {
    const t = document.createElementNS(SVG, "text");
    t.setAttribute("x", x); t.setAttribute("y", y);
    t.setAttribute("text-anchor", anchor || "middle");
    t.textContent = text;
    svg.appendChild(t);
  };
  label(L - 4, T + 4, "100%", "end");
  label(L - 4, H - B, "0%", "end");
  if (!curve.length) { label(W / 2, H / 2, "after the first model's batch"); return; }
  const xs = curve.map(c => c.n_labels);
  const lo = Math.min(...xs), hi = Math.max(...xs);
  const px = n => L + (hi === lo ? (W - L - R) / 2 : (n - lo) / (hi - lo) * (W - L - R));
  const py = a => T + (1 - a) * (H - B - T);
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("points", curve.map(c => px(c.n_labels) + "," + py(c.accuracy)).join(" "));
  line.setAttribute("class", "curve");
  svg.appendChild(line);
  for (const c of curve) {
    const dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("cx", px(c.n_labels)); dot.setAttribute("cy", py(c.accuracy));
    dot.setAttribute("r", 3);
    const title = document.createElementNS(SVG, "title");
    title.textContent = "model " + c.version + ": " + c.correct + "/" + c.n + " right, trained on " + c.n_labels + " labels";
    dot.appendChild(title);
    svg.appendChild(dot);
  }
  label(L, H - 4, String(lo), "start");
  label(W - R, H - 4, String(hi) + " labels", "end");
}

function renderStatus(status) {
  $("labels").textContent = status.labels + " (" + status.labeled_total + " labeled in all, " + status.unlabeled + " left)";
  const acc = status.accuracy;
  $("accuracy").textContent = acc === null ? "not yet"
    : percent(acc.estimate) + " (95% interval " + percent(acc.low) + "-" + percent(acc.high) + ", from " + acc.n + " answers)";
  $("model").textContent = (status.version ? "version " + status.version : "no model yet") + (status.training ? ", retraining..." : "");
  const stop = status.stop;
  const last = stop.kappas.length ? " (last kappa " + stop.kappas[stop.kappas.length - 1].toFixed(3) + ")" : "";
  $("stop").textContent = stop.signal
    ? "Predictions have stabilized: more labels change little" + last
    : "Keep labeling" + last;
  $("stop").className = stop.signal ? "stop" : "";
  const box = $("balance");
  box.replaceChildren();
  const total = Object.values(status.class_balance).reduce((a, b) => a + b, 0) || 1;
  for (const [name, count] of Object.entries(status.class_balance)) {
    const item = el("div", null, "bar");
    item.appendChild(el("span", name, "name"));
    const track = el("span", null, "track");
    const fill = el("span", null, "fill");
    fill.style.width = (100 * count / total) + "%";
    track.appendChild(fill);
    item.appendChild(track);
    item.appendChild(el("span", String(count), "count"));
    box.appendChild(item);
  }
  renderCurve(status.curve);
}

function say(text, kind) {
  const node = $("saved");
  node.textContent = text;
  node.className = kind || "";
}

async function refresh() {
  clearTimeout(pollTimer);
  try {
    // both first, then render together: the page never shows a batch beside a stale status
    const [next, status] = await Promise.all([api("GET", "api/next"), api("GET", "api/status")]);
    batch = next;
    renderClasses();
    renderRow();
    renderStatus(status);
    $("connection").textContent = "";
  } catch (err) {
    $("connection").textContent = "Cannot reach the session: " + err.message;
  }
  if (!batch || batch.pending || !batch.rows.length) pollTimer = setTimeout(refresh, 500);
}

async function act(pending, call, done) {
  if (busy) return;
  busy = true;
  renderRow();
  say(pending, "pending");
  try {
    const result = await call();
    say(done(result), "saved");  // shown only after the server acknowledged the fsynced write
  } catch (err) {
    say("Not saved: " + err.message, "error");
  } finally {
    busy = false;
  }
  await refresh();
}

function answer(label) {
  const current = batch && batch.rows.length ? batch.rows[0] : null;
  if (!current) return;
  act("Saving...", () => api("POST", "api/labels", {answers: [{key: current.key, label: label}]}),
      r => "Saved: " + r.saved[0].label + " for row " + current.row);
}

function skip() {
  const current = batch && batch.rows.length ? batch.rows[0] : null;
  if (!current) return;
  act("Saving...", () => api("POST", "api/skip", {key: current.key}), () => "Saved: skipped row " + current.row);
}

function undo() {
  act("Undoing...", () => api("POST", "api/undo"), r => "Saved: undid the " + r.undone + " of the row now shown");
}

function exportAll() {
  act("Exporting...", () => api("POST", "api/export", {model: true}),
      r => "Exported: " + r.data + (r.model ? " and " + r.model : "") +
           (r.model_error ? " (" + r.model_error + ")" : ""));
}

$("skip").addEventListener("click", skip);
$("undo").addEventListener("click", undo);
$("export").addEventListener("click", exportAll);
document.addEventListener("keydown", event => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (/^[1-9]$/.test(event.key) && batch) {
    const name = batch.classes[Number(event.key) - 1];
    if (name !== undefined) { event.preventDefault(); answer(name); }
  } else if (event.key === "s") { event.preventDefault(); skip(); }
  else if (event.key === "u") { event.preventDefault(); undo(); }
  else if (event.key === "e") { event.preventDefault(); exportAll(); }
});
refresh();

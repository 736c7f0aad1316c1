// oneneuron playground: the page only draws. Every number it shows (probabilities, the
// 0.5 contour, losses, weights, gradients, predictions) comes from the server, where
// oneneuron's engine trains the neuron. Play = ask for N more training steps, draw the
// answer, ask again (the next request leaves only when the last answer is drawn).
"use strict";

const $ = (id) => document.getElementById(id);
const C0 = [232, 113, 10], C1 = [26, 115, 200];
const NUMERIC = ["n_samples", "noise", "seed", "train_fraction", "learning_rate", "alpha", "l1_ratio", "batch_size", "grid"];
const CROSS_LABEL = { x1sq: "x1²", x2sq: "x2²", x1x2: "x1·x2", sinx1: "sin(x1)", sinx2: "sin(x2)" };

const pg = {
  options: null, settings: null, session: null, data: null, update: null,
  playing: false, loop: 0, updates: 0, picked: null, upload: null,
};
window.oneneuronPlayground = pg; // read by the browser tests and the benchmark

// ---------------------------------------------------------------- server calls
async function api(path, body, method) {
  const init = { method: method || (body === undefined ? "GET" : "POST"), headers: {} };
  if (body instanceof ArrayBuffer) {
    init.headers["Content-Type"] = "application/octet-stream";
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new Error("the playground server does not answer (was it stopped?)");
  }
  const payload = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(payload.error || `HTTP ${response.status}`);
  return payload;
}

function status(text, isError) {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("error", !!isError);
}

function fail(err) {
  pause();
  status(err.message || String(err), true);
}

// ---------------------------------------------------------------- settings <-> controls
function readControls() {
  const s = Object.assign({}, pg.settings);
  s.dataset = $("dataset").value;
  for (const key of NUMERIC) {
    const el = $(key);
    if (!el || el.disabled) continue;
    if (el.value === "") s[key] = key === "noise" ? null : pg.options.defaults[key];
    else s[key] = Number(el.value);
  }
  s.standardize = $("standardize").checked;
  s.solver = $("solver").value;
  s.crosses = [...document.querySelectorAll("#crosses input:checked")].map((el) => el.value);
  if (s.dataset === "upload") {
    s.upload = pg.upload ? pg.upload.id : s.upload;
    s.target = $("target").value || s.target;
  } else {
    s.upload = null;
    s.target = null;
  }
  return s;
}

function writeControls(s) {
  $("dataset").value = s.dataset;
  for (const key of NUMERIC) if ($(key)) $(key).value = s[key] === null ? "" : s[key];
  const spec = pg.options.datasets[s.dataset];
  $("noise-name").textContent = spec ? spec.name.replace("_", " ") : "Noise";
  if (s.noise === null && spec) $("noise").value = spec.default;
  for (const id of ["noise", "n_samples"]) {
    $(id).disabled = !spec;
    if (!spec) { $(id).value = ""; $(id).placeholder = id === "noise" ? "–" : "all"; }
  }
  $("standardize").checked = s.standardize;
  $("solver").value = s.solver;
  $("batch-label").hidden = s.solver !== "sgd";
  for (const el of document.querySelectorAll("#crosses input")) el.checked = s.crosses.includes(el.value);
  $("upload-box").hidden = s.dataset !== "upload";
}

function settingsFromURL() {
  const params = new URLSearchParams(location.search);
  const defaults = pg.options.defaults;
  const s = {};
  for (const [key, text] of params) {
    if (!(key in defaults)) continue;
    if (key === "crosses") s.crosses = text ? text.split(",") : [];
    else if (key === "standardize") s.standardize = text === "true" || text === "1";
    else if (NUMERIC.includes(key)) { if (text !== "" && !Number.isNaN(Number(text))) s[key] = Number(text); }
    else s[key] = text;
  }
  return s;
}

function shareURL() {
  const s = pg.settings, params = new URLSearchParams();
  for (const key of Object.keys(pg.options.defaults)) {
    const value = s[key];
    if (value === null || value === undefined) continue;
    if (s.dataset !== "upload" && (key === "upload" || key === "target")) continue;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  return `${location.origin}${location.pathname}?${params}`;
}

// ---------------------------------------------------------------- sessions
async function newSession(settings) {
  pause();
  status("Preparing the data…");
  const created = await api("/api/sessions", settings);
  pg.session = created.session;
  pg.settings = created.settings;
  pg.data = created.data;
  pg.picked = null;
  writeControls(pg.settings);
  fillView();
  apply(created.update);
  $("export-model").href = `/api/sessions/${pg.session}/model.json`;
  $("export-snippet").href = `/api/sessions/${pg.session}/snippet.py`;
  $("share-url").hidden = true;
  const d = pg.data;
  let info = `${d.name}: ${d.n_train} train and ${d.n_test} test points, ${d.features.length} features`;
  if (d.features.length > 2) info += "; the map is a slice through the others, held at their training means";
  const drawn = d.train.x.length + d.test.x.length;
  if (drawn < d.n_train + d.n_test) info += `; ${drawn} of them drawn (a seeded sample)`;
  if (d.skipped.length) info += `; left out (not numeric): ${d.skipped.join(", ")}`;
  $("data-info").textContent = info;
  status("Ready: press Play or Step.");
  if (!document.body.dataset.ready) performance.mark("oneneuron-ready"); // for the benchmark
  document.body.dataset.ready = "1";
}

function fillView() {
  const d = pg.data;
  for (const axis of ["x", "y"]) {
    const el = $(axis);
    el.replaceChildren(...d.features.map((name) => new Option(name, name)));
    el.value = d.view[axis === "x" ? 0 : 1];
  }
  $("view-box").hidden = d.features.length <= 2;
  $("x-label").textContent = d.view[0];
  $("y-label").textContent = d.view[1];
  $("class0").textContent = `class ${d.classes[0]}`;
  $("class1").textContent = `class ${d.classes[1]}`;
  $("crosses").replaceChildren(...Object.keys(pg.options.crosses).map((id) => {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = id;
    box.checked = pg.settings.crosses.includes(id);
    box.addEventListener("change", changed);
    const [a, b] = d.view;
    label.append(box, CROSS_LABEL[id].replace("x1", a).replace("x2", b));
    return label;
  }));
}

function changed() {
  const s = readControls();
  if (s.dataset === "upload" && !s.upload) {
    writeControls(s);
    pg.settings = s;
    status("Choose a table to upload.");
    return;
  }
  if (this && (this.id === "dataset")) { s.x = null; s.y = null; }
  newSession(s).catch(fail);
}

// ---------------------------------------------------------------- training loop
function request(n) {
  const sid = pg.session;
  return api(`/api/sessions/${sid}/step`, { steps: n, equations: $("how").open })
    .then((update) => ({ sid, update }));
}

async function step(n) {
  const { sid, update } = await request(n);
  if (sid === pg.session) apply(update);
  return update;
}

// While playing, one request is always in flight: the server trains the next steps while
// the page draws the last ones. Every answer is drawn, at most one per animation frame.
async function loop(id) {
  const steps = () => Number($("speed").value);
  let next = request(steps());
  try {
    for (;;) {
      const { sid, update } = await next;
      const more = pg.playing && pg.loop === id && !update.done && sid === pg.session;
      if (more) next = request(steps());
      if (sid === pg.session) apply(update);
      if (update.done) pause();
      if (!more) break;
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  } catch (err) {
    fail(err);
  }
}

function play() {
  if (pg.playing || !pg.session) return;
  if (pg.update && pg.update.done) { status(pg.update.stop_reason + " (Reset to start again)"); return; }
  pg.playing = true;
  $("play").textContent = "Pause";
  $("play").classList.add("playing");
  status("Training…");
  pg.loop = (pg.loop || 0) + 1;
  loop(pg.loop);
}

function pause() {
  pg.playing = false;
  $("play").textContent = "Play";
  $("play").classList.remove("playing");
}

// ---------------------------------------------------------------- drawing
function apply(update) {
  pg.update = update;
  pg.updates += 1;
  drawMap();
  drawCurves();
  drawNeuron();
  drawEquations();
  const r = update.record;
  $("iteration").textContent = `${update.unit} ${update.iteration}`;
  $("loss-now").textContent = `train ${fmt(r.loss)} · test ${fmt(r.val_loss)}`;
  $("acc-now").textContent = `train ${fmt(r.accuracy)} · test ${fmt(r.val_accuracy)}`;
  document.body.dataset.iteration = String(update.iteration);
  const note = update.messages.length ? ` ${update.messages[update.messages.length - 1]}` : "";
  if (update.done) status(`Stopped at ${update.unit} ${update.iteration}: ${update.stop_reason}.${note}`);
  else if (note) status(note.trim());
  if (pg.picked) predict(pg.picked[0], pg.picked[1], true);
}

function fmt(v, digits) {
  if (v === null || v === undefined) return "–";
  return Number(v).toPrecision(digits || 4);
}

function toPixel(x, y, w, h) {
  const [x0, x1, y0, y1] = pg.data.bounds;
  return [((x - x0) / (x1 - x0)) * w, h - ((y - y0) / (y1 - y0)) * h];
}

function drawMap() {
  const canvas = $("map"), ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, n = pg.update.grid.n;
  const codes = Uint8Array.from(atob(pg.update.grid.p), (ch) => ch.charCodeAt(0));
  const image = new ImageData(n, n);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const t = codes[row * n + col] / 255, at = ((n - 1 - row) * n + col) * 4;
      const base = t < 0.5 ? C0 : C1, strength = Math.abs(t - 0.5) * 2 * 0.55;
      for (let k = 0; k < 3; k++) image.data[at + k] = 255 + (base[k] - 255) * strength;
      image.data[at + 3] = 255;
    }
  }
  const small = document.createElement("canvas");
  small.width = n; small.height = n;
  small.getContext("2d").putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.clearRect(0, 0, w, h);
  ctx.drawImage(small, 0, 0, n, n, 0, 0, w, h);
  ctx.strokeStyle = "#202124";
  ctx.lineWidth = 2;
  for (const line of pg.update.contour) {
    ctx.beginPath();
    for (let i = 0; i < line.length; i += 2) {
      const [px, py] = toPixel(line[i], line[i + 1], w, h);
      if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    }
    ctx.stroke();
  }
  drawPoints(ctx, pg.data.train, w, h, true);
  drawPoints(ctx, pg.data.test, w, h, false);
  if (pg.picked) {
    const [px, py] = toPixel(pg.picked[0], pg.picked[1], w, h);
    ctx.strokeStyle = "#000"; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(px - 7, py); ctx.lineTo(px + 7, py); ctx.moveTo(px, py - 7); ctx.lineTo(px, py + 7); ctx.stroke();
  }
}

function drawPoints(ctx, pts, w, h, filled) {
  ctx.lineWidth = filled ? 1 : 2;
  for (let i = 0; i < pts.x.length; i++) {
    const [px, py] = toPixel(pts.x[i], pts.y[i], w, h);
    const color = `rgb(${(pts.c[i] ? C1 : C0).join(",")})`;
    ctx.beginPath();
    ctx.arc(px, py, 3.5, 0, 2 * Math.PI);
    if (filled) { ctx.fillStyle = color; ctx.fill(); ctx.strokeStyle = "#fff"; }
    else { ctx.fillStyle = "#fff"; ctx.fill(); ctx.strokeStyle = color; }
    ctx.stroke();
  }
}

function drawCurves() {
  const c = pg.update.curves;
  plot($("loss"), c.iteration, [[c.loss, "#202124", "train J"], [c.val_loss, "#1a73c8", "test log-loss"]], null);
  plot($("accuracy"), c.iteration, [[c.accuracy, "#202124", "train"], [c.val_accuracy, "#1a73c8", "test"]], [0, 1]);
}

function plot(canvas, xs, series, range) {
  const ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
  const left = 44, bottom = 18, top = 6, right = 8;
  ctx.clearRect(0, 0, w, h);
  let lo = Infinity, hi = -Infinity;
  for (const [ys] of series) for (const v of ys) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (range) [lo, hi] = range;
  if (!(hi > lo)) { hi = lo > 0 ? 2 * lo : lo + 1; lo = lo > 0 ? 0 : lo - 1; }
  const x0 = xs[0] || 0, x1 = Math.max(xs[xs.length - 1] || 1, x0 + 1);
  const X = (v) => left + ((v - x0) / (x1 - x0)) * (w - left - right);
  const Y = (v) => top + (1 - (v - lo) / (hi - lo)) * (h - top - bottom);
  ctx.strokeStyle = "#dadce0"; ctx.lineWidth = 1;
  ctx.strokeRect(left, top, w - left - right, h - top - bottom);
  ctx.fillStyle = "#5f6368"; ctx.font = "11px system-ui, sans-serif";
  ctx.fillText(fmt(hi, 3), 2, top + 9);
  ctx.fillText(fmt(lo, 3), 2, h - bottom);
  ctx.fillText(String(x0), left, h - 4);
  const last = String(xs[xs.length - 1] || 0);
  ctx.fillText(last, w - right - ctx.measureText(last).width, h - 4);
  let legendX = left + 6;
  for (const [ys, color, name] of series) {
    ctx.strokeStyle = color; ctx.lineWidth = 1.6; ctx.beginPath();
    let started = false;
    for (let i = 0; i < xs.length; i++) {
      if (ys[i] === null) continue;
      if (started) ctx.lineTo(X(xs[i]), Y(ys[i])); else { ctx.moveTo(X(xs[i]), Y(ys[i])); started = true; }
    }
    ctx.stroke();
    ctx.fillStyle = color; ctx.fillText(name, legendX, top + 12);
    legendX += ctx.measureText(name).width + 14;
  }
}

function svg(tag, attrs, text) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

function drawNeuron() {
  const names = pg.data.model_features, w = pg.update.weights, b = pg.update.bias;
  const shown = Math.min(names.length, 12), root = $("neuron");
  const biggest = Math.max(...w.map((v) => Math.abs(v || 0)), 1e-12);
  const nodes = [];
  for (let i = 0; i < shown; i++) {
    const y = 15 + (i + 0.5) * (170 / shown), width = 0.5 + 7 * Math.abs(w[i] || 0) / biggest;
    nodes.push(svg("line", { x1: 104, y1: y, x2: 238, y2: 100, stroke: (w[i] || 0) >= 0 ? "#1a73c8" : "#e8710a", "stroke-width": width.toFixed(2) }));
    nodes.push(svg("circle", { cx: 104, cy: y, r: 5, fill: "#fff", stroke: "#5f6368" }));
    const label = names[i].length > 13 ? names[i].slice(0, 12) + "…" : names[i];
    nodes.push(svg("text", { x: 95, y: y + 4, "text-anchor": "end", "font-size": 11 }, label));
  }
  if (names.length > shown) nodes.push(svg("text", { x: 104, y: 196, "text-anchor": "middle", "font-size": 10 }, `+${names.length - shown} more`));
  nodes.push(svg("circle", { cx: 250, cy: 100, r: 22, fill: "#fff", stroke: "#202124", "stroke-width": 2 }));
  nodes.push(svg("text", { x: 250, y: 104, "text-anchor": "middle", "font-size": 12 }, "σ(z)"));
  nodes.push(svg("text", { x: 250, y: 140, "text-anchor": "middle", "font-size": 11 }, `b = ${fmt(b, 3)}`));
  nodes.push(svg("line", { x1: 272, y1: 100, x2: 322, y2: 100, stroke: "#202124", "stroke-width": 2 }));
  nodes.push(svg("text", { x: 328, y: 104, "font-size": 12 }, "p"));
  root.replaceChildren(...nodes);
  const rows = names.map((name, i) => weightRow(name, w[i], biggest));
  rows.push(weightRow("bias b", b, null));
  $("weights").tBodies[0].replaceChildren(...rows);
}

function weightRow(name, value, biggest) {
  const tr = document.createElement("tr");
  const cells = [name, fmt(value), ""].map((text) => { const td = document.createElement("td"); td.textContent = text; return td; });
  cells[1].className = "num";
  if (biggest) {
    const bar = document.createElement("div");
    bar.className = "bar " + ((value || 0) >= 0 ? "pos" : "neg");
    bar.style.width = `${Math.round(60 * Math.abs(value || 0) / biggest)}px`;
    cells[2].append(bar);
  }
  tr.append(...cells);
  return tr;
}

function vec(values, digits) {
  const shown = values.slice(0, 4).map((v) => fmt(v, digits || 4));
  return `[${shown.join(", ")}${values.length > 4 ? `, … (${values.length})` : ""}]`;
}

function drawEquations() {
  const e = pg.update.equations, box = $("equations");
  if (!e) { box.replaceChildren(para("Open this panel while training to see the numbers.", true)); return; }
  const w = pg.update.weights, ex = e.example;
  const lines = [
    ["One training example x (the first), its label y:", true],
    [`x = ${vec(ex.x)}   y = ${ex.y}`],
    ["The neuron's logit and probability:", true],
    [`z = w·x + b = ${vec(w)}·x + ${fmt(pg.update.bias)} = ${fmt(ex.z)}`],
    [`a = sigmoid(z) = 1 / (1 + e^(−z)) = ${fmt(ex.a)}`],
    [`The cost over the m = ${e.m} training examples (from z, exactly):`, true],
    [`cost = −(1/m) Σ [y log a + (1 − y) log(1 − a)] = ${fmt(e.cost)}`],
    [e.l1 > 0
      ? `J = cost + α (r ‖w‖₁ + (1 − r)/2 ‖w‖²) = ${fmt(e.J)}   (r = l1_ratio = ${pg.settings.l1_ratio})`
      : `J = cost + α/2 ‖w‖² = ${fmt(e.J)}`],
    ["The gradients:", true],
    [e.l1 > 0
      ? `gradient of the smooth part: Xᵀ(A − Y)/m + α(1 − r) w = ${vec(e.dW)} + ${vec(e.alpha_w)}`
      : `dJ/dw = Xᵀ(A − Y)/m + α w = ${vec(e.dW)} + ${vec(e.alpha_w)}`],
    [`dJ/db = mean(A − Y) = ${fmt(e.db)}`],
  ];
  if (e.next) {
    lines.push([`The next gradient-descent step (learning rate η = ${e.learning_rate}):`, true]);
    if (e.l1 > 0) {
      lines.push([`w ← soft-threshold(w − η gradient, η α r = ${fmt(e.learning_rate * e.l1)}): a weight within that of 0 becomes exactly 0`]);
      lines.push([`w = ${vec(e.next.W, 6)}`]);
    } else {
      lines.push([`w ← w − η dJ/dw = ${vec(e.next.W, 6)}`]);
    }
    lines.push([`b ← b − η dJ/db = ${fmt(e.next.b, 6)}`]);
  } else {
    lines.push([`The ${pg.settings.solver} solver${pg.settings.standardize ? " on standardised features" : ""} takes its step from these gradients (in its own units).`, true]);
  }
  box.replaceChildren(...lines.map(([text, what]) => para(text, what)));
}

function para(text, what) {
  const p = document.createElement("p");
  p.textContent = text;
  if (what) p.className = "what";
  return p;
}

// ---------------------------------------------------------------- predictions
async function predict(x, y, quiet) {
  const sid = pg.session;
  try {
    const r = await api(`/api/sessions/${sid}/predict`, { point: [x, y] });
    if (sid !== pg.session) return;
    pg.picked = [x, y];
    pg.prediction = r;
    $("prediction").textContent =
      `(${fmt(x)}, ${fmt(y)}) → class ${r.class} with p(class ${pg.data.classes[1]}) = ${r.probability.toFixed(4)} (z = ${fmt(r.z)})`;
    $("prediction").dataset.probability = String(r.probability);
    $("prediction").dataset.point = JSON.stringify([x, y]);
    if (!quiet) drawMap();
  } catch (err) {
    if (!quiet) fail(err);
  }
}

function mapClick(event) {
  const canvas = $("map"), rect = canvas.getBoundingClientRect();
  const [x0, x1, y0, y1] = pg.data.bounds;
  // fractions of the drawing area (inside the canvas's border)
  const fx = (event.clientX - rect.left - canvas.clientLeft) / canvas.clientWidth;
  const fy = (event.clientY - rect.top - canvas.clientTop) / canvas.clientHeight;
  const x = x0 + fx * (x1 - x0), y = y1 - fy * (y1 - y0);
  $("px").value = x.toPrecision(6);
  $("py").value = y.toPrecision(6);
  predict(x, y, false);
}

// ---------------------------------------------------------------- uploads
async function uploadFile() {
  const file = $("file").files[0];
  if (!file) return;
  if (file.size > pg.options.limits.upload_bytes) {
    status(`${file.name} is ${file.size.toLocaleString()} bytes; the limit is ${pg.options.limits.upload_bytes.toLocaleString()}`, true);
    return;
  }
  status(`Uploading ${file.name}…`);
  try {
    const info = await api(`/api/uploads?name=${encodeURIComponent(file.name)}`, await file.arrayBuffer());
    pg.upload = info;
    const names = info.columns.map((c) => c.name);
    $("target").replaceChildren(...names.map((n) => new Option(n, n)));
    const guess = names.find((n) => /^(target|label|class|y)$/i.test(n)) || names[names.length - 1];
    $("target").value = guess;
    $("upload-info").textContent = `${info.name}: ${info.rows} rows, ${names.length} columns`;
    const s = readControls();
    s.x = null; s.y = null;
    await newSession(s);
  } catch (err) {
    fail(err);
  }
}

// ---------------------------------------------------------------- start
async function start() {
  pg.options = await api("/api/options");
  $("dataset").replaceChildren(...[...Object.keys(pg.options.datasets), "upload"].map(
    (name) => new Option(name === "upload" ? "your table (upload)…" : name, name)));
  $("solver").replaceChildren(...pg.options.solvers.map((name) => new Option(name, name)));
  for (const id of ["dataset", "solver", "standardize", ...NUMERIC]) if ($(id)) $(id).addEventListener("change", changed);
  for (const id of ["x", "y"]) $(id).addEventListener("change", () => {
    const s = readControls(); s.x = $("x").value; s.y = $("y").value; newSession(s).catch(fail);
  });
  $("target").addEventListener("change", () => { const s = readControls(); s.x = null; s.y = null; newSession(s).catch(fail); });
  $("file").addEventListener("change", uploadFile);
  $("play").addEventListener("click", () => {
    if (!pg.playing) { play(); return; }
    pause();
    status(`Paused at ${pg.update.unit} ${pg.update.iteration}.`);
  });
  $("step").addEventListener("click", () => { pause(); step(1).catch(fail); });
  $("reset").addEventListener("click", () => {
    pause();
    api(`/api/sessions/${pg.session}/reset`, { equations: $("how").open }).then(apply).then(() => status("Reset to iteration 0.")).catch(fail);
  });
  $("how").addEventListener("toggle", () => { if ($("how").open && !pg.playing) step(0).catch(fail); });
  $("map").addEventListener("click", mapClick);
  $("point-form").addEventListener("submit", (event) => {
    event.preventDefault();
    predict(Number($("px").value), Number($("py").value), false);
  });
  $("share").addEventListener("click", () => {
    const url = shareURL();
    history.replaceState(null, "", url);
    $("share-url").value = url;
    $("share-url").hidden = false;
    $("share-url").select();
    if (navigator.clipboard) navigator.clipboard.writeText(url).catch(() => {});
    status("The address bar and the box below hold a link that restores these settings.");
  });
  const fromURL = settingsFromURL();
  const initial = Object.assign({}, pg.options.defaults, pg.options.initial, fromURL);
  try {
    await newSession(initial);
  } catch (err) {
    await newSession(Object.assign({}, pg.options.defaults));
    status(`The link's settings were refused (${err.message}); these are the defaults.`, true);
  }
}

document.addEventListener("DOMContentLoaded", () => start().catch(fail));

// The demo page: the models of models/manifest.json and the trivial baselines, run by
// the WebAssembly engine on the protocol's test year, side by side (docs/web.md). It
// loads the default comparison set of models/demo.json (the site's page manifest:
// scripts/build-site.mjs demoSet) at once, every other model when asked ("Show all").
//
// Every number in the table is computed here, in the browser, by the engine: forecasts
// by Model.forecastBatch in a pool of workers (score-worker.js), baselines by
// engine.baseline, MAPE by engine.score (the C++ metrics of `shelfcast eval`). Nothing
// the user drops or picks leaves the page.

// The chart (chart.js and uPlot, 50 KB of script) is not on the way to the table: it is
// imported beside the engine, not before this module runs; the rows wait for its
// palette only once the engine is up (main).
const chartModule = import('./chart.js');
let ACTUAL_COLOR;
let lineChart;
let lineStyle;

// The page runs the engine with the data tools (shelfcast-engine-data: the protocol split,
// baselines and metrics; loadEngine({ data: true })). Its modules (shelfcast.js,
// shelfcast-common.js, shelfcast-engine-data.js) are fetched once as text and
// imported from blob: URLs, here and in every worker: a worker importing them by URL
// would fetch them again. So this file does not import './shelfcast.js' (that would
// load both again): its exports are `state.api` once main() has it.
let dayNumber;
let isoDate;
let apiLoaded;
const apiReady = new Promise((resolve) => { apiLoaded = resolve; });

// The trivial baselines of the data card, as engine.baseline names them (the rows take
// the engine's labels, the same as `shelfcast eval` prints).
const BASELINES = ['seasonal-naive', 'weekday-mean:4'];
// A worker forecasts SLICE_ROWS windows a task (in calls of one engine chunk, 128 rows,
// so the numbers are those of one call over the whole batch): short tasks, so the last
// model's work splits evenly over the workers.
const SLICE_ROWS = 1024;
// Single-call latency: rounds of one-window forecasts over the first LATENCY_WINDOWS
// windows, each timed together for at least SINGLE_MS (and SINGLE_MIN_CALLS calls).
// Three rounds of 2 ms: at least 6 ms of timed single calls a model (36 ms for the six
// models of the default set, on the cores that fill the table). Five rounds of 3 ms
// filled the table 33 and 50 ms later (medians of 10 and 5 pairs of loads,
// scripts/page-timing.mjs) and scattered as much when the host was busy (lstm8 6.4 to
// 9.4 µs a call over five loads, against 7.3 to 14.0; scripts/bench.sh: 4.4).
// They run after every model's slices (schedule): V8 runs a fresh module's functions on
// its baseline compiler, 2-3x slower, until they are hot and optimised, which on a busy
// machine takes longer than the rounds; run first, the first models' single calls were
// timed on it (the table gave lstm8 10.8 µs a call, lstm16 6.7).
const SINGLE_ROUNDS = 3;
const SINGLE_MS = 2;
const SINGLE_MIN_CALLS = 5;
const LATENCY_WINDOWS = 1024;
// Scoring workers: one per core, at most 4.
const WORKERS = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));

const $ = (id) => document.getElementById(id);
// Text and attributes that did not change are not written again: a write replaces the text
// node, so Blink lays out, paints and rasterises it (and the table around it) anew.
const setText = (element, text) => {
  if (element.textContent !== text) element.textContent = text;
};
const setAttribute = (element, name, value) => {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
};
const fmt = (x, digits = 0) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const state = {
  engine: null,
  api: null, // shelfcast.js's exports
  manifest: null,
  rows: [], // { id, name, kind, info facts, model, forecasts, score, latency, error, style, show }
  data: null, // SalesData being shown
  dataName: '',
  protocol: null, // engine.protocolSplit options for `data`
  test: null, // the protocol window's test set: targets, targetDays, series
  generation: 0, // bumps when data changes; stale evaluations stop
  selection: 'all',
  chart: null,
  baseBytes: 0,
  files: new Map(), // url -> Promise<bytes>: every file fetched once
  inFlight: new Set(), // row evaluations running
  lines: 0, // line styles handed out
};

// ---- Loading ----

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

/** A model file of the manifest, fetched once however often it is asked for. */
function modelFile(m) {
  const url = `models/${m.file}`;
  if (!state.files.has(url)) state.files.set(url, fetchBytes(url));
  return state.files.get(url);
}

const blobUrl = (text) => URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));

/**
 * A module's fetched text as a blob: URL, its `import.meta.url` kept the file's own URL
 * (a blob: URL is no base for the files beside it) and its imports of `replace` (a
 * { './specifier': url } map) pointed at their blob: URLs.
 */
function moduleUrl(text, file, replace = {}) {
  let out = text.replaceAll('import.meta.url', JSON.stringify(new URL(file, document.baseURI).href));
  for (const [specifier, url] of Object.entries(replace)) {
    const pattern = new RegExp(`(['"])${specifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`, 'g');
    if ((out.match(pattern) ?? []).length !== 1) throw new Error(`${file} does not import ${specifier} once`);
    out = out.replace(pattern, JSON.stringify(url));
  }
  return blobUrl(out);
}

/** shelfcast.js, importing the data engine's glue and its helpers from blob: URLs: { api (its URL), module }. */
async function engineModules(apiText, glueText, commonText) {
  const glue = moduleUrl(glueText, 'shelfcast-engine-data.js');
  const common = moduleUrl(commonText, 'shelfcast-common.js');
  // The other builds' glues by their URLs (a blob: module cannot resolve a relative one):
  // the portable one loads from there on a host without wasm SIMD.
  const byUrl = (file) => [`./${file}`, new URL(file, document.baseURI).href];
  const api = moduleUrl(apiText, 'shelfcast.js', { './shelfcast-engine-data.js': glue, './shelfcast-common.js': common,
    ...Object.fromEntries(['shelfcast-engine.js', 'shelfcast-engine-portable.js', 'shelfcast-engine-data-portable.js'].map(byUrl)) });
  return { api, module: await import(api) };
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** The demo data slice (data/demo-sales.json + .bin) as SalesData. */
async function loadDemoData() {
  const meta = await fetchJson('data/demo-sales.json');
  const bytes = await fetchBytes(`data/${meta.values}`);
  const width = meta.encoding === 'u8' ? 1 : 2;
  if (bytes.length !== meta.series.length * meta.days * width) throw new Error('data/demo-sales.bin does not match its description');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  await apiReady;  // dayNumber comes with the engine's module
  const firstDay = dayNumber(meta.firstDay);
  const series = meta.series.map(({ store, item }, i) => ({
    key: `store ${store} item ${item}`,
    store,
    item,
    firstDay,
    values: Float32Array.from({ length: meta.days }, (_, d) => (width === 1 ? bytes[i * meta.days + d] : view.getUint16(2 * (i * meta.days + d), true))),
  }));
  return { data: { format: meta.format, rows: series.length * meta.days, skipped: 0, skippedMessages: [], series }, meta };
}

/** engine.protocolSplit's options from the manifest's protocol. */
function manifestProtocol(p) {
  return { stores: p.stores, items: p.items, window: p.window, horizon: 1, testFirst: p.test_from, testLast: p.test_to,
    validationDays: p.validation_days };
}

// ---- Rows ----

/** Size facts of a loaded model, counted as the article counts (parameters x bytes). */
function modelFacts(info) {
  let weights = 0;
  let stored = 0;
  let articleBytes = 0;
  const encodings = new Set();
  for (const layer of info.layers) {
    for (const t of layer.tensors) {
      const perValue = t.encoding.endsWith('int8') ? 1 : t.encoding === 'f16' ? 2 : 4;
      if (!t.name.endsWith('/bias')) {
        weights += t.rows * t.cols;
        stored += t.stored;
        encodings.add(t.encoding.replace('sparse-', ''));
      }
      articleBytes += t.stored * perValue;
    }
  }
  const lstm = info.layers.filter((l) => l.kind === 'lstm').map((l) => l.units);
  return {
    hidden: lstm.join('+'),
    window: info.window,
    sparsity: weights ? 1 - stored / weights : 0,
    precision: encodings.size === 1 ? [...encodings][0] : 'mixed',
    fileBytes: info.fileBytes,
    articleBytes,
  };
}

function addModelRow({ id, name, kind, technique, bytes, manifestRow, order }) {
  const model = state.engine.loadModel(bytes); // throws ShelfcastError with the reader's message
  const facts = modelFacts(model.info);
  const row = {
    id, name, kind, technique, model, bytes, order, ...facts,
    // The manifest states these for shipped models; the page shows the same numbers it
    // derives itself for a file of the user's (identical for shipped files).
    articleBytes: manifestRow?.article_param_bytes ?? facts.articleBytes,
    sparsity: manifestRow?.sparsity ?? facts.sparsity,
    precision: manifestRow?.precision ?? facts.precision,
    needsDates: model.needsDates,
  };
  state.rows.push(row);
  return row;
}

// ---- Evaluation ----

// ---- The scoring workers ----

// On a host without wasm SIMD the page's own thread scores instead (`local`: the worker
// module's functions, the page's engine), one task at a time, painting between.
const pool = { workers: [], local: null, queue: [], failed: null, seq: 0, pumping: false };
// Work a worker holds at once (task.work: parameters x window steps x windows), so it never
// idles while results and the next tasks cross this thread, which renders, scores and
// draws meanwhile: at least two tasks, and queued tasks while they add up to at most
// WORKER_HOLD slices of the costliest model (a slice of small models is a few ms; the
// page's thread can be busy for 100 ms). The last tasks of the table then spread over
// the workers as before: a worker holds at most about two of its slices.
const WORKER_HOLD = 2;
// Forecasting time goes roughly as (parameters + CALL_PARAMETERS) x window steps: a rough
// fit of the one-thread times of tests/e2e/demo.test.mjs (engineCpuMs: lstm64 about
// 870 ms, lstm8 44 to 72 ms over runs, the same window) for what does not grow with the
// model. It only sizes what a worker holds.
const CALL_PARAMETERS = 1200;

// A task on the page's thread starts in a task of its own, so the page paints between.
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()();
const nextTask = () => new Promise((resolve) => {
  waiting.push(resolve);
  channel.port2.postMessage(0);
});

function call(w, message, transfer = []) {
  const id = ++w.calls.last;
  return new Promise((resolve, reject) => {
    w.calls.set(id, { resolve, reject });
    w.worker.postMessage({ ...message, id }, transfer);
  });
}

function failPool(message) {
  pool.failed = `a scoring worker failed: ${message}`;
  for (const task of pool.queue.splice(0)) task.reject(new Error(pool.failed));
  for (const w of pool.workers) for (const c of w.calls.values()) c.reject(new Error(pool.failed));
}

/**
 * Starts the workers from `source` (a blob: URL of score-worker.js) as soon as the page
 * has the text: each starts its thread and its module while the page imports and
 * compiles the engine (initWorkers then hands them the engine).
 */
function startWorkers(source) {
  for (let i = 0; i < WORKERS; i++) {
    const w = { worker: new Worker(source, { type: 'module', name: `score-${i}` }), calls: new Map(), loaded: new Set(), active: 0, held: 0 };
    w.calls.last = 0;
    w.worker.onmessage = ({ data }) => {
      const c = w.calls.get(data.id);
      w.calls.delete(data.id);
      if (data.error !== undefined) c.reject(new Error(data.error));
      else c.resolve(data);
    };
    w.worker.onerror = (e) => failPool(e.message || 'the worker did not start');
    pool.workers.push(w);
  }
}

/**
 * Hands each worker the engine: `api` is the blob: URL of shelfcast.js, `wasm` the data
 * engine compiled once (a WebAssembly.Module): every worker instantiates that module, so
 * they share its code and its optimised tier instead of each compiling and tiering up its
 * own copy on the same cores that score. A worker handles its messages in order, so tasks
 * go to it at once; it starts on them the moment its engine is up.
 */
function initWorkers(api, wasm) {
  pool.workers.forEach((w, i) => {
    call(w, { type: 'init', api, wasm, data: true }).then(({ readyAt }) => {
      // The worker's clock: when its engine was up (not when this thread heard of it).
      performance.mark(`shelfcast:worker-${i}-ready`, { startTime: readyAt - performance.timeOrigin });
    }, (e) => failPool(e.message));
  });
}

/** Queues a task for the workers, cheapest first; resolves to its result, null if stale. */
function schedule(task) {
  if (pool.failed) return Promise.reject(new Error(pool.failed));
  return new Promise((resolve, reject) => {
    pool.queue.push({ ...task, seq: ++pool.seq, resolve, reject });
    // Tasks queued together (a row's slices, every row of the table) are sorted before
    // the first is handed out: the cheapest first.
    if (!pool.pumping) {
      pool.pumping = true;
      queueMicrotask(() => {
        pool.pumping = false;
        const last = (t) => (t.phase === 0 ? 1 : 0); // the single-call rounds (SINGLE_ROUNDS)
        pool.queue.sort((a, b) => last(a) - last(b) || a.cost - b.cost || a.phase - b.phase || a.seq - b.seq);
        pump();
      });
    }
  });
}

function pump() {
  const hold = WORKER_HOLD * Math.max(0, ...pool.queue.map((t) => t.work));
  const members = [...pool.workers, pool.local].filter(Boolean);
  const takes = (w) => (w.scoring ? w.active < 1 : w.active < 2 || w.held + pool.queue[0].work <= hold);
  while (pool.queue.length) {
    // The member holding the least work takes the next task, so the cheap rows spread too.
    const open = members.filter(takes);
    if (!open.length) break;
    const w = open.reduce((a, b) => (b.held < a.held ? b : a));
    const task = pool.queue.shift();
    if (task.generation !== state.generation) {
      task.resolve(null);
      continue;
    }
    const message = task.message();
    w.active++;
    w.held += task.work;
    const done = () => {
      w.active--;
      w.held -= task.work;
      pump();
    };
    if (w.scoring) {
      nextTask().then(() => (message.type === 'forecast' ? w.scoring.forecast : w.scoring.latency)(task.row.model, message))
        .then(task.resolve, task.reject).finally(done);
      continue;
    }
    if (!w.loaded.has(task.row.id)) {
      message.bytes = task.row.bytes.slice();
      w.loaded.add(task.row.id);
    }
    call(w, message, [message.inputs.buffer]).then(task.resolve, task.reject).finally(done);
  }
}

/**
 * Forecasts of one model over a test set, with its latency, from the workers: the
 * single-call rounds, then slices of SLICE_ROWS windows (so the table's last tasks are
 * slices, shared by every worker). On a shared machine other work lands
 * in some calls; the fastest is the engine's own cost, so latencies are the minimum over
 * calls of 128 windows, and over rounds of single calls. Short calls matter: a long one
 * is never left alone by a busy scheduler.
 */
async function forecastAll(row, test, generation) {
  const w = row.window;
  const cost = row.model.info.parameters * w;
  // A task's work for the workers' hold: parameters plus CALL_PARAMETERS (the per-step cost
  // that does not grow with the model), per window step, per window.
  const perWindow = (row.model.info.parameters + CALL_PARAMETERS) * w;
  const dates = (from, to) => (row.needsDates ? test.targetDays.slice(from, to) : undefined);
  const slices = [];
  for (let start = 0; start < test.count; start += SLICE_ROWS) {
    const end = Math.min(start + SLICE_ROWS, test.count);
    slices.push(schedule({ row, generation, cost, phase: 1, work: perWindow * (end - start),
      message: () => ({ type: 'forecast', key: row.id, inputs: test.inputs.slice(start * w, end * w), dates: dates(start, end) }) })
      .then((r) => r && { start, ...r }));
  }
  const m = Math.min(LATENCY_WINDOWS, test.count);
  // (the single-call rounds take SINGLE_ROUNDS x SINGLE_MS whatever the model: counted as a slice)
  const single = schedule({ row, generation, cost, phase: 0, work: perWindow * SLICE_ROWS,
    message: () => ({ type: 'latency', key: row.id, inputs: test.inputs.slice(0, m * w), dates: dates(0, m), rounds: SINGLE_ROUNDS,
      minMs: SINGLE_MS, minCalls: SINGLE_MIN_CALLS }) });
  const [parts, lat] = await Promise.all([Promise.all(slices), single]);
  const singleMs = lat?.singleMs;
  if (generation !== state.generation || parts.some((p) => !p) || singleMs === undefined) return null;
  const forecasts = new Float32Array(test.count);
  let batchMs = Infinity;
  for (const p of parts) {
    forecasts.set(p.forecasts, p.start);
    batchMs = Math.min(batchMs, p.batchMs);
  }
  return { forecasts, latency: { batchUs: 1000 * batchMs, singleUs: 1000 * singleMs } };
}

/** The test set of the current data for a window (cached per window). */
function testFor(window) {
  state.splits ??= new Map();
  if (!state.splits.has(window)) {
    const split = state.engine.protocolSplit(state.data, { ...state.protocol, window });
    const t = split.test;
    // Every row must score the same (series, day) pairs as the protocol window's set.
    if (state.test && (t.count !== state.test.count || t.targetDays.some((d, i) => d !== state.test.targetDays[i]))) {
      throw new Error(`with a ${window}-day window the test has ${t.count} examples, not ${state.test.count}`);
    }
    state.splits.set(window, t);
  }
  return state.splits.get(window);
}

async function evaluateRow(row, generation) {
  row.forecasts = null;
  row.score = null;
  row.error = null;
  renderRow(row);
  try {
    // What runs on this thread (a baseline, the split of another window) waits for a
    // task of its own: the rows queued before it go to the workers first.
    if (row.kind === 'baseline' || !state.splits.has(row.window)) await nextTask();
    if (generation !== state.generation) return;
    if (row.kind === 'baseline') {
      const t0 = performance.now();
      row.forecasts = state.engine.baseline(row.id, state.data, state.test);
      row.latency = { batchUs: (1000 * (performance.now() - t0)) / state.test.count };
    } else {
      const result = await forecastAll(row, testFor(row.window), generation);
      if (!result) return;
      Object.assign(row, result);
    }
    row.score = state.engine.score(state.test, row.forecasts);
  } catch (e) {
    row.error = e.message;
  }
  if (generation !== state.generation) return;
  renderTable();
  chartSoon();
}

// While rows are scored the chart redraws at most every CHART_MS: a redraw sums every
// row's forecasts on this thread, which shares the cores with the workers. It redraws
// once more when the rows are done (chartNow).
const CHART_MS = 250;

function chartSoon() {
  if (state.chartTimer) return;
  state.chartTimer = setTimeout(chartNow, Math.max(0, (state.chartAt ?? -Infinity) + CHART_MS - performance.now()));
}

function chartNow() {
  clearTimeout(state.chartTimer);
  state.chartTimer = null;
  state.chartAt = performance.now();
  updateChart();
}

/**
 * Evaluates rows on the current data: the baselines at once, the models in the workers
 * from the cheapest (parameters x window steps), so most of the table fills early.
 * Resolves when every row asked for so far is done: true, or false when the data
 * changed meanwhile.
 */
async function evaluate(rows) {
  const generation = state.generation;
  document.body.dataset.state = 'busy';
  for (const row of rows) {
    const p = evaluateRow(row, generation);
    state.inFlight.add(p);
    p.finally(() => state.inFlight.delete(p));
  }
  while (state.inFlight.size) await Promise.allSettled([...state.inFlight]);
  if (generation !== state.generation) return false;
  chartNow();
  document.body.dataset.state = 'ready';
  return true;
}

function evaluateAll() {
  state.generation++;
  return evaluate(state.rows);
}

/** Sets the data every row is evaluated on, and its test set (the protocol window's). */
function setData(data, name, protocol) {
  state.data = data;
  state.dataName = name;
  state.protocol = protocol;
  state.splits = new Map();
  state.test = null;
  state.test = testFor(protocol.window);
  state.selection = 'all';
  fillSeriesSelect();
}

// ---- Table ----

const COLUMNS = ['name', 'technique', 'hidden', 'sparsity', 'precision', 'fileBytes', 'articleBytes', 'compression', 'mape',
  'delta', 'batchUs', 'singleUs'];

function selectedMetrics(row) {
  if (!row.score) return null;
  if (state.selection === 'all') return row.score.pooled;
  return row.score.perSeries.find((s) => s.series === Number(state.selection)) ?? null;
}

function cells(row) {
  const base = state.rows.find((r) => r.id === state.manifest.baseline_model);
  const m = selectedMetrics(row);
  const b = base && selectedMetrics(base);
  const pending = row.error ? '—' : '…';
  const isModel = row.kind !== 'baseline';
  return {
    technique: row.technique,
    hidden: isModel ? row.hidden : '—',
    sparsity: isModel ? `${fmt(100 * row.sparsity)} %` : '—',
    // INT8 runs on integer SIMD only in the SIMD128 engine; elsewhere the scalar reference.
    precision: isModel ? (row.precision === 'int8' && state.platform?.build === 'portable' ? 'int8 (portable path)' : row.precision) : '—',
    fileBytes: isModel ? fmt(row.fileBytes) : '—',
    articleBytes: isModel ? fmt(row.articleBytes) : '—',
    compression: isModel && state.baseBytes ? `${fmt(state.baseBytes / row.fileBytes, 1)}×` : '—',
    mape: m ? fmt(m.mape, 2) : pending,
    delta: m && b ? (row === base ? '0.00' : `${m.mape - b.mape >= 0 ? '+' : '−'}${fmt(Math.abs(m.mape - b.mape), 2)}`) : pending,
    batchUs: row.latency ? fmt(row.latency.batchUs, row.latency.batchUs < 10 ? 2 : 1) : pending,
    singleUs: row.latency?.singleUs !== undefined ? fmt(row.latency.singleUs, 1) : row.kind === 'baseline' ? '—' : pending,
  };
}

function renderRow(row) {
  let tr = document.querySelector(`tr[data-row="${CSS.escape(row.id)}"]`);
  if (!tr) {
    tr = document.createElement('tr');
    tr.dataset.row = row.id;
    tr.dataset.kind = row.kind;
    const th = document.createElement('th');
    th.scope = 'row';
    th.innerHTML = `<span class="swatch" aria-hidden="true">${swatch(row.style)}</span><span class="name"></span>`;
    th.querySelector('.name').textContent = row.name;
    tr.append(th);
    for (const column of COLUMNS.slice(1)) {
      const td = document.createElement('td');
      td.dataset.col = column;
      tr.append(td);
    }
    $('rows').append(tr);
  }
  const values = cells(row);
  for (const td of tr.querySelectorAll('td')) setText(td, values[td.dataset.col]);
  const m = selectedMetrics(row);
  setAttribute(tr.querySelector('td[data-col="mape"]'), 'data-value', m ? String(m.mape) : '');
  setAttribute(tr, 'title', row.error ?? '');
  tr.classList.toggle('failed', !!row.error);
}

function renderTable() {
  state.rows.sort((a, b) => a.order - b.order);
  for (const row of state.rows) renderRow(row);
  const body = $('rows');
  const order = state.rows.map((r) => body.querySelector(`tr[data-row="${CSS.escape(r.id)}"]`));
  if (order.some((tr, i) => body.children[i] !== tr)) body.append(...order);
  const n = state.test?.count ?? 0;
  const scope = state.selection === 'all' ? `all ${new Set(state.test?.series ?? []).size} series` : state.data.series[state.selection].key;
  setText($('table-scope'), `${scope}, ${state.protocol.testFirst} to ${state.protocol.testLast}`);
  setText($('latency-n'), fmt(n));
  const failed = state.rows.filter((r) => r.error);
  setText($('row-errors'), failed.map((r) => `${r.name}: ${r.error}`).join(' · '));
}

// ---- Chart and legend ----

function swatch(style) {
  if (!style) return '';
  return `<svg width="28" height="10" viewBox="0 0 28 10"><line x1="0" y1="5" x2="28" y2="5" stroke="${style.color}" stroke-width="${style.width ?? 3}" stroke-dasharray="${style.dash.join(' ')}"/></svg>`;
}

/** Days of the test period, the actual sales and each row's forecasts for the selection. */
function chartSeries() {
  const t = state.test;
  const first = t.targetDays.reduce((a, b) => Math.min(a, b), Infinity);
  const last = t.targetDays.reduce((a, b) => Math.max(a, b), -Infinity);
  const days = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const pick = state.selection === 'all' ? null : Number(state.selection);
  const sum = (values) => {
    const out = new Array(days.length).fill(null);
    for (let i = 0; i < t.count; i++) {
      if (pick !== null && t.series[i] !== pick) continue;
      const d = t.targetDays[i] - first;
      out[d] = (out[d] ?? 0) + values[i];
    }
    return out;
  };
  return { days, actual: sum(t.targets), lines: state.rows.map((r) => (r.forecasts ? sum(r.forecasts) : null)) };
}

function updateChart() {
  if (!state.test) return;
  const { days, actual, lines } = chartSeries();
  const all = [{ label: 'actual sales', values: actual, color: ACTUAL_COLOR, dash: [], width: 1.5, show: state.showActual },
    ...state.rows.map((r, i) => ({ label: r.name, values: lines[i], ...r.style, show: r.show }))];
  if (!state.chart || state.chart.count !== all.length) {
    state.chart?.destroy();
    // Canvas fonts take px only: 0.8 of the page's type size.
    const px = Math.round(0.8 * parseFloat(getComputedStyle(document.documentElement).fontSize));
    state.chart = lineChart($('chart'), { days, lines: all, font: `${px}px system-ui, sans-serif`, onCursor: (i) => showReadout(i, state.chartDays, state.chartLines) });
    state.chart.count = all.length;
  } else {
    state.chart.update(days, all);
  }
  state.chartDays = days;
  state.chartLines = all;
  const scope = state.selection === 'all' ? `the sum of all ${new Set(state.test.series).size} series` : state.data.series[state.selection].key;
  setText($('chart-scope'), scope);
  setAttribute($('chart'), 'aria-label', `Daily actual sales and one-day-ahead forecasts of ${scope}, ${isoDate(days[0])} to ${isoDate(days[days.length - 1])}. The table below gives each forecaster's accuracy.`);
  renderLegend();
}

function showReadout(i, days, lines) {
  const out = $('readout');
  if (i === null || i === undefined) {
    out.textContent = '';
    return;
  }
  const shown = lines.filter((l, k) => (k === 0 ? state.showActual : state.rows[k - 1].show) && l.values?.[i] != null);
  out.textContent = `${isoDate(days[i])}: ${shown.map((l) => `${l.label} ${fmt(l.values[i], 1)}`).join(' · ')}`;
}

function renderLegend() {
  const box = $('legend-items');
  const items = [{ id: '__actual', name: 'actual sales', style: { color: ACTUAL_COLOR, dash: [], width: 2 }, show: state.showActual },
    ...state.rows.map((r) => ({ id: r.id, name: r.name, style: r.style, show: r.show }))];
  if (box.childElementCount !== items.length) {
    box.textContent = '';
    items.forEach((item, i) => {
      const label = document.createElement('label');
      label.className = 'legend-item';
      label.innerHTML = `<input type="checkbox"><span class="swatch" aria-hidden="true">${swatch(item.style)}</span><span></span>`;
      label.lastChild.textContent = item.name;
      const box2 = label.querySelector('input');
      box2.dataset.line = item.id;
      box2.addEventListener('change', () => {
        if (i === 0) state.showActual = box2.checked;
        else state.rows[i - 1].show = box2.checked;
        state.chart?.show(i, box2.checked);
      });
      box.append(label);
    });
  }
  items.forEach((item, i) => {
    box.children[i].querySelector('input').checked = item.show;
  });
}

// ---- Series selector ----

function fillSeriesSelect() {
  const select = $('series');
  const indices = [...new Set(state.test.series)];
  select.textContent = '';
  select.append(new Option(`All ${indices.length} series`, 'all'));
  for (const i of indices) select.append(new Option(state.data.series[i].key, String(i)));
  select.value = 'all';
}

// ---- The user's files ----

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = !message;
}

function say(message) {
  $('status').textContent = message;
}

/**
 * The test period of a user's data: the protocol's when the file holds its series over
 * it (then the numbers compare with the manifest's); otherwise every series of the file,
 * over its last year at most, after enough history for the longest window.
 */
function protocolFor(data) {
  const p = manifestProtocol(state.manifest.protocol);
  // Every manifest model's window, shown or not yet: "Show all" must find enough history.
  const longest = Math.max(p.window, ...state.manifest.models.map((m) => m.window ?? 0),
    ...state.rows.filter((r) => r.kind !== 'baseline').map((r) => r.window));
  const from = dayNumber(p.testFirst) - longest;
  const to = dayNumber(p.testLast);
  const covers = (s) => s && s.firstDay <= from && s.firstDay + s.values.length - 1 >= to;
  if (data.format === 'store-item' && p.stores.every((st) => p.items.every((it) => covers(data.series.find((s) => s.store === st && s.item === it))))) {
    return { data, protocol: p };
  }
  const first = Math.max(...data.series.map((s) => s.firstDay));
  const last = Math.min(...data.series.map((s) => s.firstDay + s.values.length - 1));
  const testLast = last;
  const testFirst = Math.max(last - 364, first + longest);
  if (testFirst > testLast) {
    throw new Error(`the series need ${longest + 1} days in common (${longest} days of history for the longest window, then at least one test day); this file's series share ${Math.max(0, last - first + 1)}`);
  }
  const stores = [...new Set(data.series.map((s) => s.store))];
  const items = [...new Set(data.series.map((s) => s.item))];
  // protocolSplit picks stores x items from store-item data; a file without every pair is
  // evaluated as plain series instead.
  const complete = data.format === 'store-item' && stores.every((st) => items.every((it) => data.series.some((s) => s.store === st && s.item === it)));
  return {
    data: complete ? data : { ...data, format: 'generic' },
    protocol: { ...p, stores, items, testFirst: isoDate(testFirst), testLast: isoDate(testLast) },
  };
}

async function useCsv(file) {
  showError('');
  let data;
  try {
    data = state.engine.parseSalesCsv(new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    showError(`${file.name}: ${e.message}`);
    return;
  }
  let chosen;
  try {
    chosen = protocolFor(data);
  } catch (e) {
    showError(`${file.name}: ${e.message}`);
    return;
  }
  const previous = { data: state.data, name: state.dataName, protocol: state.protocol };
  try {
    setData(chosen.data, file.name, chosen.protocol);
  } catch (e) {
    showError(`${file.name}: ${e.message}`);
    setData(previous.data, previous.name, previous.protocol);
    return;
  }
  $('reset').hidden = false;
  await run(`${file.name}: ${data.series.length} series, ${fmt(data.rows)} rows (${data.format})`);
}

async function useModelFile(file) {
  showError('');
  const bytes = new Uint8Array(await file.arrayBuffer());
  let row;
  try {
    const id = `file:${file.name}:${state.rows.length}`;
    row = addModelRow({ id, name: file.name, kind: 'user', technique: 'your file', bytes, order: 2e6 + state.rows.length });
  } catch (e) {
    showError(`${file.name}: ${e.message}`);
    return;
  }
  row.style = lineStyle(state.lines++);
  row.show = true;
  renderTable();
  updateChart();
  await evaluate([row]);
  say(`${file.name} added: ${row.hidden ? `LSTM-${row.hidden}, ` : ''}${fmt(row.fileBytes)} bytes`);
}

function wireControls() {
  $('series').addEventListener('change', (e) => {
    state.selection = e.target.value;
    renderTable();
    updateChart();
  });
  $('csv-file').addEventListener('change', (e) => {
    if (e.target.files[0]) useCsv(e.target.files[0]);
    e.target.value = '';
  });
  $('model-file').addEventListener('change', (e) => {
    if (e.target.files[0]) useModelFile(e.target.files[0]);
    e.target.value = '';
  });
  $('show-all').addEventListener('click', showAll);
  $('drift-run').addEventListener('click', () => {
    if (state.demo) runDrift().catch((e) => showError(`drift monitor: ${e.message}`));
  });
  $('inject-shift').addEventListener('change', () => {
    if (state.demo) runDrift().catch((e) => showError(`drift monitor: ${e.message}`));
  });
  $('reset').addEventListener('click', async () => {
    $('reset').hidden = true;
    setData(state.demo.data, state.demo.name, manifestProtocol(state.manifest.protocol));
    await run(state.demo.label);
  });
  // A file dropped anywhere on the page: a .shcf is a model, anything else a CSV.
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', (e) => {
    if (!e.relatedTarget) document.body.classList.remove('dragging');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    if (/\.shcf$/i.test(file.name)) useModelFile(file);
    else useCsv(file);
  });
}

// ---- Drift monitor scenario ----

// The deployed model (the compressed calendar model), its float shadow and the injected
// shift. Calendar models, because the generated data's own month-to-month level changes
// are what a model without calendar features misses most (docs/monitoring.md).
const DRIFT = { deployed: 'lstm16-cal56', shadow: 'lstm64-cal56', shift: '2017-07-01', factor: 1.3 };

/**
 * A drift scenario model: its table row's when it has one, else loaded from its file
 * (fetched once: "Show all" reuses the bytes). Null when the manifest has no such model.
 */
async function driftModel(name) {
  const row = state.rows.find((r) => r.kind === 'model' && r.id === name);
  if (row) return { name: row.name, window: row.model.window, model: row.model };
  const m = state.manifest.models.find((x) => x.name === name);
  if (!m) return null;
  state.driftModels ??= new Map();
  if (!state.driftModels.has(name)) {
    const model = state.engine.loadModel(await modelFile(m));
    state.driftModels.set(name, { name, window: model.window, model });
  }
  return state.driftModels.get(name);
}

/** The drift models not loaded yet, and their bytes (the Run button's hint). */
function driftCost() {
  const missing = [DRIFT.deployed, DRIFT.shadow].filter((n) => !state.rows.some((r) => r.kind === 'model' && r.id === n))
    .map((n) => state.manifest.models.find((m) => m.name === n)).filter(Boolean);
  return { missing, bytes: missing.reduce((sum, m) => sum + m.file_bytes, 0) };
}

/**
 * Replays the demo data through engine.createMonitor one day at a time, every series each
 * day, with the monitor's default window and margin and the deployed model's manifest
 * MAPE as its baseline; with the shift injected, sales from DRIFT.shift on are multiplied
 * by DRIFT.factor (rounded). Shows whether and when the pooled flag fired.
 */
async function runDrift() {
  const generation = (state.driftGeneration = (state.driftGeneration ?? 0) + 1);
  const out = $('drift-status');
  const deployed = await driftModel(DRIFT.deployed);
  const shadow = await driftModel(DRIFT.shadow);
  if (generation !== state.driftGeneration) return;
  if (!deployed || !shadow) {
    out.textContent = `The drift scenario needs the models ${DRIFT.deployed} and ${DRIFT.shadow} of models/manifest.json.`;
    return;
  }
  const baselineMape = state.manifest.models.find((m) => m.name === DRIFT.deployed)?.mape;
  const inject = $('inject-shift').checked;
  const shift = dayNumber(DRIFT.shift);
  const { series } = state.demo.data;
  const monitor = state.engine.createMonitor({ model: deployed.model, shadow: shadow.model, baselineMape });
  const o = monitor.options;
  $('drift-models').textContent = `${deployed.name}, beside the float shadow ${shadow.name}`;
  $('drift-rule').textContent = `pooled over the ${series.length} series, rolling window ${o.window} days, margin ${o.margin} MAPE points over the shadow or the manifest MAPE ${fmt(baselineMape, 2)} %`;
  out.dataset.drift = 'running';
  out.textContent = `Monitoring ${series.length} series${inject ? ' with the shift injected' : ''}…`;
  try {
    const first = series[0].firstDay;
    const days = series[0].values.length;
    for (let i = 0; i < days; i++) {
      for (const s of series) {
        const v = s.values[i];
        monitor.observe(s.key, first + i, inject && first + i >= shift ? Math.round(v * DRIFT.factor) : v);
      }
      if (i % 30 === 29) {
        await nextTask();
        if (generation !== state.driftGeneration) return;
      }
    }
    const all = monitor.overall();
    const perSeries = monitor.series.filter((id) => monitor.status(id).flagsRaised > 0).length;
    const range = `${isoDate(first + Math.max(deployed.window, shadow.window))} to ${all.lastDay}`;
    const detail = `${series.length} series pooled, ${range}; single series flagged against the shadow: ${perSeries}`;
    if (all.flagsRaised === 0) {
      out.dataset.drift = 'ok';
      out.textContent = `No drift flag (${detail}).`;
      return;
    }
    const delay = dayNumber(all.firstFlagDay) - shift;
    const when = inject && delay >= 0 ? ` (${delay} days after the shift)` : '';
    out.dataset.drift = 'flagged';
    out.textContent = `⚠ Drift flagged on ${all.firstFlagDay}${when}: the ${o.window}-day MAPE of ${deployed.name} passed its baseline by more than ${o.margin} points (${detail}).`;
  } finally {
    monitor.dispose();
  }
}

/** Evaluates everything on the current data and reports when the table is full. */
async function run(label) {
  $('data-label').textContent = label;
  say(`Forecasting ${fmt(state.test.count)} days with ${state.rows.length} forecasters…`);
  const t0 = performance.now();
  // The workers' tasks first, then the table and the chart, drawn while they score.
  const done = evaluateAll();
  await nextTask();
  renderTable();
  updateChart();
  if (!(await done)) return;
  const ms = performance.now() - t0;
  say(`Table filled: ${state.rows.length} forecasters × ${fmt(state.test.count)} forecasts in ${fmt(ms)} ms.`);
}

/** Adds a manifest model's row (its file fetched once). */
async function addManifestRow(m) {
  const row = addModelRow({ id: m.name, name: m.name, kind: 'model', technique: m.technique, bytes: await modelFile(m), manifestRow: m,
    order: state.manifest.models.indexOf(m) });
  row.style = lineStyle(state.lines++);
  return row;
}

/** The "Show all" control: its label says how many models and bytes it adds. */
function updateShowAll() {
  const button = $('show-all');
  const rest = state.manifest.models.filter((m) => !state.rows.some((r) => r.id === m.name));
  const n = state.manifest.models.length;
  button.disabled = !rest.length || state.addingMore;
  button.textContent = rest.length ? `Show all ${n} variants` : `All ${n} variants shown`;
  $('show-all-hint').textContent = rest.length
    ? `${rest.length} more models (${fmt(rest.reduce((sum, m) => sum + m.file_bytes, 0))} bytes), loaded once and scored here.`
    : `Every model of the manifest is in the table.`;
}

/** Loads every manifest model not shown yet and scores it on the current data. */
async function showAll() {
  const rest = state.manifest.models.filter((m) => !state.rows.some((r) => r.id === m.name));
  if (!rest.length || state.addingMore) return;
  state.addingMore = true;
  updateShowAll();
  say(`Loading ${rest.length} more models…`);
  let rows;
  try {
    rows = await Promise.all(rest.map((m) => addManifestRow(m)));
  } catch (e) {
    showError(`Show all: ${e.message}`);
    state.addingMore = false;
    updateShowAll();
    return;
  }
  for (const row of rows) row.show = false;
  state.addingMore = false;
  updateShowAll();
  renderTable();
  updateChart();
  const t0 = performance.now();
  if (await evaluate(rows)) say(`All ${state.manifest.models.length} variants shown: ${rows.length} more scored in ${fmt(performance.now() - t0)} ms.`);
}

async function main() {
  performance.mark('shelfcast:start');
  wireControls();
  const wasm = fetchBytes('shelfcast-engine-data.wasm');
  const texts = Promise.all(['shelfcast.js', 'shelfcast-engine-data.js', 'score-worker.js', 'shelfcast-common.js'].map(fetchText));
  const manifest = fetchJson('models/demo.json');
  const demo = loadDemoData();
  state.manifest = await manifest;
  if (state.manifest.fixture) $('fixture').textContent = `Models: ${state.manifest.fixture}.`;
  const eager = state.manifest.models.filter((m) => m.demo);
  for (const m of eager) modelFile(m);
  const [apiText, glueText, workerText, commonText] = await texts;
  const scoring = blobUrl(workerText);
  // The workers start their threads now, beside the engine's import and compilation (and
  // stop again on a host without wasm SIMD, which the engine's module tells).
  startWorkers(scoring);
  const { api, module } = await engineModules(apiText, glueText, commonText);
  state.api = module;
  ({ dayNumber, isoDate } = module);
  apiLoaded();
  if (module.hostHasWasmSimd()) {
    const compiled = await WebAssembly.compile(await wasm);
    initWorkers(api, compiled);
    state.engine = await module.loadEngine({ data: true, wasmModule: compiled });
  } else {
    // A host without wasm SIMD: the portable engine (loadEngine fetches
    // shelfcast-engine-data-portable.{js,wasm}), scored on this thread only.
    for (const w of pool.workers.splice(0)) w.worker.terminate();
    state.engine = await module.loadEngine({ data: true });
    pool.local = { scoring: await import(scoring), active: 0, held: 0 };
  }
  state.platform = state.engine.platform();
  $('engine').textContent = state.platform.build === 'simd128' ? 'WebAssembly SIMD128' : 'WebAssembly (portable: this browser has no wasm SIMD)';
  performance.mark('shelfcast:engine-ready');

  ({ ACTUAL_COLOR, lineChart, lineStyle } = await chartModule);
  for (const m of eager) await addManifestRow(m);
  const base = state.rows.find((r) => r.id === state.manifest.baseline_model);
  state.baseBytes = base?.fileBytes ?? 0;
  BASELINES.forEach((id, i) => state.rows.push({ id, name: state.engine.describeBaseline(id).label, kind: 'baseline', technique: 'trivial baseline',
    order: 1e6 + i, style: lineStyle(state.lines++) }));
  // Lines shown at first: actual sales, the baseline model, and the first row of every
  // other technique; the rest are a click away in the legend.
  const techniques = new Set();
  state.showActual = true;
  for (const r of state.rows) {
    r.show = r.kind === 'model' && !techniques.has(r.technique);
    techniques.add(r.technique);
  }
  updateShowAll();

  performance.mark('shelfcast:models-loaded');
  const { data, meta } = await demo;
  const p = state.manifest.protocol;
  state.demo = {
    data,
    name: 'demo',
    label: `generated (seed ${meta.generator.seed}), stores ${p.stores[0]}–${p.stores.at(-1)} × items ${p.items[0]}–${p.items.at(-1)}`,
  };
  setData(data, 'demo', manifestProtocol(p));
  performance.mark('shelfcast:rows-shown');
  await run(state.demo.label);
  performance.mark('shelfcast:table-filled');
  // The scenario runs at once when its models are on the page already; otherwise on
  // request (the Run button or the shift box), so the first load stays in its budget.
  const { missing, bytes } = driftCost();
  $('drift-run').disabled = false;
  if (!missing.length) await runDrift();
  else $('drift-status').textContent = `Press "Run the monitor" to replay the test year (it loads ${missing.map((m) => m.name).join(' and ')}, ${fmt(bytes)} bytes).`;
}

main().catch((e) => {
  showError(`The demo could not start: ${e.message}`);
  document.body.dataset.state = 'failed';
});

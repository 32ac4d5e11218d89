// shelfcast: the public JavaScript API of the WebAssembly engine (browsers and Node 20).
//
//   import { loadEngine } from './shelfcast.js';
//   const engine = await loadEngine();                       // finds shelfcast-engine.wasm beside this file
//   const model = engine.loadModel(await (await fetch('models/lstm64.shcf')).arrayBuffer());
//   const [next] = model.forecast(last30Days, { date: '2017-06-01' });
//   const many = model.forecastBatch(windows /* Float32Array n*window */, { dates, horizon: 7 });
//
//   const stream = model.stream();                          // one series, one day at a time
//   stream.step(42, '2017-06-01');                          // O(H^2): one LSTM step
//   const week = stream.forecast(7);                        // from the current state
//   const saved = stream.getState();                        // Uint8Array; later: stream.setState(saved)
//   model.dispose();
//
//   const data = engine.parseSalesCsv(await file.text());   // the CLI's CSV reader
//
//   const lab = await loadEngine({ data: true });            // + the data tools: shelfcast-engine-data.wasm
//   const table = lab.evaluateProtocol(lab.parseSalesCsv(csv), { models: [{ name: 'lstm64', model: lab.loadModel(bytes) }] });
//   table.rows[0].mape;                                      // equals `shelfcast eval`
//
// Inputs are raw sales; outputs are sales. Errors (a corrupt model file, a wrong window
// length, a NaN in a window, a request over a cap, the engine out of memory) throw
// ShelfcastError with the engine's message; the engine itself keeps working.

// The helpers shelfcast-core.js needs too (day numbers, the SIMD128 probe, fetching the
// wasm) are in shelfcast-common.js, one copy for both loaders.
import { dayNumber as commonDayNumber, fetchBytes, hostHasWasmSimd } from './shelfcast-common.js';

export { hostHasWasmSimd };

// The engine builds (src/wasm/CMakeLists.txt, docs/size.md): the kiosk engine (model load,
// forecasts, streams, the drift monitor, the CSV reader) and the one with the data tools
// (protocol split, baselines, metrics) besides, each with its portable twin (no SIMD128).
// Only the glue of the build loadEngine picks is fetched.
const GLUES = {
  'shelfcast-engine': () => import('./shelfcast-engine.js'),
  'shelfcast-engine-portable': () => import('./shelfcast-engine-portable.js'),
  'shelfcast-engine-data': () => import('./shelfcast-engine-data.js'),
  'shelfcast-engine-data-portable': () => import('./shelfcast-engine-data-portable.js'),
};

// Rows of the engine's internal batch chunk (kChunkRows, src/lstm/forecaster.cpp).
const CHUNK_ROWS = 128;
// Heap bytes one slice of a batch may use (sales, dates and forecasts of its rows). A
// batch is copied into wasm memory one slice at a time, so a request of any size runs
// within a fixed amount of it.
const SLICE_BYTES = 1 << 20;

export class ShelfcastError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ShelfcastError';
  }
}

const fail = (message) => {
  throw new ShelfcastError(message);
};

/** Day number (days since 1970-01-01, UTC) of a 'YYYY-MM-DD' string, a Date or a number. */
export function dayNumber(date) {
  return commonDayNumber(date, fail);
}

/** 'YYYY-MM-DD' of a day number. */
export function isoDate(day) {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

/**
 * Instantiates the engine: the SIMD128 build where the host runs wasm SIMD, else the
 * portable build (scalar kernels), so the engine starts on any WebAssembly host.
 * Options: data (true: the build with the data tools, shelfcast-engine-data.wasm, for
 * protocolSplit, baselines, score and evaluateProtocol; default: the kiosk engine,
 * shelfcast-engine.wasm, which has everything else), simd (true/false: force a build;
 * default: the host's support), wasmBinary / wasmUrl (the SIMD build's bytes or URL),
 * portableWasmBinary / portableWasmUrl (the portable build's). Given bytes must be those of
 * the build the options pick: <shelfcast-engine[-data][-portable]>.wasm. wasmModule /
 * portableWasmModule: that build already compiled (a WebAssembly.Module, e.g. compiled once
 * by a page and posted to its workers, which then share its code instead of compiling
 * and tiering up their own).
 */
export async function loadEngine(options = {}) {
  const hostSimd = hostHasWasmSimd();
  const simd = options.simd ?? hostSimd;
  const name = `shelfcast-engine${options.data ? '-data' : ''}${simd ? '' : '-portable'}`;
  const { default: create } = await GLUES[name]();
  const compiled = simd ? options.wasmModule : options.portableWasmModule;
  const settings = {};
  if (compiled) {
    // Emscripten's hook: instantiate the given module with the glue's imports.
    settings.instantiateWasm = (imports, receive) => {
      // (receive starts the runtime: a module of another build fails there, and rejects.)
      WebAssembly.instantiate(compiled, imports).then((instance) => receive(instance, compiled)).catch((e) => settings.onAbort(e));
      return {};
    };
  } else {
    settings.wasmBinary = (simd ? options.wasmBinary : options.portableWasmBinary) ??
      (await fetchBytes((simd ? options.wasmUrl : options.portableWasmUrl) ?? new URL(`./${name}.wasm`, import.meta.url),
        (message) => fail(`cannot load the engine: ${message}`)));
  }
  let module;
  try {
    module = await new Promise((resolve, reject) => {
      settings.onAbort = (e) => reject(e instanceof Error ? e : new Error(String(e)));
      create(settings).then(resolve, reject);
    });
  } catch (e) {
    throw new ShelfcastError(`cannot start ${name}: ${e?.message ?? e} (are the bytes given those of ${name}.wasm?)`);
  }
  // Bytes or a module of another build can start with this glue (the builds share most
  // imports): the build that started must be the one the options picked.
  const started = `shelfcast-engine${typeof module.SplitHandle === 'function' ? '-data' : ''}${module.simdBuild() ? '' : '-portable'}`;
  if (started !== name) throw new ShelfcastError(`cannot start ${name}: the module given is ${started}.wasm`);
  return new Engine(module, { hostSimd, forced: options.simd !== undefined });
}

export class Engine {
  constructor(module, host = { hostSimd: hostHasWasmSimd(), forced: false }) {
    this._m = module;
    this._host = host;
  }

  /**
   * The platform check: { hostSimd (the host runs wasm SIMD128), build ('simd128' or
   * 'portable': the engine loaded), forced (loadEngine's simd option chose it), int8
   * ('integer-simd': int8 layers run the qs8 SIMD kernels on i32x4.dot_i16x8_s;
   * 'portable': their scalar reference), kernels ({ name: the kernels each LSTM layer
   * of that model runs }, for the models given as { name: model }) }.
   */
  platform(models = {}) {
    const simdBuild = this._m.simdBuild();
    const kernels = {};
    for (const [name, model] of Object.entries(models)) kernels[name] = model.info.kernels;
    return { hostSimd: this._host.hostSimd, build: simdBuild ? 'simd128' : 'portable', forced: this._host.forced,
      int8: simdBuild ? 'integer-simd' : 'portable', kernels };
  }

  /**
   * A drift monitor (see Monitor): `model` is the deployed model, `shadow` an optional
   * float model run beside it. Options: window (days, default 7), margin (MAPE points,
   * default 6), baselineMape (the deployed model's expected MAPE, e.g. its manifest MAPE:
   * a number judges the pooled status of all series; { seriesId: number } also judges
   * those series), calibrationDays (no number given: learn the pooled baseline over the
   * first scored days; default 0, off). docs/monitoring.md justifies the defaults.
   */
  createMonitor(options) {
    return new Monitor(this._m, options);
  }

  /** True when this engine has the data tools (protocolSplit ... evaluateProtocol): loadEngine({ data: true }). */
  get hasDataTools() {
    return typeof this._m.SplitHandle === 'function';
  }

  // The module, when it has the data tools (the kiosk engine leaves them out).
  _data(method) {
    if (!this.hasDataTools) {
      throw new ShelfcastError(`engine.${method}() needs the data tools, which the kiosk engine leaves out: ` +
        'load the engine with loadEngine({ data: true }) (shelfcast-engine-data.wasm)');
    }
    return this._m;
  }

  /** True when this build runs the SIMD128 kernels. */
  get simd() {
    return this._m.simdBuild();
  }

  /**
   * The documented caps (SECURITY.md): maxModelBytes, maxHidden, maxLayers, maxWindow,
   * maxHorizon, maxBatch, and maxMemoryBytes, the fixed ceiling of the engine's memory.
   */
  get limits() {
    this._limits ??= this._m.limits();
    return this._limits;
  }

  /** Bytes of wasm memory the engine holds now (it grows up to limits.maxMemoryBytes). */
  get memoryBytes() {
    return this._m.memoryBytes();
  }

  /** Loads a model from its file bytes. Throws ShelfcastError with the reader's message. */
  loadModel(bytes, { useSimd = true } = {}) {
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const cap = this.limits.maxModelBytes;
    // The reader would refuse it too; checked here so it is never copied into the heap.
    if (data.length > cap) throw new ShelfcastError(`model file is ${data.length} bytes, over the cap of ${cap}`);
    const m = this._m;
    const ptr = m._malloc(Math.max(1, data.length));
    if (!ptr) throw new ShelfcastError(`out of memory: no room for the ${data.length}-byte model file; dispose() models no longer in use`);
    let handle;
    try {
      m.HEAPU8.set(data, ptr);
      handle = new m.ModelHandle(ptr, data.length, useSimd);
    } finally {
      m._free(ptr);
    }
    const error = handle.error();
    if (error) {
      handle.delete();
      throw new ShelfcastError(error);
    }
    return new Model(m, handle, this.limits);
  }

  /**
   * Loads a model from a URL: http(s) through fetch; under Node also a file: URL or a
   * path (Node's fetch refuses file: URLs). Throws ShelfcastError naming the URL.
   */
  async loadModelFromUrl(url, options) {
    return this.loadModel(await fetchBytes(url, fail), options);
  }

  // ---- Sales data, the protocol, baselines and metrics: the C++ of `shelfcast eval`,
  // so the page's numbers equal the CLI's to the last digit. ----

  /**
   * Parses a sales CSV (date,store,item,sales or date,series,value; see docs/data.md).
   * `input`: a string, Uint8Array or ArrayBuffer, streamed through the parser in 1 MiB
   * chunks. Options: lenient (skip bad lines), maxMessages (lenient: messages kept),
   * maxBytes (the byte cap; default 64 MiB, 3.7x the real file: the values take up to
   * 8 bytes a row while they grow, and the engine's memory is capped, so the page
   * refuses a file it could not hold rather than running out of memory). Returns { format, rows, skipped, skippedMessages,
   * series: [{ key, store, item, firstDay, values: Float32Array }] }. Throws
   * ShelfcastError with the reader's message ('line 17, column "sales": ...').
   */
  parseSalesCsv(input, { lenient = false, maxMessages = 10, maxBytes = DEFAULT_CSV_BYTES } = {}) {
    const m = this._m;
    const handle = new m.CsvParserHandle(lenient, maxMessages, maxBytes);
    const chunk = 1 << 20;
    let buffer = 0;
    try {
      if (typeof input === 'string') {
        // A UTF-16 unit encodes to at most 3 UTF-8 bytes; never split a surrogate pair.
        buffer = alloc(m, 3 * chunk);
        const encoder = new TextEncoder();
        for (let pos = 0; pos < input.length; ) {
          let end = Math.min(input.length, pos + chunk);
          const last = input.charCodeAt(end - 1);
          if (end < input.length && last >= 0xd800 && last <= 0xdbff) end--;
          const { written } = encoder.encodeInto(input.substring(pos, end), m.HEAPU8.subarray(buffer, buffer + 3 * chunk));
          check(handle.feed(buffer, written));
          pos = end;
        }
      } else {
        const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
        check(handle.checkSize(bytes.length));  // over the cap: refused before reading any of it
        buffer = alloc(m, chunk);
        for (let pos = 0; pos < bytes.length; pos += chunk) {
          const part = bytes.subarray(pos, pos + chunk);
          m.HEAPU8.set(part, buffer);
          check(handle.feed(buffer, part.length));
        }
      }
      check(handle.finish());
      return withHeap(m, [24], (layout) => {
        handle.layout(layout);
        const [format, rows, skipped, messages, count, metaAddress] = words(m, layout, 6);
        const meta = new Int32Array(m.HEAPU8.buffer, metaAddress, 5 * count).slice();
        const series = [];
        for (let i = 0; i < count; i++) {
          const [firstDay, length, store, item, values] = meta.subarray(5 * i, 5 * i + 5);
          series.push({ key: handle.key(i), store, item, firstDay,
            values: new Float32Array(m.HEAPU8.buffer, values >>> 0, length).slice() });
        }
        const skippedMessages = Array.from({ length: messages }, (_, i) => handle.message(i));
        return { format: format ? 'generic' : 'store-item', rows, skipped, skippedMessages, series };
      });
    } finally {
      if (buffer) m._free(buffer);
      handle.delete();
    }
  }

  /**
   * The protocol split of parsed sales (store-item: the stores x items selected; generic:
   * every series). Options (defaults = the article protocol): stores [1..5], items
   * [1..10], window 30, horizon 1, testFirst '2017-01-01', testLast '2017-12-31',
   * validationDays 92. Returns { series (indices into data.series), window, horizon,
   * train: {count}, validation: {count}, test: { count, window, horizon, inputs
   * (count*window), targets (count*horizon), targetDays: Int32Array, series: Uint32Array } }.
   */
  protocolSplit(data, options = {}) {
    const o = { ...PROTOCOL_DEFAULTS, ...options };
    const p = pack(data);
    const stores = Int32Array.from(o.stores);
    const items = Int32Array.from(o.items);
    const m = this._data('protocolSplit');
    const handle = new m.SplitHandle();
    try {
      return withHeap(m, [p.meta, p.values, stores, items, 36], (meta, values, storesAt, itemsAt, layout) => {
        check(handle.run(p.format, meta, p.count, values, p.total, p.keys, storesAt, stores.length, itemsAt,
          items.length, o.window, o.horizon, dayNumber(o.testFirst), dayNumber(o.testLast), o.validationDays));
        handle.layout(layout);
        const w = words(m, layout, 9);
        const buffer = m.HEAPU8.buffer;
        const n = w[4];
        return {
          series: new Uint32Array(buffer, w[1], w[0]).slice(),
          window: o.window,
          horizon: o.horizon,
          train: { count: w[2] },
          validation: { count: w[3] },
          test: {
            count: n,
            window: o.window,
            horizon: o.horizon,
            inputs: new Float32Array(buffer, w[5], n * o.window).slice(),
            targets: new Float32Array(buffer, w[6], n * o.horizon).slice(),
            targetDays: new Int32Array(buffer, w[7], n).slice(),
            series: new Uint32Array(buffer, w[8], n).slice(),
          },
        };
      });
    } finally {
      handle.delete();
    }
  }

  /**
   * Forecasts of a test set by a baseline: 'naive', 'seasonal-naive', 'weekday-mean',
   * 'weekday-mean:K' or 'true-mean' (the generator's oracle). `test` is protocolSplit(...).test
   * (or any { targets, targetDays, series, horizon }); returns a Float32Array
   * count*horizon.
   */
  baseline(name, data, test) {
    this._data('baseline');
    const p = pack(data);
    const t = testArrays(test);
    return withHeap(this._m, [p.meta, p.values, t.targets, t.targetDays, t.series, t.targets.byteLength],
      (meta, values, targets, days, series, out) => {
        check(this._m.baseline(name, p.format, meta, p.count, values, p.total, p.keys, t.count, t.horizon, targets,
          days, series, out));
        return this._m.HEAPF32.slice(out >> 2, (out >> 2) + t.targets.length);
      });
  }

  /** { id, label, oracle } of a baseline name; throws on an unknown name. */
  describeBaseline(name) {
    this._data('describeBaseline');
    const [id, label, oracle] = this._m.describeBaseline(name).split('\t');
    check(id === '' ? label : '');
    return { id, label, oracle: oracle === '1' };
  }

  /**
   * MAPE (over actuals > 0 only), sMAPE, WAPE (all in %), MAE, RMSE of forecast vs
   * actual: { mape, smape, wape, mae, rmse, count, mapeCount }.
   */
  metrics(actual, forecast) {
    this._data('metrics');
    const a = Float32Array.from(actual);
    const f = Float32Array.from(forecast);
    if (a.length !== f.length) throw new ShelfcastError(`${a.length} actuals but ${f.length} forecasts`);
    const m = this._m;
    return withHeap(m, [a, f, 56], (pa, pf, out) => {
      m.metrics(pa, pf, a.length, out);
      return metricsAt(m, out);
    });
  }

  /**
   * Pooled and per-series metrics of forecasts (count*horizon) of a test set:
   * { pooled, perSeries: [{ series, key?, ...metrics }] } (perSeries by series index);
   * keys when `data` is given.
   */
  score(test, forecasts, data) {
    this._data('score');
    const t = testArrays(test);
    const f = Float32Array.from(forecasts);
    if (f.length !== t.targets.length) throw new ShelfcastError(`${f.length} forecasts for ${t.targets.length} targets`);
    const distinct = new Set(t.series).size;
    const m = this._m;
    return withHeap(m, [t.targets, t.targetDays, t.series, f, 8 * (7 + 8 * distinct)], (targets, days, series, pf, out) => {
      check(m.score(t.count, t.horizon, targets, days, series, pf, distinct, out));
      const pooled = metricsAt(m, out);
      const perSeries = [];
      for (let k = 0; k < distinct; k++) {
        const at = out + 8 * (7 + 8 * k);
        const index = new Float64Array(m.HEAPU8.buffer, at, 1)[0];
        const one = { series: index, ...metricsAt(m, at + 8) };
        if (data) one.key = data.series[index].key;
        perSeries.push(one);
      }
      return { pooled, perSeries };
    });
  }

  /**
   * The protocol's results table, like `shelfcast eval --json`: every model (each with
   * a split of its own window, on the same test pairs) and baseline.
   * Options: models [{ name, model }], baselines (default naive, seasonal-naive,
   * weekday-mean:4), trueMean (add the oracle), and protocolSplit's options.
   * Returns { protocol: { series, window, horizon, examples, pairs }, rows: [{ name, kind,
   * id, window?, mape, smape, wape, mae, rmse, n, mapeN, perSeries }] }.
   */
  evaluateProtocol(data, { models = [], baselines = DEFAULT_BASELINES, trueMean = false, ...options } = {}) {
    this._data('evaluateProtocol');
    const split = this.protocolSplit(data, options);
    const test = split.test;
    const rows = [];
    const rank = new Map(Array.from(split.series, (s, i) => [s, i]));
    const row = (name, kind, id, evaluation, extra = {}) => {
      const { pooled } = evaluation;
      // In selection order, as `shelfcast eval --json` lists them.
      const perSeries = evaluation.perSeries.sort((a, b) => rank.get(a.series) - rank.get(b.series));
      rows.push({ name, kind, id, ...extra, mape: pooled.mape, smape: pooled.smape, wape: pooled.wape, mae: pooled.mae,
        rmse: pooled.rmse, n: pooled.count, mapeN: pooled.mapeCount, perSeries });
    };
    for (const { name, model } of models) {
      const own = model.window === test.window ? split : this.protocolSplit(data, { ...options, window: model.window });
      const t = own.test;
      if (t.count !== test.count || t.targetDays.some((d, i) => d !== test.targetDays[i])) {
        throw new ShelfcastError(`${name}: with its window of ${model.window} days the test has ${t.count} examples, not ${test.count}`);
      }
      const forecasts = model.forecastBatch(t.inputs, { dates: model.needsDates ? t.targetDays : undefined, horizon: t.horizon });
      row(name, 'model', name, this.score(t, forecasts, data), { window: model.window });
    }
    const names = trueMean ? [...baselines, 'true-mean'] : baselines;
    for (const name of names) {
      const b = this.describeBaseline(name);
      row(b.label, b.oracle ? 'oracle' : 'baseline', b.id, this.score(test, this.baseline(b.id, data, test), data));
    }
    return {
      protocol: { series: split.series.length, window: split.window, horizon: split.horizon, examples: test.count,
        pairs: test.targets.length },
      rows,
    };
  }
}

const PROTOCOL_DEFAULTS = {
  stores: [1, 2, 3, 4, 5],
  items: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  window: 30,
  horizon: 1,
  testFirst: '2017-01-01',
  testLast: '2017-12-31',
  validationDays: 92,
};
const DEFAULT_BASELINES = ['naive', 'seasonal-naive', 'weekday-mean:4'];
const DEFAULT_CSV_BYTES = 64 * 1024 * 1024;

// Copies of n uint32 words at a heap address.
function words(m, address, n) {
  return new Uint32Array(m.HEAPU8.buffer, address, n).slice();
}

// The 7 doubles the bindings write for one set of metrics.
function metricsAt(m, address) {
  const [mape, smape, wape, mae, rmse, count, mapeCount] = new Float64Array(m.HEAPU8.buffer, address, 7);
  return { mape, smape, wape, mae, rmse, count, mapeCount };
}

function check(error) {
  if (error) throw new ShelfcastError(error);
}

function alloc(m, bytes) {
  const ptr = m._malloc(Math.max(1, bytes));
  if (!ptr) throw new ShelfcastError(`out of memory: ${bytes} bytes`);
  return ptr;
}

// Copies typed arrays into the heap (a number reserves that many bytes), calls fn with
// their addresses, frees them. Heap views are re-read after every call: memory may grow.
function withHeap(m, arrays, fn) {
  const ptrs = [];
  try {
    for (const a of arrays) {
      const bytes = typeof a === 'number' ? a : a.byteLength;
      const ptr = alloc(m, bytes);
      ptrs.push(ptr);
      if (typeof a !== 'number') m.HEAPU8.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), ptr);
    }
    return fn(...ptrs);
  } finally {
    for (const ptr of ptrs) m._free(ptr);
  }
}

// Sales data as the bindings take it (cached per data object).
const packs = new WeakMap();
function pack(data) {
  let p = packs.get(data);
  if (p) return p;
  const n = data.series.length;
  const meta = new Int32Array(4 * n);
  let total = 0;
  data.series.forEach((s, i) => {
    meta.set([s.firstDay, s.values.length, s.store ?? 0, s.item ?? 0], 4 * i);
    total += s.values.length;
  });
  const values = new Float32Array(total);
  let at = 0;
  for (const s of data.series) {
    values.set(s.values, at);
    at += s.values.length;
  }
  p = { format: data.format === 'generic' ? 1 : 0, meta, values, keys: data.series.map((s) => s.key).join('\n'), count: n,
    total };
  packs.set(data, p);
  return p;
}

function testArrays(test) {
  const targets = Float32Array.from(test.targets);
  // (an Int32Array holds day numbers already: copied without a dayNumber call per value)
  const targetDays = test.targetDays instanceof Int32Array ? test.targetDays.slice() : Int32Array.from(test.targetDays, dayNumber);
  const series = Uint32Array.from(test.series);
  const horizon = test.horizon ?? 1;
  const count = targetDays.length;
  if (series.length !== count || targets.length !== count * horizon) {
    throw new ShelfcastError(`a test set of ${count} examples needs ${count} series and ${count * horizon} targets`);
  }
  return { targets, targetDays, series, horizon, count };
}

export class Model {
  constructor(module, handle, limits) {
    this._m = module;
    this._h = handle;
    this._limits = limits;
    this.info = handle.info();
    this._cap = { sales: 0, days: 0, out: 0 };
    this._ptr = { sales: 0, days: 0, out: 0 };
  }

  get window() {
    return this.info.window;
  }

  get needsDates() {
    return this.info.needsDates;
  }

  // Grows a heap scratch buffer (4-byte elements) and returns its byte address.
  _buffer(name, elements) {
    if (this._cap[name] < elements) {
      if (this._ptr[name]) this._m._free(this._ptr[name]);
      const cap = Math.max(elements, 64);
      const ptr = this._m._malloc(cap * 4);
      if (!ptr) {
        this._ptr[name] = 0;
        this._cap[name] = 0;
        throw new ShelfcastError(`out of memory: ${cap * 4} bytes for ${name}`);
      }
      this._ptr[name] = ptr;
      this._cap[name] = cap;
    }
    return this._ptr[name];
  }

  /**
   * Forecasts one series. `window`: the last `model.window` days of sales, oldest first.
   * Options: date (first forecast day: 'YYYY-MM-DD', Date or day number; needed by
   * calendar models), horizon (default 1). Returns a Float32Array of `horizon` sales.
   */
  forecast(window, { date, horizon = 1 } = {}) {
    if (window.length !== this.window) {
      throw new ShelfcastError(`window has ${window.length} values, the model needs ${this.window}`);
    }
    return this.forecastBatch(window, { dates: date === undefined ? undefined : [date], horizon, n: 1 });
  }

  /**
   * Forecasts n series at once. `windows`: n * window values (row-major). Options:
   * dates (n first-forecast days, or one for all), horizon. Returns n * horizon values.
   */
  forecastBatch(windows, { dates, horizon = 1, n } = {}) {
    const w = this.window;
    const rows = n ?? windows.length / w;
    if (!Number.isInteger(rows) || rows * w !== windows.length) {
      throw new ShelfcastError(`${windows.length} values are not a whole number of ${w}-day windows`);
    }
    if (!Number.isInteger(horizon) || horizon < 1) throw new ShelfcastError(`horizon ${horizon} is not a positive integer`);
    // The engine's caps, checked before anything is allocated (same messages as the engine).
    const { maxBatch, maxHorizon } = this._limits;
    if (horizon > maxHorizon) throw new ShelfcastError(`horizon ${horizon} is outside 1..${maxHorizon}`);
    if (rows > maxBatch) throw new ShelfcastError(`batch of ${rows} series exceeds the cap of ${maxBatch}`);
    let days = null;
    if (dates !== undefined && dates !== null) {
      days = dates.length === 1 && rows > 1 ? new Array(rows).fill(dates[0]) : dates;
      if (days.length !== rows) throw new ShelfcastError(`${days.length} dates for ${rows} series`);
    }
    let result;
    try {
      result = new Float32Array(rows * horizon);
    } catch {
      throw new ShelfcastError(`out of memory: ${rows * horizon * 4} bytes for the forecasts`);
    }
    // Slices are whole multiples of the engine's chunk, so every row is computed exactly
    // as in one call over the whole batch.
    const rowBytes = 4 * (w + horizon + 1);
    const sliceRows = Math.min(rows, Math.max(CHUNK_ROWS, Math.floor(SLICE_BYTES / rowBytes / CHUNK_ROWS) * CHUNK_ROWS));
    const salesPtr = this._buffer('sales', sliceRows * w);
    const outPtr = this._buffer('out', sliceRows * horizon);
    const daysPtr = days ? this._buffer('days', sliceRows) : 0;
    const m = this._m;
    for (let start = 0; start < rows; start += sliceRows) {
      const count = Math.min(sliceRows, rows - start);
      const slice = windows.subarray ? windows.subarray(start * w, (start + count) * w) : windows.slice(start * w, (start + count) * w);
      m.HEAPF32.set(slice, salesPtr >> 2);
      if (days) {
        const heap = m.HEAP32;
        for (let i = 0; i < count; i++) heap[(daysPtr >> 2) + i] = dayNumber(days[start + i]);
      }
      if (this._h.forecastBatch(count, salesPtr, daysPtr, horizon, outPtr)) {
        // The engine numbers series within the slice; the caller's numbering is global.
        throw new ShelfcastError(this._h.lastError().replace(/^series (\d+)/, (_, i) => `series ${Number(i) + start}`));
      }
      result.set(m.HEAPF32.subarray(outPtr >> 2, (outPtr >> 2) + count * horizon), start * horizon);
    }
    return result;
  }

  /**
   * Forecasts the `horizon` days after the last day of a series ({ values, firstDay },
   * as parseSalesCsv returns it) from its last `model.window` values. Returns
   * { firstDay, values }: the day number of the first forecast day and `horizon` sales.
   */
  forecastSeries(series, { horizon = 1 } = {}) {
    const { values } = series;
    if (values.length < this.window) {
      throw new ShelfcastError(`the series has ${values.length} days, the model needs ${this.window}`);
    }
    const firstDay = dayNumber(series.firstDay) + values.length;
    const window = values.subarray ? values.subarray(values.length - this.window) : values.slice(values.length - this.window);
    return { firstDay, values: this.forecast(window, { date: firstDay, horizon }) };
  }

  /** Frees the engine memory held by this model. */
  dispose() {
    for (const name of Object.keys(this._ptr)) {
      if (this._ptr[name]) this._m._free(this._ptr[name]);
      this._ptr[name] = 0;
      this._cap[name] = 0;
    }
    if (this._h) this._h.delete();
    this._h = null;
  }

  /**
   * A stream of one series fed one observation at a time (see Stream). The LSTM state is
   * carried from step to step; after exactly `window` steps from the start, forecast()
   * equals forecast() over those days, bit for bit. Throws for window-mean models, whose
   * scale depends on the whole window: use windowStream() for them.
   */
  stream() {
    return this._openStream(false);
  }

  /**
   * A stream that keeps the last `window` observations and re-runs the window for each
   * forecast: any model, always equal to forecast() over the last `window` days.
   */
  windowStream() {
    return this._openStream(true);
  }

  _openStream(windowKind) {
    if (!this._h) throw new ShelfcastError('the model was disposed');
    const handle = new this._m.StreamHandle(this._h, windowKind);
    const error = handle.error();
    if (error) {
      handle.delete();
      throw new ShelfcastError(error);
    }
    return new Stream(this._m, handle, this);
  }
}

/**
 * One series fed one observation at a time: step() advances the state by one day,
 * forecast() predicts from it without changing it, getState()/setState() save and restore
 * it as a few hundred bytes (versioned, tied to the model: a state from another model or
 * another kind of stream is refused). Days must be consecutive; models with calendar
 * features need the date of the first observation, later dates default to the next day.
 */
export class Stream {
  constructor(module, handle, model) {
    this._m = module;
    this._h = handle;
    this.model = model;
    this._out = 0;
    this._outCap = 0;
  }

  /** 'lstm-state' or 'window'. */
  get kind() {
    return this._h.kind() === 'window' ? 'window' : 'lstm-state';
  }

  /** Observations since the start (or the last reset). */
  get steps() {
    return this._h.steps();
  }

  /** 'YYYY-MM-DD' of the last observation, or null when the stream has no dates. */
  get lastDate() {
    return this._h.hasDay() ? isoDate(this._h.lastDay()) : null;
  }

  /** Hex fingerprint of the model the stream (and its saved states) belongs to. */
  get fingerprint() {
    return this._h.fingerprint();
  }

  /** Feeds one day's sales; `date` ('YYYY-MM-DD', Date or day number) is that day's. */
  step(value, date) {
    const hasDay = date !== undefined && date !== null;
    if (this._h.step(value, hasDay ? dayNumber(date) : 0, hasDay)) throw new ShelfcastError(this._h.lastError());
  }

  /** Forecasts the `horizon` days after the last observation; does not change the stream. */
  forecast(horizon = 1) {
    if (!Number.isInteger(horizon) || horizon < 1) throw new ShelfcastError(`horizon ${horizon} is not a positive integer`);
    if (this._outCap < horizon) {
      if (this._out) this._m._free(this._out);
      this._out = this._m._malloc(horizon * 4);
      this._outCap = this._out ? horizon : 0;
      if (!this._out) throw new ShelfcastError(`out of memory: ${horizon * 4} bytes for a forecast`);
    }
    if (this._h.forecast(horizon, this._out)) throw new ShelfcastError(this._h.lastError());
    return this._m.HEAPF32.slice(this._out >> 2, (this._out >> 2) + horizon);
  }

  /** The stream's state as bytes (Uint8Array) for setState(), e.g. after a page reload. */
  getState() {
    this._h.saveState();
    const ptr = this._h.stateData();
    return this._m.HEAPU8.slice(ptr, ptr + this._h.stateSize());
  }

  /** Restores a state from getState(); throws (leaving the stream as it was) if it is not this stream's. */
  setState(bytes) {
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const m = this._m;
    const ptr = m._malloc(Math.max(1, data.length));
    if (!ptr) throw new ShelfcastError('out of memory restoring a stream state');
    try {
      m.HEAPU8.set(data, ptr);
      if (this._h.restoreState(ptr, data.length)) throw new ShelfcastError(this._h.lastError());
    } finally {
      m._free(ptr);
    }
  }

  /** Back to no observations. */
  reset() {
    this._h.reset();
  }

  /** Frees the engine memory held by this stream. */
  dispose() {
    if (this._out) this._m._free(this._out);
    this._out = 0;
    this._outCap = 0;
    if (this._h) this._h.delete();
    this._h = null;
  }
}

/**
 * Drift monitoring: actual sales arrive one day at a time per series; the monitor
 * forecasts each day with the deployed model (and the shadow) from the series' own
 * history before recording the actual, keeps a rolling window of the absolute percentage
 * errors (days with sales > 0, as MAPE) and raises a flag when the deployed model's
 * rolling MAPE exceeds the shadow's, or its baseline MAPE, by `margin` points
 * (src/monitor/drift.h has the rules). Days of a series must be consecutive.
 */
export class Monitor {
  constructor(module, { model, shadow = null, window = 7, margin = 6, baselineMape, calibrationDays = 0 } = {}) {
    if (!(model instanceof Model)) throw new ShelfcastError('createMonitor needs the deployed model: { model }');
    if (shadow !== null && !(shadow instanceof Model)) throw new ShelfcastError('shadow must be a model or null');
    if (baselineMape !== undefined && typeof baselineMape !== 'number' && (typeof baselineMape !== 'object' || baselineMape === null)) {
      throw new ShelfcastError('baselineMape must be a number or an object of numbers by series id');
    }
    this._m = module;
    this.model = model;
    this.shadow = shadow;
    this.options = { window, margin, baselineMape, calibrationDays };
    this._series = new Map();
    // All series pooled (in day order); its construction checks the options at once.
    this._pooled = this._drift(typeof baselineMape === 'number' ? baselineMape : undefined, calibrationDays, true);
    this._pooledError = '';
  }

  _drift(baseline, calibrationDays, pooled) {
    const { window, margin } = this.options;
    const handle = new this._m.DriftHandle(window, margin, this.shadow !== null, baseline ?? -1, calibrationDays, pooled);
    const error = handle.error();
    if (error) {
      handle.delete();
      throw new ShelfcastError(error);
    }
    return handle;
  }

  _state(id) {
    let s = this._series.get(id);
    if (!s) {
      // A series is judged against the shadow, and against a baseline only when given its
      // own: one series' weekly MAPE is too noisy for a shared one (docs/monitoring.md).
      const b = this.options.baselineMape;
      const baseline = typeof b === 'object' ? b[id] : undefined;
      if (baseline !== undefined && typeof baseline !== 'number') throw new ShelfcastError(`baselineMape of series '${id}' is not a number`);
      s = { drift: this._drift(baseline, 0, false), deployed: this.model.windowStream(), shadow: this.shadow?.windowStream() ?? null,
        lastDay: null };
      this._series.set(id, s);
    }
    return s;
  }

  /**
   * Records one day's actual sales of a series: forecasts the day with both models from
   * the days observed before it (once they hold a model's window), scores the forecasts,
   * then adds the day to the history. Returns { series, day, forecast, shadowForecast,
   * ...status } (forecasts null until the history holds the windows).
   */
  observe(seriesId, date, actual) {
    const id = String(seriesId);
    const day = dayNumber(date);
    if (typeof actual !== 'number' || !Number.isFinite(actual) || actual < 0) {
      throw new ShelfcastError(`series '${id}', ${isoDate(day)}: actual sales ${actual} must be a finite number >= 0`);
    }
    const s = this._state(id);
    if (s.lastDay !== null && day !== s.lastDay + 1) {
      throw new ShelfcastError(`series '${id}': ${isoDate(day)} is not the day after ${isoDate(s.lastDay)}; days must be consecutive (reset() the series to start over)`);
    }
    let forecast = null;
    let shadowForecast = null;
    const ready = s.deployed.steps >= this.model.window && (!s.shadow || s.shadow.steps >= this.shadow.window);
    if (ready) {
      forecast = s.deployed.forecast(1)[0];
      shadowForecast = s.shadow ? s.shadow.forecast(1)[0] : null;
      if (s.drift.observe(day, actual, forecast, shadowForecast ?? 0)) throw new ShelfcastError(`series '${id}': ${s.drift.lastError()}`);
      // The pooled status needs every series' days in order; series fed one after the
      // other leave it unavailable (overall() says why) and per-series status intact.
      if (!this._pooledError && this._pooled.observe(day, actual, forecast, shadowForecast ?? 0)) {
        this._pooledError = `the pooled status needs observations in day order across series: ${this._pooled.lastError()}`;
      }
    }
    s.deployed.step(actual, day);
    s.shadow?.step(actual, day);
    s.lastDay = day;
    if (this._lastDay === undefined || day > dayNumber(this._lastDay)) this._lastDay = isoDate(day);
    return { ...this.status(id), forecast, shadowForecast };
  }

  /** Observes consecutive days of a series from `firstDay` (values: sales); returns the last status. */
  observeSeries(seriesId, firstDay, values) {
    const first = dayNumber(firstDay);
    let last = this.status(seriesId);
    for (let i = 0; i < values.length; i++) last = this.observe(seriesId, first + i, values[i]);
    return last;
  }

  /**
   * A series' monitor state: { series, lastDay ('YYYY-MM-DD' or null), days (days
   * scored), windowDays, windowCount (days with sales > 0 in the window), deployedMape,
   * shadowMape (null without a shadow), baselineMape (null until known), flagged,
   * vsShadow, vsBaseline (which rule holds), flagsRaised, flaggedSince, firstFlagDay
   * ('YYYY-MM-DD' or null) }.
   */
  status(seriesId) {
    const id = String(seriesId);
    const s = this._series.get(id);
    if (!s) {
      return { series: id, lastDay: null, days: 0, windowDays: 0, windowCount: 0, deployedMape: 0,
        shadowMape: this.shadow ? 0 : null, baselineMape: null, flagged: false, vsShadow: false, vsBaseline: false,
        flagsRaised: 0, flaggedSince: null, firstFlagDay: null };
    }
    const st = s.drift.status();
    return { series: id, lastDay: s.lastDay === null ? null : isoDate(s.lastDay), ...st,
      flaggedSince: st.flaggedSince === null ? null : isoDate(st.flaggedSince),
      firstFlagDay: st.firstFlagDay === null ? null : isoDate(st.firstFlagDay) };
  }

  /**
   * The status of all series pooled: the rolling MAPE over every (series, day) pair of
   * the window, judged against the shadow and the baselineMape number (or the calibrated
   * baseline). Throws when the series were not observed in day order.
   */
  overall() {
    if (this._pooledError) throw new ShelfcastError(this._pooledError);
    const st = this._pooled.status();
    const last = this._lastDay ?? null;
    return { series: '*', lastDay: last, ...st, flaggedSince: st.flaggedSince === null ? null : isoDate(st.flaggedSince),
      firstFlagDay: st.firstFlagDay === null ? null : isoDate(st.firstFlagDay) };
  }

  /** The ids of the series observed so far. */
  get series() {
    return [...this._series.keys()];
  }

  /** The status of every series flagged now. */
  flags() {
    return this.series.map((id) => this.status(id)).filter((s) => s.flagged);
  }

  /** Forgets a series (its history and errors). */
  reset(seriesId) {
    const id = String(seriesId);
    const s = this._series.get(id);
    if (!s) return;
    s.drift.delete();
    s.deployed.dispose();
    s.shadow?.dispose();
    this._series.delete(id);
  }

  /** Frees the engine memory of every series (the models stay loaded). */
  dispose() {
    for (const id of this.series) this.reset(id);
    this._pooled?.delete();
    this._pooled = null;
  }
}

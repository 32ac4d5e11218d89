// shelfcast-core.js: the core engine for kiosks that only forecast. This ES module (and
// shelfcast-common.js, the helpers it shares with shelfcast.js, beside it) and
// shelfcast-core.wasm (the same runtime and kernels as shelfcast-engine, behind a small
// C ABI: src/wasm/core_api.cpp), instantiated here without Emscripten glue. Node 20 and
// browsers; no streams, CSV reader, monitor or data tools (those are in shelfcast.js).
//
//   import { loadCore } from './shelfcast-core.js';
//   const core = await loadCore();                        // shelfcast-core.wasm beside this file
//   const model = core.loadModel(bytes);                  // Uint8Array / ArrayBuffer of a .shcf
//   const next7 = model.forecast(last30days, { horizon: 7 });
//   const many = model.forecastBatch(windows, { horizon: 1 });   // n * window values
//   model.dispose();

// Day numbers, the SIMD128 probe and fetching bytes: one copy for both loaders (importing
// shelfcast.js for them would add its 18 KB to the core's download).
import { dayNumber, fetchBytes, hostHasWasmSimd } from './shelfcast-common.js';

/** Every failure of the core engine: the message names the problem (the runtime's text). */
export class ShelfcastCoreError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ShelfcastCoreError';
  }
}

const fail = (message) => {
  throw new ShelfcastCoreError(message);
};

/**
 * Instantiates the core engine: shelfcast-core.wasm where the host runs wasm SIMD128,
 * else shelfcast-core-portable.wasm (the scalar kernels). Options: simd (true/false:
 * force a build), and one of wasmModule (that build compiled, e.g. posted to a worker),
 * wasmBinary (its bytes), wasmUrl (where to fetch it; default: beside this module).
 */
export async function loadCore({ simd, wasmModule, wasmBinary, wasmUrl } = {}) {
  simd ??= hostHasWasmSimd();
  const name = `shelfcast-core${simd ? '' : '-portable'}.wasm`;
  let core, x;
  // The release module imports two functions; a debug build (assertions) also writes its
  // messages through WASI fd_write. Anything else it asks for fails with its name.
  const given = {
    // Memory grew: the typed-array views over the old buffer are stale.
    'env.emscripten_notify_memory_growth': () => core && (core._f32 = null),
    'wasi_snapshot_preview1.proc_exit': (code) => fail(`the core engine stopped (exit code ${code})`),
    'wasi_snapshot_preview1.fd_write': (fd, iov, count, written) => {
      const view = new DataView(x.memory.buffer);
      let text = '', bytes = 0;
      for (let i = 0; i < count; i++) {
        const length = view.getUint32(iov + 8 * i + 4, true);
        text += new TextDecoder().decode(new Uint8Array(view.buffer, view.getUint32(iov + 8 * i, true), length));
        bytes += length;
      }
      view.setUint32(written, bytes, true);
      console.error(text);
      return 0;
    },
  };
  let instance;
  try {
    const source = wasmModule ?? wasmBinary ?? (await fetchBytes(wasmUrl ?? new URL(`./${name}`, import.meta.url), fail));
    const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
    const imports = {};
    for (const i of WebAssembly.Module.imports(module)) {
      (imports[i.module] ??= {})[i.name] = given[`${i.module}.${i.name}`] ?? (() => fail(`the core engine called ${i.module}.${i.name}, which shelfcast-core.js does not give`));
    }
    instance = await WebAssembly.instantiate(module, imports);
  } catch (e) {
    if (e instanceof ShelfcastCoreError) throw e;
    fail(`cannot start ${name}: ${e.message}`);
  }
  x = instance.exports;
  if (typeof x.sc_model_load !== 'function') fail(`cannot start ${name}: the module given is not the core engine`);
  if (x.sc_simd_build() !== +simd) fail(`cannot start ${name}: the module given is the ${simd ? 'portable' : 'SIMD128'} build`);
  x._initialize();
  core = new CoreEngine(x);
  return core;
}

export class CoreEngine {
  constructor(exports) {
    this._x = exports;
    this._f32 = null;
    this.limits = { maxModelBytes: exports.sc_max_model_bytes(), maxHorizon: exports.sc_max_horizon(), maxBatch: exports.sc_max_batch() };
  }

  /** True when the module runs the SIMD128 kernels. */
  get simd() {
    return this._x.sc_simd_build() === 1;
  }

  /** Bytes of wasm memory the engine holds now (it only grows). */
  get memoryBytes() {
    return this._x.memory.buffer.byteLength;
  }

  _heap() {
    return (this._f32 ??= new Float32Array(this._x.memory.buffer));
  }

  _error() {
    const x = this._x;
    return new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.sc_last_error(), x.sc_last_error_length()));
  }

  _alloc(bytes) {
    return this._x.sc_malloc(Math.max(1, bytes)) || fail(`out of memory: no room for ${bytes} bytes; dispose() models no longer in use`);
  }

  /**
   * Loads a model from its file bytes (Uint8Array or ArrayBuffer). useSimd: false runs
   * the scalar reference kernels. Throws ShelfcastCoreError with the reader's message.
   */
  loadModel(bytes, { useSimd = true } = {}) {
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const cap = this.limits.maxModelBytes;
    if (data.length > cap) fail(`model file is ${data.length} bytes, over the cap of ${cap}`);
    const x = this._x;
    const ptr = this._alloc(data.length);
    let handle;
    try {
      new Uint8Array(x.memory.buffer).set(data, ptr);
      handle = x.sc_model_load(ptr, data.length, useSimd ? 1 : 0);
    } finally {
      x.sc_free(ptr);
    }
    if (!handle) fail(this._error());
    return new CoreModel(this, handle);
  }

  /** Fetches a model (http(s); under Node also a path or file: URL) and loads it. */
  async loadModelFromUrl(url, options) {
    return this.loadModel(await fetchBytes(url, fail), options);
  }
}

export class CoreModel {
  constructor(core, handle) {
    const x = core._x;
    this._core = core;
    this._h = handle;
    this._cap = 0;
    this._buf = 0;
    /** Days of sales per window, the model's own horizon, whether forecasts need a date. */
    this.window = x.sc_model_window(handle);
    this.horizon = x.sc_model_horizon(handle);
    this.needsDates = x.sc_model_needs_dates(handle) === 1;
    this.parameters = x.sc_model_parameters(handle);
  }

  _handle() {
    return this._h || fail('this model was disposed');
  }

  // One buffer for windows, days and forecasts, reused while it is big enough.
  _buffer(bytes) {
    if (bytes > this._cap) {
      this._core._x.sc_free(this._buf);
      this._buf = 0;
      this._cap = 0;
      this._buf = this._core._alloc(bytes);
      this._cap = bytes;
    }
    return this._buf;
  }

  /**
   * Forecasts one series: `window` holds the last `model.window` days of sales, oldest
   * first. Options: date (first forecast day, 'YYYY-MM-DD' or day number; calendar models
   * need it), horizon (default 1). Returns a Float32Array of `horizon` sales.
   */
  forecast(window, { date, horizon = 1 } = {}) {
    return this.forecastBatch(window, { dates: date === undefined ? undefined : [date], horizon, n: 1 });
  }

  /**
   * Forecasts n series at once: `windows` holds n * window values (row-major). Options:
   * dates (n first-forecast days, or one for all), horizon. Returns n * horizon values.
   */
  forecastBatch(windows, { dates, horizon = 1, n } = {}) {
    const h = this._handle();
    const w = this.window;
    const rows = n ?? windows.length / w;
    if (!Number.isInteger(rows) || rows * w !== windows.length) {
      fail(rows === 1 ? `window has ${windows.length} values, the model needs ${w}` : `${windows.length} values are not a whole number of ${w}-day windows`);
    }
    if (!Number.isInteger(horizon) || horizon < 1) fail(`horizon ${horizon} is not a positive integer`);
    const { maxBatch, maxHorizon } = this._core.limits;
    if (horizon > maxHorizon) fail(`horizon ${horizon} is outside 1..${maxHorizon}`);
    if (rows > maxBatch) fail(`batch of ${rows} series exceeds the cap of ${maxBatch}`);
    const days = dates == null ? null : dates.length === 1 && rows > 1 ? new Array(rows).fill(dates[0]) : dates;
    if (days && days.length !== rows) fail(`${days.length} dates for ${rows} series`);
    const core = this._core;
    const sales = this._buffer(4 * (rows * (w + horizon) + (days ? rows : 0)));
    const out = sales + 4 * rows * w;
    const daysPtr = days ? out + 4 * rows * horizon : 0;
    let heap = core._heap();
    heap.set(windows, sales >> 2);
    if (days) {
      const d = new Int32Array(heap.buffer, daysPtr, rows);
      for (let i = 0; i < rows; i++) d[i] = dayNumber(days[i], fail);
    }
    if (core._x.sc_forecast_batch(h, rows, sales, daysPtr, horizon, out)) fail(core._error());
    heap = core._heap();
    return heap.slice(out >> 2, (out >> 2) + rows * horizon);
  }

  /** Frees the model's engine memory; the model cannot be used afterwards. */
  dispose() {
    if (!this._h) return;
    const x = this._core._x;
    x.sc_free(this._buf);
    x.sc_model_free(this._h);
    this._h = 0;
    this._buf = 0;
    this._cap = 0;
  }
}

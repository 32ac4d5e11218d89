// shelfcast: the public JavaScript API of the WebAssembly engine (browsers and Node 20).
//
//   import { loadEngine } from './shelfcast.js';
//   const engine = await loadEngine();                       // finds shelfcast-engine.wasm beside this file
//   const model = engine.loadModel(await (await fetch('models/lstm64.shcf')).arrayBuffer());
//   const [next] = model.forecast(last30Days, { date: '2017-06-01' });
//   const many = model.forecastBatch(windows /* Float32Array n*window */, { dates, horizon: 7 });
//   model.dispose();
//
// Inputs are raw sales; outputs are sales. Errors (a corrupt model file, a wrong window
// length, a NaN in a window) throw ShelfcastError with the engine's message.
import createShelfcastEngine from './shelfcast-engine.js';

export class ShelfcastError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ShelfcastError';
  }
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

async function defaultWasmBinary(wasmUrl) {
  const url = wasmUrl ?? new URL('./shelfcast-engine.wasm', import.meta.url);
  if (isNode && String(url).startsWith('file:')) {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(new URL(url)));
  }
  const response = await fetch(url);
  if (!response.ok) throw new ShelfcastError(`cannot load the engine: ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Day number (days since 1970-01-01, UTC) of a 'YYYY-MM-DD' string, a Date or a number. */
export function dayNumber(date) {
  if (typeof date === 'number') return date;
  if (date instanceof Date) return Math.floor(date.getTime() / 86400000);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(date));
  if (!m) throw new ShelfcastError(`'${date}' is not a YYYY-MM-DD date`);
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const back = new Date(t);
  if (back.getUTCMonth() !== +m[2] - 1 || back.getUTCDate() !== +m[3]) {
    throw new ShelfcastError(`'${date}' is not a calendar date`);
  }
  return t / 86400000;
}

/** 'YYYY-MM-DD' of a day number. */
export function isoDate(day) {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

/**
 * Instantiates the engine. Options: wasmBinary (bytes; skips loading), wasmUrl.
 */
export async function loadEngine(options = {}) {
  const wasmBinary = options.wasmBinary ?? (await defaultWasmBinary(options.wasmUrl));
  const module = await createShelfcastEngine({ wasmBinary });
  return new Engine(module);
}

export class Engine {
  constructor(module) {
    this._m = module;
  }

  /** True when this build runs the SIMD128 kernels. */
  get simd() {
    return this._m.simdBuild();
  }

  /** Loads a model from its file bytes. Throws ShelfcastError with the reader's message. */
  loadModel(bytes, { useSimd = true } = {}) {
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const m = this._m;
    const ptr = m._malloc(Math.max(1, data.length));
    if (!ptr) throw new ShelfcastError('out of memory loading the model');
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
    return new Model(m, handle);
  }

  /**
   * Loads a model from a URL: http(s) through fetch; under Node also a file: URL or a
   * path (Node's fetch refuses file: URLs). Throws ShelfcastError naming the URL.
   */
  async loadModelFromUrl(url, options) {
    const href = url instanceof URL ? url.href : String(url);
    if (isNode && !/^(https?|data|blob):/i.test(href)) {
      const { readFile } = await import('node:fs/promises');
      let bytes;
      try {
        bytes = await readFile(href.startsWith('file:') ? new URL(href) : href);
      } catch (e) {
        throw new ShelfcastError(`${url}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
      }
      return this.loadModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), options);
    }
    const response = await fetch(url);
    if (!response.ok) throw new ShelfcastError(`${url}: HTTP ${response.status}`);
    return this.loadModel(new Uint8Array(await response.arrayBuffer()), options);
  }
}

export class Model {
  constructor(module, handle) {
    this._m = module;
    this._h = handle;
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
    const m = this._m;
    const salesPtr = this._buffer('sales', rows * w);
    const outPtr = this._buffer('out', rows * horizon);
    let daysPtr = 0;
    if (dates !== undefined && dates !== null) {
      daysPtr = this._buffer('days', rows);
      const days = dates.length === 1 && rows > 1 ? new Array(rows).fill(dates[0]) : dates;
      if (days.length !== rows) throw new ShelfcastError(`${days.length} dates for ${rows} series`);
      const heap = m.HEAP32;
      for (let i = 0; i < rows; i++) heap[(daysPtr >> 2) + i] = dayNumber(days[i]);
    }
    m.HEAPF32.set(windows, salesPtr >> 2);
    const error = this._h.forecastBatch(rows, salesPtr, daysPtr, horizon, outPtr);
    if (error) throw new ShelfcastError(error);
    return m.HEAPF32.slice(outPtr >> 2, (outPtr >> 2) + rows * horizon);
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
}

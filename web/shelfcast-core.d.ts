// Types of shelfcast-core.js: the core engine (forecasts only, C ABI, no Emscripten glue).

/** Every failure of the core engine; the message names the problem. */
export class ShelfcastCoreError extends Error {}

export interface LoadCoreOptions {
  /** true/false: force the SIMD128 or the portable build (default: the host's support). */
  simd?: boolean;
  /** That build, compiled (e.g. once by a page and posted to its workers). */
  wasmModule?: WebAssembly.Module;
  /** That build's bytes. */
  wasmBinary?: BufferSource;
  /** Where to fetch it (default: shelfcast-core[-portable].wasm beside shelfcast-core.js). */
  wasmUrl?: string | URL;
}

/** Instantiates the core engine. */
export function loadCore(options?: LoadCoreOptions): Promise<CoreEngine>;

/** A day: 'YYYY-MM-DD', a Date (its UTC day) or a day number (days since 1970-01-01 UTC), as shelfcast.js's dayNumber reads it. */
export type Day = string | Date | number;

export class CoreEngine {
  /** The caps (core/limits.h) the engine checks. */
  readonly limits: { maxModelBytes: number; maxHorizon: number; maxBatch: number };
  /** True when the module runs the SIMD128 kernels. */
  readonly simd: boolean;
  /** Bytes of wasm memory the engine holds now (it only grows). */
  readonly memoryBytes: number;
  /** Loads a model file; useSimd: false runs the scalar reference kernels. */
  loadModel(bytes: Uint8Array | ArrayBuffer, options?: { useSimd?: boolean }): CoreModel;
  /** Fetches (http(s); under Node also a path or file: URL) and loads a model file. */
  loadModelFromUrl(url: string | URL, options?: { useSimd?: boolean }): Promise<CoreModel>;
}

export class CoreModel {
  /** Days of sales per window. */
  readonly window: number;
  /** The model's own horizon (forecasts take any horizon up to limits.maxHorizon). */
  readonly horizon: number;
  /** True for calendar models: forecasts need the first forecast day. */
  readonly needsDates: boolean;
  readonly parameters: number;
  /** One series: `window` days of sales, oldest first; returns `horizon` sales. */
  forecast(window: ArrayLike<number>, options?: { date?: Day; horizon?: number }): Float32Array;
  /** n series (n * window values, row-major); dates: n days or one for all; returns n * horizon sales. */
  forecastBatch(windows: ArrayLike<number>, options?: { dates?: ArrayLike<Day>; horizon?: number; n?: number }): Float32Array;
  /** Frees the model's engine memory. */
  dispose(): void;
}

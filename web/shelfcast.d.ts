// Types of the public shelfcast JavaScript API (web/shelfcast.js).

export class ShelfcastError extends Error {}

export type DateLike = string | Date | number;

export interface TensorInfo {
  name: string;
  rows: number;
  cols: number;
  encoding: 'f32' | 'f16' | 'sparse-f32' | 'int8' | 'sparse-int8';
  stored: number;
  bytes: number;
}

export interface LayerInfo {
  kind: 'lstm' | 'dense';
  inputs: number;
  units: number;
  tensors: TensorInfo[];
}

export interface ModelInfo {
  window: number;
  horizon: number;
  normalisation: 'global' | 'window-mean';
  dayOfWeek: boolean;
  month: boolean;
  needsDates: boolean;
  inputFeatures: number;
  parameters: number;
  storedParameters: number;
  fileBytes: number;
  kernels: string;
  layers: LayerInfo[];
}

export interface ForecastOptions {
  /** First forecast day; required by models with calendar features. */
  date?: DateLike;
  /** Days to forecast, each fed back as the next input. Default 1. */
  horizon?: number;
}

export interface BatchOptions {
  /** One first-forecast day per series, or a single one for all. */
  dates?: ArrayLike<DateLike>;
  horizon?: number;
  n?: number;
}

export class Model {
  readonly info: ModelInfo;
  readonly window: number;
  readonly needsDates: boolean;
  forecast(window: ArrayLike<number>, options?: ForecastOptions): Float32Array;
  forecastBatch(windows: ArrayLike<number>, options?: BatchOptions): Float32Array;
  dispose(): void;
  /** LSTM-state stream: one LSTM step per observation. Throws for window-mean models. */
  stream(): Stream;
  /** Ring-buffer stream: re-runs the last `window` days per forecast. Any model. */
  windowStream(): Stream;
}

/** One series fed one observation at a time (docs/streaming.md). */
export class Stream {
  readonly model: Model;
  readonly kind: 'lstm-state' | 'window';
  /** Observations since the start or the last reset(). */
  readonly steps: number;
  /** 'YYYY-MM-DD' of the last observation, or null when the stream has no dates. */
  readonly lastDate: string | null;
  /** Hex fingerprint of the model; saved states carry it. */
  readonly fingerprint: string;
  /** Feeds one day's sales; `date` is that day's (required on the first step of calendar models). */
  step(value: number, date?: DateLike): void;
  /** Forecasts the `horizon` (default 1) days after the last observation, without changing the stream. */
  forecast(horizon?: number): Float32Array;
  /** The state as versioned bytes, for setState() after a reload. */
  getState(): Uint8Array;
  /** Restores a state from getState(); throws ShelfcastError (stream unchanged) if it is not this stream's. */
  setState(bytes: Uint8Array | ArrayBuffer): void;
  reset(): void;
  dispose(): void;
}

export class Engine {
  readonly simd: boolean;
  loadModel(bytes: Uint8Array | ArrayBuffer, options?: { useSimd?: boolean }): Model;
  loadModelFromUrl(url: string | URL, options?: { useSimd?: boolean }): Promise<Model>;
}

export interface EngineOptions {
  wasmBinary?: Uint8Array | ArrayBuffer;
  wasmUrl?: string | URL;
}

export function loadEngine(options?: EngineOptions): Promise<Engine>;
export function dayNumber(date: DateLike): number;
export function isoDate(day: number): string;

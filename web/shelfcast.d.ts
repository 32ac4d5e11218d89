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

/** A daily series: one value per day from firstDay (parseSalesCsv's series fit). */
export interface SeriesHistory {
  firstDay: DateLike;
  values: ArrayLike<number> & { length: number };
}

export interface SeriesForecast {
  /** Day number (days since 1970-01-01) of the first forecast day. */
  firstDay: number;
  values: Float32Array;
}

export class Model {
  readonly info: ModelInfo;
  readonly window: number;
  readonly needsDates: boolean;
  forecast(window: ArrayLike<number>, options?: ForecastOptions): Float32Array;
  forecastBatch(windows: ArrayLike<number>, options?: BatchOptions): Float32Array;
  /** The `horizon` days after the series' last day, from its last `window` values. */
  forecastSeries(series: SeriesHistory, options?: { horizon?: number }): SeriesForecast;
  dispose(): void;
}

export class Engine {
  readonly simd: boolean;
  loadModel(bytes: Uint8Array | ArrayBuffer, options?: { useSimd?: boolean }): Model;
  /** http(s) through fetch; under Node also a file: URL or a file path. */
  loadModelFromUrl(url: string | URL, options?: { useSimd?: boolean }): Promise<Model>;
}

export interface EngineOptions {
  wasmBinary?: Uint8Array | ArrayBuffer;
  wasmUrl?: string | URL;
}

export function loadEngine(options?: EngineOptions): Promise<Engine>;
export function dayNumber(date: DateLike): number;
export function isoDate(day: number): string;

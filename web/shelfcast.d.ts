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
  values: Float32Array | number[];
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

/** The documented caps (SECURITY.md). */
export interface EngineLimits {
  maxModelBytes: number;
  maxHidden: number;
  maxLayers: number;
  maxWindow: number;
  maxHorizon: number;
  maxBatch: number;
  /** The fixed ceiling of the engine's wasm memory. */
  maxMemoryBytes: number;
}

export interface SalesSeries {
  /** "store 1 item 1" (store-item format) or the series id (generic). */
  key: string;
  /** 0 in the generic format. */
  store: number;
  item: number;
  /** Day number (days since 1970-01-01) of values[0]; one value per day, no gaps. */
  firstDay: number;
  values: Float32Array;
}

export interface SalesData {
  format: 'store-item' | 'generic';
  rows: number;
  /** Lenient mode: data lines not loaded, and the first few messages. */
  skipped: number;
  skippedMessages: string[];
  series: SalesSeries[];
}

export interface CsvOptions {
  /** Skip bad lines (counted in `skipped`) instead of throwing. Default false. */
  lenient?: boolean;
  /** Lenient mode: messages kept. Default 10. */
  maxMessages?: number;
  /** The byte cap: default 64 MiB in the page (the engine's memory is capped), at most 512 MiB. */
  maxBytes?: number;
}

export interface ProtocolOptions {
  stores?: ArrayLike<number>;
  items?: ArrayLike<number>;
  window?: number;
  horizon?: number;
  testFirst?: DateLike;
  testLast?: DateLike;
  validationDays?: number;
}

export interface TestSet {
  count: number;
  window: number;
  horizon: number;
  /** count * window raw sales, oldest first. */
  inputs: Float32Array;
  /** count * horizon. */
  targets: Float32Array;
  /** The first target day of each example. */
  targetDays: Int32Array;
  /** Index into SalesData.series of each example. */
  series: Uint32Array;
}

export interface ProtocolSplit {
  series: Uint32Array;
  window: number;
  horizon: number;
  train: { count: number };
  validation: { count: number };
  test: TestSet;
}

export interface Metrics {
  /** % over the pairs with actual > 0 only. */
  mape: number;
  smape: number;
  wape: number;
  mae: number;
  rmse: number;
  count: number;
  mapeCount: number;
}

export interface SeriesMetrics extends Metrics {
  series: number;
  key?: string;
}

export type BaselineName = 'naive' | 'seasonal-naive' | 'weekday-mean' | `weekday-mean:${number}` | 'true-mean';

export interface EvaluateOptions extends ProtocolOptions {
  models?: { name: string; model: Model }[];
  baselines?: BaselineName[];
  /** Add the generator's true mean (an oracle: meaningful on generated data only). */
  trueMean?: boolean;
}

export interface EvaluationRow {
  name: string;
  kind: 'model' | 'baseline' | 'oracle';
  id: string;
  window?: number;
  mape: number;
  smape: number;
  wape: number;
  mae: number;
  rmse: number;
  n: number;
  mapeN: number;
  perSeries: SeriesMetrics[];
}

export class Engine {
  readonly simd: boolean;
  readonly limits: EngineLimits;
  /** Bytes of wasm memory the engine holds now (grows up to limits.maxMemoryBytes). */
  readonly memoryBytes: number;
  /** False in a build with SHELFCAST_WASM_DATA=OFF: the data methods below then throw. */
  readonly hasDataTools: boolean;
  loadModel(bytes: Uint8Array | ArrayBuffer, options?: { useSimd?: boolean }): Model;
  /** http(s) through fetch; under Node also a file: URL or a file path. */
  loadModelFromUrl(url: string | URL, options?: { useSimd?: boolean }): Promise<Model>;
  parseSalesCsv(input: string | Uint8Array | ArrayBuffer, options?: CsvOptions): SalesData;
  protocolSplit(data: SalesData, options?: ProtocolOptions): ProtocolSplit;
  baseline(name: BaselineName, data: SalesData, test: TestSet): Float32Array;
  describeBaseline(name: BaselineName): { id: string; label: string; oracle: boolean };
  metrics(actual: ArrayLike<number>, forecast: ArrayLike<number>): Metrics;
  score(test: TestSet, forecasts: ArrayLike<number>, data?: SalesData): { pooled: Metrics; perSeries: SeriesMetrics[] };
  evaluateProtocol(
    data: SalesData,
    options?: EvaluateOptions,
  ): { protocol: { series: number; window: number; horizon: number; examples: number; pairs: number }; rows: EvaluationRow[] };
}

export interface EngineOptions {
  wasmBinary?: Uint8Array | ArrayBuffer;
  wasmUrl?: string | URL;
}

export function loadEngine(options?: EngineOptions): Promise<Engine>;
export function dayNumber(date: DateLike): number;
export function isoDate(day: number): string;

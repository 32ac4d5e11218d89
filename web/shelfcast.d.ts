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
  /**
   * True for loadEngine({ data: true }) (shelfcast-engine-data.wasm); false for the kiosk
   * engine, where protocolSplit, baseline, describeBaseline, metrics, score and
   * evaluateProtocol throw a ShelfcastError saying so (parseSalesCsv works in both).
   */
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
  /** The platform check: which build runs, whether the host has wasm SIMD, the kernels of the models given. */
  platform(models?: Record<string, Model>): PlatformReport;
  /** A drift monitor of a deployed model (and an optional float shadow model). */
  createMonitor(options: MonitorOptions): Monitor;
}

export interface PlatformReport {
  /** The host runs WebAssembly SIMD128 (WebAssembly.validate of a SIMD module). */
  hostSimd: boolean;
  /** The engine loaded: shelfcast-engine[-data].wasm (SIMD128) or shelfcast-engine[-data]-portable.wasm (scalar kernels). */
  build: 'simd128' | 'portable';
  /** loadEngine's `simd` option chose the build (otherwise the host's support did). */
  forced: boolean;
  /** 'integer-simd': int8 layers run the qs8 SIMD kernels (i32x4.dot_i16x8_s); 'portable': their scalar reference. */
  int8: 'integer-simd' | 'portable';
  /** Per model given: the kernels each LSTM layer runs (ModelInfo.kernels). */
  kernels: Record<string, string>;
}

export interface MonitorOptions {
  /** The deployed (compressed) model. */
  model: Model;
  /** A float model run beside it; its rolling MAPE is the reference of the shadow rule. */
  shadow?: Model | null;
  /** Days in the rolling window, 2..365. Default 7. */
  window?: number;
  /** MAPE points over the reference that raise the flag. Default 6. */
  margin?: number;
  /** The deployed model's expected MAPE (%): a number judges the pooled status (overall()); by series id also those series. */
  baselineMape?: number | Record<string, number>;
  /** Without a baselineMape number: learn the pooled baseline over the first scored days (0: off). Default 0. */
  calibrationDays?: number;
}

export interface MonitorStatus {
  series: string;
  /** 'YYYY-MM-DD' of the last observed day, or null. */
  lastDay: string | null;
  /** Days scored (observed once the history held the models' windows). */
  days: number;
  /** Days in the rolling window now, and of them the days with sales > 0. */
  windowDays: number;
  windowCount: number;
  /** Rolling MAPE (%) of the deployed model, of the shadow (null without one). */
  deployedMape: number;
  shadowMape: number | null;
  /** The baseline in use (given or calibrated), or null. */
  baselineMape: number | null;
  flagged: boolean;
  /** Which rule holds now: deployed > shadow + margin; deployed > baseline + margin. */
  vsShadow: boolean;
  vsBaseline: boolean;
  /** Times the flag went on; first day of the current flag; first day it was ever on. */
  flagsRaised: number;
  flaggedSince: string | null;
  firstFlagDay: string | null;
}

export interface MonitorObservation extends MonitorStatus {
  /** The forecasts made for the day before its actual was known (null while the history is short). */
  forecast: number | null;
  shadowForecast: number | null;
}

export class Monitor {
  readonly model: Model;
  readonly shadow: Model | null;
  readonly options: { window: number; margin: number; baselineMape?: number | Record<string, number>; calibrationDays: number };
  /** The ids of the series observed so far. */
  readonly series: string[];
  /** One day's actual sales of a series; days of a series must be consecutive. */
  observe(seriesId: string | number, date: DateLike, actual: number): MonitorObservation;
  /** Consecutive days from firstDay; returns the status after the last. */
  observeSeries(seriesId: string | number, firstDay: DateLike, values: ArrayLike<number>): MonitorStatus;
  status(seriesId: string | number): MonitorStatus;
  /** The status of every series flagged now. */
  flags(): MonitorStatus[];
  /** All series pooled (series '*'); needs observations in day order across series. */
  overall(): MonitorStatus;
  reset(seriesId: string | number): void;
  dispose(): void;
}

export interface EngineOptions {
  /**
   * true: the engine with the data tools (shelfcast-engine-data.wasm: protocolSplit,
   * baselines, metrics, score, evaluateProtocol). Default: the kiosk engine
   * (shelfcast-engine.wasm: everything else, under 150,000 bytes).
   */
  data?: boolean;
  /** Force the SIMD128 build (true) or the portable one (false); default: the host's support. */
  simd?: boolean;
  /** The SIMD128 build's bytes or URL (default: shelfcast-engine[-data].wasm beside shelfcast.js). */
  wasmBinary?: Uint8Array | ArrayBuffer;
  wasmUrl?: string | URL;
  /** The portable build's bytes or URL (default: shelfcast-engine[-data]-portable.wasm beside shelfcast.js). */
  portableWasmBinary?: Uint8Array | ArrayBuffer;
  portableWasmUrl?: string | URL;
  /**
   * The SIMD128 / portable build already compiled (WebAssembly.compile of its bytes): a page
   * compiles once and posts the module to its workers, which share its code (and its
   * optimised tier) instead of compiling their own. Must be the build the options pick.
   */
  wasmModule?: WebAssembly.Module;
  portableWasmModule?: WebAssembly.Module;
}

export function loadEngine(options?: EngineOptions): Promise<Engine>;
/** True when the host runs WebAssembly SIMD128. */
export function hostHasWasmSimd(): boolean;
export function dayNumber(date: DateLike): number;
export function isoDate(day: number): string;

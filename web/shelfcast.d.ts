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

export class Engine {
  readonly simd: boolean;
  readonly limits: EngineLimits;
  /** Bytes of wasm memory the engine holds now (grows up to limits.maxMemoryBytes). */
  readonly memoryBytes: number;
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

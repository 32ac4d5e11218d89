// Hostile requests against the wasm engine: every cap is enforced with a ShelfcastError
// (never an abort), a batch of any size runs within a fixed slice of wasm memory, loading
// models until the heap is full is refused with a message and the engine keeps working,
// and NaN/Inf in any window is refused naming the series and position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distModule, nativeCli } from './helpers.mjs';

const { loadEngine, ShelfcastError, dayNumber } = await import(distModule('shelfcast.js'));
const cli = nativeCli();
const dir = mkdtempSync(join(tmpdir(), 'shelfcast-limits-'));
const wasmBinary = readFileSync(new URL(distModule('shelfcast-engine.wasm')));

function makeModel(hidden, window, extra = []) {
  const file = join(dir, `m${hidden}-w${window}${extra.join('')}.shcf`);
  if (!existsSync(file)) {
    execFileSync(cli, ['init', '--hidden', String(hidden), '--window', String(window), '--seed', '3', '--out', file, ...extra]);
  }
  return readFileSync(file);
}

function throwsShelfcast(fn, message) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof ShelfcastError, `expected a ShelfcastError, got ${e}`);
    if (message instanceof RegExp) assert.match(e.message, message);
    else assert.equal(e.message, message);
    return true;
  });
}

const MiB = 1 << 20;

test('the engine reports the documented caps', async () => {
  const engine = await loadEngine({ wasmBinary });
  assert.deepEqual(engine.limits, {
    maxModelBytes: 4 * MiB,
    maxHidden: 512,
    maxLayers: 6,
    maxWindow: 1024,
    maxHorizon: 366,
    maxBatch: 1048576,
    maxMemoryBytes: 80 * MiB,
  });
});

test('a model file over the cap is refused before it is copied into the engine', async () => {
  const engine = await loadEngine({ wasmBinary });
  const before = engine.memoryBytes;
  throwsShelfcast(() => engine.loadModel(new Uint8Array(4 * MiB + 1)), 'model file is 4194305 bytes, over the cap of 4194304');
  assert.equal(engine.memoryBytes, before);
});

test('batch, horizon and date requests over the caps fail with ShelfcastError', async () => {
  const engine = await loadEngine({ wasmBinary });
  const model = engine.loadModel(makeModel(2, 1));
  throwsShelfcast(() => model.forecastBatch(new Float32Array(1048577)), 'batch of 1048577 series exceeds the cap of 1048576');
  throwsShelfcast(() => model.forecast([5], { horizon: 367 }), 'horizon 367 is outside 1..366');
  throwsShelfcast(() => model.forecast([5], { horizon: 2.5 }), 'horizon 2.5 is not a positive integer');
  const calendar = engine.loadModel(makeModel(2, 3, ['--calendar', 'dow']));
  throwsShelfcast(() => calendar.forecast([1, 2, 3], { date: 17000.5 }), '17000.5 is not a day number');
  throwsShelfcast(() => calendar.forecast([1, 2, 3], { date: NaN }), 'NaN is not a day number');
  // 2^32 + 17000 would wrap to a valid int32 day.
  throwsShelfcast(() => calendar.forecast([1, 2, 3], { date: 4294984296 }), '4294984296 is not a day number');
  throwsShelfcast(() => calendar.forecast([1, 2, 3], { date: -100000 }),
    'series 0: first forecast day -100000 is outside 1900-01-01..2199-12-31');
  assert.equal(calendar.forecast([1, 2, 3], { date: dayNumber('2017-06-01') }).length, 1);
  // A full-size batch (the cap itself) is accepted.
  assert.equal(model.forecastBatch(new Float32Array(1048576)).length, 1048576);
});

test('a batch larger than the engine memory runs within a fixed slice of it', async () => {
  const engine = await loadEngine({ wasmBinary });
  const model = engine.loadModel(makeModel(1, 1024));
  const rows = 25000;  // 25000 windows of 1024 days: 102 MB, more than the engine's 80 MiB
  const windows = new Float32Array(rows * 1024);
  for (let i = 0; i < windows.length; i += 1021) windows[i] = i % 89;
  model.forecast(windows.subarray(0, 1024));  // the model's scratch is in place
  const before = engine.memoryBytes;
  const out = model.forecastBatch(windows);
  assert.equal(out.length, rows);
  assert.ok(engine.memoryBytes - before <= 8 * MiB, `memory grew by ${engine.memoryBytes - before} bytes`);
  // Slices are whole engine chunks, so a chunk-aligned sub-batch gives identical bits.
  const sub = model.forecastBatch(windows.subarray(12800 * 1024, 12928 * 1024));
  assert.deepEqual(sub, out.subarray(12800, 12928));
});

test('NaN and Inf anywhere in a sliced batch name the series and position', async () => {
  const engine = await loadEngine({ wasmBinary });
  const model = engine.loadModel(makeModel(4, 30));
  const rows = 20000;  // slices of 8192 rows: the bad series are in the second and third
  const windows = new Float32Array(rows * 30).fill(12);
  windows[15000 * 30 + 3] = NaN;
  throwsShelfcast(() => model.forecastBatch(windows), 'series 15000, window position 3: value is not a finite number');
  windows[15000 * 30 + 3] = 12;
  windows[19999 * 30 + 29] = -Infinity;
  throwsShelfcast(() => model.forecastBatch(windows), 'series 19999, window position 29: value is not a finite number');
  windows[19999 * 30 + 29] = 12;
  assert.equal(model.forecastBatch(windows).length, rows);
  // Plain arrays: anything that is not a number becomes NaN, and is refused the same way.
  const plain = new Array(30).fill(12);
  plain[7] = undefined;
  throwsShelfcast(() => model.forecast(plain), 'series 0, window position 7: value is not a finite number');
  plain[7] = 'twelve';
  throwsShelfcast(() => model.forecast(plain), 'series 0, window position 7: value is not a finite number');
  // Float64 values beyond float32 range become Infinity on the way in.
  plain[7] = 1e39;
  throwsShelfcast(() => model.forecast(plain), 'series 0, window position 7: value is not a finite number');
});

test('loading models until the engine is full is refused, and the engine keeps working', async () => {
  const engine = await loadEngine({ wasmBinary });
  const small = makeModel(8, 30);
  const big = makeModel(360, 30);  // 2.1 MB file, up to ~9.4 MB of engine memory each
  const first = engine.loadModel(small);
  const w = Array.from({ length: 30 }, (_, i) => 40 + (i % 7));
  const expected = Array.from(first.forecast(w, { horizon: 3 }));
  const loaded = [];
  let error = null;
  for (let i = 0; i < 40 && !error; i++) {
    try {
      loaded.push(engine.loadModel(big));
    } catch (e) {
      error = e;
    }
  }
  assert.ok(error instanceof ShelfcastError, `expected a ShelfcastError after ${loaded.length} loads, got ${error}`);
  assert.match(error.message, /^out of memory: .*; dispose\(\) models no longer in use$/);
  assert.ok(loaded.length >= 5, `only ${loaded.length} models fit`);
  assert.ok(engine.memoryBytes <= engine.limits.maxMemoryBytes);
  // Everything loaded still works, the full engine included.
  assert.deepEqual(Array.from(first.forecast(w, { horizon: 3 })), expected);
  assert.equal(loaded.at(-1).forecast(new Array(30).fill(5)).length, 1);
  for (const m of loaded) m.dispose();
  const again = engine.loadModel(big);
  assert.equal(again.forecast(new Array(30).fill(5)).length, 1);
});

test('the engine makes no network request: what a page loads stays in the page', async () => {
  const calls = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (...args) => {
    calls.push(String(args[0]));
    throw new Error('no network in this test');
  };
  try {
    const engine = await loadEngine({ wasmBinary });
    const model = engine.loadModel(makeModel(8, 30));
    model.forecastBatch(new Float32Array(30 * 5).fill(3), { horizon: 4 });
    assert.throws(() => engine.loadModel(new Uint8Array(20)));
    model.dispose();
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.deepEqual(calls, []);
});

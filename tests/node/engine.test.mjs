// The wasm engine under Node: loads models written by the native CLI, forecasts, and
// must equal the native build. The SIMD kernels are the same C++ code on the same
// mapping layer (SSE4.1 natively, SIMD128 in wasm) with no FMA contraction, so SIMD
// outputs must be bit-identical; the scalar reference path calls libm's exp/tanh,
// which differ between glibc and musl by an ulp, hence 1e-6 relative there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distModule, nativeCli } from './helpers.mjs';

const { loadEngine, ShelfcastError, dayNumber, isoDate } = await import(distModule('shelfcast.js'));
const engine = await loadEngine();
const cli = nativeCli();
const dir = mkdtempSync(join(tmpdir(), 'shelfcast-node-'));

function makeModel(hidden, extra = []) {
  const file = join(dir, `m${hidden}-${extra.join('')}.shcf`);
  if (!existsSync(file)) execFileSync(cli, ['init', '--hidden', String(hidden), '--seed', String(hidden), '--out', file, ...extra]);
  return file;
}

function nativeForecast(file, values, extra = []) {
  const out = execFileSync(cli, ['forecast', file, '--values', values.join(','), '--json', ...extra]);
  return JSON.parse(out.toString());
}

function window(n, seed) {
  return Array.from({ length: n }, (_, i) => Math.round(50 + 30 * Math.sin(seed + i * 0.9)));
}

test('the engine is the SIMD build', () => {
  assert.equal(engine.simd, true);
});

for (const hidden of [1, 7, 16, 33, 64]) {
  test(`LSTM-${hidden}: wasm equals native, bit for bit on the SIMD path`, () => {
    const file = makeModel(hidden);
    const model = engine.loadModel(readFileSync(file));
    assert.equal(model.window, 30);
    assert.equal(model.info.layers[0].units, hidden);
    for (const seed of [1, 2, 3]) {
      const w = window(30, seed);
      const expected = nativeForecast(file, w, ['--horizon', '4']);
      const got = Array.from(model.forecast(w, { horizon: 4 }));
      assert.deepEqual(got, expected.map(Math.fround));
    }
    model.dispose();
  });
}

test('the scalar reference kernels agree with native within 1e-6 relative', () => {
  const file = makeModel(16);
  const model = engine.loadModel(readFileSync(file), { useSimd: false });
  assert.match(model.info.kernels, /scalar/);
  const w = window(30, 5);
  const expected = nativeForecast(file, w, ['--horizon', '3']);
  const got = model.forecast(w, { horizon: 3 });
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(got[k] - expected[k]) <= 1e-6 * Math.abs(expected[k]), `${got[k]} vs ${expected[k]}`);
});

test('calendar models take dates and equal native', () => {
  const file = makeModel(8, ['--calendar', 'dow,month']);
  const model = engine.loadModel(readFileSync(file));
  assert.equal(model.needsDates, true);
  assert.equal(model.info.inputFeatures, 20);
  const w = window(30, 9);
  const expected = nativeForecast(file, w, ['--date', '2017-02-27', '--horizon', '5']);
  assert.deepEqual(Array.from(model.forecast(w, { date: '2017-02-27', horizon: 5 })), expected.map(Math.fround));
  assert.throws(() => model.forecast(w), { name: 'ShelfcastError', message: /calendar features/ });
});

test('a batch equals the windows forecast one by one', () => {
  const file = makeModel(16);
  const model = engine.loadModel(readFileSync(file));
  const n = 500;
  const windows = new Float32Array(n * 30);
  for (let i = 0; i < n; i++) windows.set(window(30, i), i * 30);
  const batch = model.forecastBatch(windows, { horizon: 2 });
  assert.equal(batch.length, n * 2);
  for (const i of [0, 1, 250, 499]) {
    const one = model.forecast(windows.subarray(i * 30, (i + 1) * 30), { horizon: 2 });
    for (let k = 0; k < 2; k++) assert.ok(Math.abs(one[k] - batch[i * 2 + k]) <= 1e-5 * Math.abs(one[k]) + 1e-5);
  }
});

test('bad model files raise ShelfcastError with the reader message', () => {
  const good = readFileSync(makeModel(16));
  const cases = [
    [good.subarray(0, 10), 'model file truncated: 10 bytes, the header alone needs 16'],
    [Buffer.concat([Buffer.from('PK\x03\x04'), good.subarray(4)]), "not a shelfcast model file: magic is 'PK\\x03\\x04', expected 'SHCF'"],
    [(() => { const b = Buffer.from(good); b[4] = 9; return b; })(), 'unsupported model format version 9 (this build reads version 1)'],
    [(() => { const b = Buffer.from(good); b[200] ^= 1; return b; })(), /^checksum mismatch: payload CRC32 is 0x[0-9A-F]{8}, header says 0x[0-9A-F]{8} \(the file is corrupt\)$/],
    [good.subarray(0, good.length - 7), /^model file truncated: header promises \d+ payload bytes, the file holds \d+$/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => engine.loadModel(bytes), (e) => {
      assert.ok(e instanceof ShelfcastError);
      if (message instanceof RegExp) assert.match(e.message, message);
      else assert.equal(e.message, message);
      return true;
    });
  }
});

test('bad windows are refused, NaN never reaches the kernels', () => {
  const model = engine.loadModel(readFileSync(makeModel(16)));
  const w = window(30, 1);
  assert.throws(() => model.forecast(w.slice(1)), { message: 'window has 29 values, the model needs 30' });
  w[7] = NaN;
  assert.throws(() => model.forecast(w), { message: 'series 0, window position 7: value is not a finite number' });
  assert.throws(() => model.forecastBatch(new Float32Array(31)), { message: '31 values are not a whole number of 30-day windows' });
});

test('date helpers', () => {
  assert.equal(dayNumber('2013-01-01'), 15706);
  assert.equal(isoDate(17531), '2017-12-31');
  assert.throws(() => dayNumber('2017-02-29'), { message: "'2017-02-29' is not a calendar date" });
  assert.throws(() => dayNumber('01/06/2017'), { message: "'01/06/2017' is not a YYYY-MM-DD date" });
  assert.equal(dayNumber(new Date(Date.UTC(2013, 0, 1, 23, 59))), 15706);  // a Date: its UTC day
});

// The Node side of loadModelFromUrl (a path or a file: URL read from disk); the browser
// side (fetch, HTTP errors) is tests/e2e/element.test.mjs's.
test('loadModelFromUrl reads a path or a file: URL under Node, and names a missing file', async () => {
  const path = makeModel(16);
  const want = engine.loadModel(readFileSync(path)).forecast(window(30, 2));
  for (const url of [path, pathToFileURL(path), pathToFileURL(path).href]) {
    assert.deepEqual((await engine.loadModelFromUrl(url)).forecast(window(30, 2)), want, String(url));
  }
  const missing = `${path}.missing`;
  await assert.rejects(engine.loadModelFromUrl(missing), (e) => e instanceof ShelfcastError && e.message === `${missing}: no such file`);
});

// loadEngine({ wasmModule }): the demo page compiles the engine once and posts the module
// to its workers. An engine instantiated from the compiled module is the same engine.
test('an engine from a compiled WebAssembly.Module forecasts bit for bit as one from bytes', async () => {
  const bytes = readFileSync(new URL(distModule('shelfcast-engine.wasm')));
  const compiled = await WebAssembly.compile(bytes);
  const fromModule = await loadEngine({ wasmModule: compiled });
  const fromModuleAgain = await loadEngine({ wasmModule: compiled });  // one module, many instances
  const file = readFileSync(makeModel(16));
  const values = window(30, 3);
  const expected = engine.loadModel(file).forecast(values, { horizon: 3 });
  for (const e of [fromModule, fromModuleAgain]) {
    assert.equal(e.simd, true);
    assert.deepEqual(e.loadModel(file).forecast(values, { horizon: 3 }), expected);
  }
});

test('a compiled module of another build is refused with a ShelfcastError naming the build', async () => {
  const other = await WebAssembly.compile(readFileSync(new URL(distModule('shelfcast-engine-data.wasm'))));
  await assert.rejects(loadEngine({ wasmModule: other }), (e) => e instanceof ShelfcastError && /cannot start shelfcast-engine\b/.test(e.message));
});

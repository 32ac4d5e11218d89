// The core engine (shelfcast-core.js + shelfcast-core.wasm, C ABI, no Emscripten glue)
// against the kiosk engine (loadEngine()): both link the same runtime library and
// kernels, so on every shipped model kind (float, sparse, int8, stacked, full-integer,
// calendar) their forecasts must be equal bit for bit, on the SIMD and the reference
// path alike, and a bad file must be refused with the same reader message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { distModule, debugSkip } from './helpers.mjs';

const { loadEngine, dayNumber } = await import(distModule('shelfcast.js'));
const { loadCore, ShelfcastCoreError } = await import(distModule('shelfcast-core.js'));
const engine = await loadEngine();
const core = await loadCore();
const modelBytes = (name) => readFileSync(new URL(`../../models/${name}`, import.meta.url));

// Deterministic sales windows around a weekly pattern (the models' training range).
function windows(n, w, seed) {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Float32Array.from({ length: n * w }, (_, i) => Math.round(40 + 20 * Math.sin(i * 0.9) + 30 * rnd()));
}

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

test('the core engine is the SIMD build on this host', () => {
  assert.equal(core.simd, true);
  assert.equal(core.limits.maxBatch, engine.limits.maxBatch);
  assert.equal(core.limits.maxHorizon, engine.limits.maxHorizon);
  assert.equal(core.limits.maxModelBytes, engine.limits.maxModelBytes);
});

const MODELS = ['lstm16.shcf', 'lstm64.shcf', 'lstm32-p70.shcf', 'lstm64-p90-b4.shcf', 'lstm32-int8.shcf',
  'lstm16-p70-int8.shcf', 'lstm32-int8-full.shcf', 'lstm16-cal56.shcf', 'lstm64-cal56.shcf'];
for (const name of MODELS) {
  for (const useSimd of [true, false]) {
    test(`${name}${useSimd ? '' : ' (reference kernels)'}: core forecasts equal the kiosk engine's bit for bit`, { skip: !useSimd && debugSkip }, () => {
      const bytes = modelBytes(name);
      const full = engine.loadModel(bytes, { useSimd });
      const m = core.loadModel(bytes, { useSimd });
      try {
        assert.equal(m.window, full.window);
        assert.equal(m.needsDates, full.needsDates);
        assert.equal(m.parameters, full.info.parameters);
        // Batch sizes below, at and over the runtime's chunk, horizons 1 and 7.
        for (const [n, horizon] of [[1, 1], [1, 7], [5, 1], [37, 3], [500, 1]]) {
          const x = windows(n, m.window, n * 31 + horizon);
          const dates = m.needsDates ? Array.from({ length: n }, (_, i) => 17300 + i) : undefined;
          const ours = m.forecastBatch(x, { dates, horizon });
          assert.deepEqual(ours, full.forecastBatch(x, { dates, horizon }), `batch ${n}, horizon ${horizon}`);
          assert.ok(ours.every(Number.isFinite));
        }
        const one = windows(1, m.window, 7);
        const date = m.needsDates ? '2017-06-01' : undefined;
        assert.deepEqual(m.forecast(one, { date, horizon: 14 }), full.forecast(one, { date, horizon: 14 }));
      } finally {
        m.dispose();
        full.dispose();
      }
    });
  }
}

test('a corrupt, truncated or foreign file is refused with the reader message that names the problem', () => {
  const good = modelBytes('lstm16.shcf');
  const flipped = Uint8Array.from(good);
  flipped[good.length - 10] ^= 0x40;
  const magic = Uint8Array.from(good);
  magic[0] = 0x58;
  const cases = [
    [good.subarray(0, 100), /^model file truncated: header promises \d+ payload bytes, the file holds 84$/],
    [good.subarray(0, 5), /header alone needs/],
    [flipped, /^checksum mismatch: payload CRC32 is 0x[0-9A-F]{8}, header says 0x[0-9A-F]{8} \(the file is corrupt\)$/],
    [magic, /^not a shelfcast model file: magic is 'XHCF', expected 'SHCF'$/],
    [new Uint8Array(0), /no model bytes given|truncated|header alone needs/],
  ];
  for (const [bytes, pattern] of cases) {
    const e = thrown(() => core.loadModel(bytes));
    assert.ok(e instanceof ShelfcastCoreError, e.stack);
    assert.match(e.message, pattern);
    // The same reader: the same text as the kiosk engine's.
    assert.equal(e.message, thrown(() => engine.loadModel(bytes)).message);
  }
  const big = new Uint8Array(core.limits.maxModelBytes + 1);
  assert.equal(thrown(() => core.loadModel(big)).message, `model file is ${big.length} bytes, over the cap of ${core.limits.maxModelBytes}`);
});

test('bad requests are refused with a message naming the problem', () => {
  const m = core.loadModel(modelBytes('lstm16.shcf'));
  const cal = core.loadModel(modelBytes('lstm16-cal56.shcf'));
  try {
    assert.equal(thrown(() => m.forecast(new Float32Array(29))).message, 'window has 29 values, the model needs 30');
    assert.equal(thrown(() => m.forecastBatch(new Float32Array(61))).message, '61 values are not a whole number of 30-day windows');
    assert.equal(thrown(() => m.forecast(new Float32Array(30), { horizon: 0 })).message, 'horizon 0 is not a positive integer');
    assert.equal(thrown(() => m.forecast(new Float32Array(30), { horizon: 367 })).message, 'horizon 367 is outside 1..366');
    const nan = new Float32Array(30).fill(5);
    nan[4] = NaN;
    assert.equal(thrown(() => m.forecast(nan)).message, 'series 0, window position 4: value is not a finite number');
    assert.equal(thrown(() => cal.forecast(new Float32Array(56).fill(3))).message,
      'this model uses calendar features: give the date of the first forecast day');
    assert.equal(thrown(() => cal.forecast(new Float32Array(56).fill(3), { date: '2017-02-30' })).message,
      "'2017-02-30' is not a calendar date");
    // Dates are read by shelfcast-common.js's dayNumber, as shelfcast.js reads them: the
    // same messages, each thrown as the core's own error class.
    for (const date of ['2017-02-30', '2017-13-01', '01/06/2017', 17000.5, NaN, 2 ** 31]) {
      const e = thrown(() => cal.forecast(new Float32Array(56).fill(3), { date }));
      assert.ok(e instanceof ShelfcastCoreError, `${date}: ${e.name}`);
      assert.equal(e.message, thrown(() => dayNumber(date)).message);
    }
    assert.equal(thrown(() => cal.forecast(new Float32Array(56).fill(3), { date: '01/06/2017' })).message,
      "'01/06/2017' is not a YYYY-MM-DD date");
    // A day number, its date and its Date (UTC midnight) give the same forecast.
    const june1 = cal.forecast(new Float32Array(56).fill(3), { date: '2017-06-01' });
    assert.deepEqual(june1, cal.forecast(new Float32Array(56).fill(3), { date: 17318 }));
    assert.deepEqual(june1, cal.forecast(new Float32Array(56).fill(3), { date: new Date(Date.UTC(2017, 5, 1)) }));
  } finally {
    cal.dispose();
    m.dispose();
  }
  assert.equal(thrown(() => m.forecast(new Float32Array(30))).message, 'this model was disposed');
});

test('a batch that grows the memory is forecast from the grown memory', () => {
  const m = core.loadModel(modelBytes('lstm16.shcf'));
  const full = engine.loadModel(modelBytes('lstm16.shcf'));
  try {
    const before = core.memoryBytes;
    const n = 40000;  // 40,000 * 31 floats = 4.96 MB: more than the 2 MB the engine starts with
    const x = windows(n, 30, 3);
    const ours = m.forecastBatch(x);
    assert.ok(core.memoryBytes > before, `memory stayed at ${before} bytes`);
    assert.deepEqual(ours, full.forecastBatch(x));
  } finally {
    m.dispose();
    full.dispose();
  }
});

test('loadCore takes bytes, a URL or a compiled module, and names a module that is not the core engine', async () => {
  const wasmPath = fileURLToPath(distModule('shelfcast-core.wasm'));
  const bytes = readFileSync(wasmPath);
  const x = windows(3, 30, 9);
  const file = modelBytes('lstm32-int8.shcf');
  const expected = engine.loadModel(file).forecastBatch(x);
  // wasmUrl under Node: a file: URL or a path (shelfcast-common.js fetchBytes reads both).
  for (const options of [{ wasmBinary: bytes }, { wasmUrl: new URL(distModule('shelfcast-core.wasm')) }, { wasmUrl: wasmPath },
    { wasmModule: await WebAssembly.compile(bytes) }]) {
    const c = await loadCore(options);
    assert.deepEqual(c.loadModel(file).forecastBatch(x), expected, Object.keys(options)[0]);
  }
  const fromUrl = await core.loadModelFromUrl(new URL('../../models/lstm32-int8.shcf', import.meta.url));
  assert.deepEqual(fromUrl.forecastBatch(x), expected);
  await assert.rejects(core.loadModelFromUrl('models/no-such.shcf'), { message: 'models/no-such.shcf: no such file' });
  const kiosk = readFileSync(fileURLToPath(distModule('shelfcast-engine.wasm')));
  await assert.rejects(loadCore({ wasmBinary: kiosk }), { name: 'ShelfcastCoreError', message: /^cannot start shelfcast-core.wasm: / });
});

test('the portable core (no SIMD128) equals the portable kiosk engine, and each build refuses the other\'s bytes', async () => {
  const portable = await loadCore({ simd: false });
  assert.equal(portable.simd, false);
  const kiosk = await loadEngine({ simd: false });
  for (const name of ['lstm16.shcf', 'lstm32-p70.shcf', 'lstm32-int8.shcf', 'lstm32-int8-full.shcf', 'lstm16-cal56.shcf']) {
    const bytes = modelBytes(name);
    const m = portable.loadModel(bytes);
    const x = windows(37, m.window, 5);
    const dates = m.needsDates ? [17400] : undefined;
    assert.deepEqual(m.forecastBatch(x, { dates, horizon: 2 }), kiosk.loadModel(bytes).forecastBatch(x, { dates, horizon: 2 }), name);
    m.dispose();
  }
  const simdBytes = readFileSync(fileURLToPath(distModule('shelfcast-core.wasm')));
  await assert.rejects(loadCore({ simd: false, wasmBinary: simdBytes }),
    { message: 'cannot start shelfcast-core-portable.wasm: the module given is the SIMD128 build' });
});

test('the C ABI for other hosts: sc_forecast (one window) equals forecast(), errors through sc_last_error', () => {
  const x = core._x;  // the module's exports, as a host without shelfcast-core.js calls them
  const bytes = modelBytes('lstm16-cal56.shcf');
  const file = x.sc_malloc(bytes.length);
  new Uint8Array(x.memory.buffer).set(bytes, file);
  const handle = x.sc_model_load(file, bytes.length, 1);
  x.sc_free(file);
  assert.notEqual(handle, 0);
  assert.equal(x.sc_model_window(handle), 56);
  assert.equal(x.sc_model_needs_dates(handle), 1);
  const window = windows(1, 56, 11);
  const sales = x.sc_malloc(4 * 56), out = x.sc_malloc(4 * 3);
  new Float32Array(x.memory.buffer, sales, 56).set(window);
  assert.equal(x.sc_forecast(handle, sales, 56, 17318, 3, out), 0);
  const m = core.loadModel(bytes);
  assert.deepEqual(new Float32Array(x.memory.buffer, out, 3).slice(), m.forecast(window, { date: 17318, horizon: 3 }));
  assert.equal(x.sc_forecast(handle, sales, 55, 17318, 3, out), 1);
  const error = new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.sc_last_error(), x.sc_last_error_length()));
  assert.equal(error, 'window has 55 values, the model needs 56');
  x.sc_free(sales);
  x.sc_free(out);
  x.sc_model_free(handle);
  m.dispose();
});

test('out of memory under the engine\'s cap is an error that says so, and the engine goes on', async () => {
  const c = await loadCore();  // its own memory: filling it must not starve the other tests' engine
  const m = c.loadModel(modelBytes('lstm16.shcf'));
  const rows = 700000;  // 700,000 * 31 floats = 86.8 MB, over the 80 MiB ceiling
  assert.equal(thrown(() => m.forecastBatch(new Float32Array(rows * 30))).message,
    `out of memory: no room for ${rows * 31 * 4} bytes; dispose() models no longer in use`);
  const held = [];
  const e = thrown(() => { for (;;) held.push(c.loadModel(modelBytes('lstm64.shcf'))); });
  assert.match(e.message, /^out of memory: loading this model needs up to \d+ bytes of engine memory, more than is free under the engine's cap of \d+ bytes|^out of memory: no room for \d+ bytes/);
  assert.ok(held.length > 10, `${held.length} models loaded`);
  for (const h of held) h.dispose();
  assert.deepEqual(m.forecast(new Float32Array(30).fill(5)), engine.loadModel(modelBytes('lstm16.shcf')).forecast(new Float32Array(30).fill(5)));
  assert.ok(c.loadModel(modelBytes('lstm64.shcf')).window === 30, 'a model loads again once memory is freed');
});

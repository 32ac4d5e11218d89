// The platform check and the portable fallback: loadEngine({ simd: false }) loads
// shelfcast-engine-portable (built without SIMD128), which runs the scalar kernels, reports
// them, and forecasts what the SIMD128 engine forecasts within float tolerance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distModule, nativeCli } from './helpers.mjs';

const { loadEngine, hostHasWasmSimd } = await import(distModule('shelfcast.js'));
const root = resolve(new URL('../..', import.meta.url).pathname);
const simdEngine = await loadEngine();
const portable = await loadEngine({ simd: false });
// SIMD128 and scalar kernels sum the f32 dot products in another order (one rounding of
// ~6e-8 per term, K <= 121 terms, carried through 30-56 recurrent steps and 7 fed-back
// days): measured at most 4.3e-6 relative over these models, so 1e-5. The int8 model
// (dynamic: h quantised to int8 each step) can round an activation to the neighbouring
// int8 level (1/127 of its range, 7.9e-3) when the float paths differ: measured 1.4e-3, so 1e-2.
const TOLERANCE = 1e-5;
const INT8_TOLERANCE = 1e-2;
const MODELS = ['lstm64', 'lstm16', 'lstm8', 'lstm16-cal56', 'lstm64-p90'];
const bytes = Object.fromEntries(MODELS.map((n) => [n, readFileSync(join(root, 'models', `${n}.shcf`))]));

// An int8 model (dynamic: int8 weights, float cell) made by the CLI from lstm16.
const dir = mkdtempSync(join(tmpdir(), 'shelfcast-platform-'));
execFileSync(nativeCli(), ['compress', 'int8', '--model', join(root, 'models/lstm16.shcf'), '--out', join(dir, 'lstm16-int8.shcf')]);
bytes['lstm16-int8'] = readFileSync(join(dir, 'lstm16-int8.shcf'));

// Sales windows in the range of the generated data (10..200 a day), fixed by an LCG.
function windows(n, w, seed = 7) {
  const out = new Float32Array(n * w);
  let x = seed;
  for (let i = 0; i < out.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = 10 + Math.round((x / 2 ** 32) * 190);
  }
  return out;
}

test('Node has wasm SIMD; the default engine is the SIMD128 build, simd:false forces the portable one', () => {
  assert.equal(hostHasWasmSimd(), true);
  assert.deepEqual(simdEngine.platform(), { hostSimd: true, build: 'simd128', forced: false, int8: 'integer-simd', kernels: {} });
  assert.deepEqual(portable.platform(), { hostSimd: true, build: 'portable', forced: true, int8: 'portable', kernels: {} });
  assert.equal(simdEngine.simd, true);
  assert.equal(portable.simd, false);
});

test('the platform report names the kernels: SIMD variants in the SIMD128 build, scalar ones in the portable build', () => {
  for (const name of Object.keys(bytes)) {
    const a = simdEngine.loadModel(bytes[name]);
    const b = portable.loadModel(bytes[name]);
    const ka = simdEngine.platform({ [name]: a }).kernels[name];
    const kb = portable.platform({ [name]: b }).kernels[name];
    assert.match(ka, /__simd/, `${name}: ${ka}`);
    assert.doesNotMatch(kb, /__simd/, `${name}: ${kb}`);
    assert.match(kb, /__scalar/, `${name}: ${kb}`);
    if (name.endsWith('int8')) {
      assert.match(ka, /qs8_gemm_ukernel_\w+__simd/, ka);   // int8 on integer SIMD (i32x4.dot_i16x8_s)
      assert.match(kb, /qs8_gemm_ukernel_\w+__scalar/, kb);
    }
    console.log(`# ${name}\n#   simd128:  ${ka}\n#   portable: ${kb}`);
    a.dispose();
    b.dispose();
  }
});

test('the portable build forecasts what the SIMD128 build forecasts (float tolerance) and equals its scalar path', () => {
  const worst = {};
  for (const name of Object.keys(bytes)) {
    worst[name] = 0;
    const a = simdEngine.loadModel(bytes[name]);
    const b = portable.loadModel(bytes[name]);
    const scalar = simdEngine.loadModel(bytes[name], { useSimd: false });
    const n = 300;
    const w = windows(n, a.window);
    const dates = Array.from({ length: n }, (_, i) => 17167 + i);  // 2017-01-01 on
    const fa = a.forecastBatch(w, { dates, horizon: 7 });
    const fb = b.forecastBatch(w, { dates, horizon: 7 });
    const fs = scalar.forecastBatch(w, { dates, horizon: 7 });
    // The same scalar C++ in both builds, compiled with and without -msimd128: no
    // reassociation without -ffast-math, so the portable build equals the scalar path.
    assert.deepEqual(Array.from(fb), Array.from(fs), `${name}: portable vs the SIMD128 build's scalar kernels`);
    for (let i = 0; i < fa.length; i++) {
      const rel = Math.abs(fa[i] - fb[i]) / Math.max(1, Math.abs(fa[i]));
      worst[name] = Math.max(worst[name], rel);
      const tolerance = name.endsWith('int8') ? INT8_TOLERANCE : TOLERANCE;
      assert.ok(rel <= tolerance, `${name}, forecast ${i}: SIMD ${fa[i]} vs portable ${fb[i]}`);
    }
    a.dispose();
    b.dispose();
    scalar.dispose();
  }
  console.log(`# largest relative difference SIMD128 vs portable: ${Object.entries(worst).map(([n, w]) => `${n} ${w.toExponential(2)}`).join(', ')}`);
});

test('the drift monitor runs on the portable engine with the same flags', () => {
  const history = windows(1, 200, 11);
  const statuses = [simdEngine, portable].map((engine) => {
    const model = engine.loadModel(bytes.lstm16);
    const shadow = engine.loadModel(bytes.lstm64);
    const monitor = engine.createMonitor({ model, shadow, baselineMape: 10 });
    const s = monitor.observeSeries('s', '2017-01-01', history);
    monitor.dispose();
    model.dispose();
    shadow.dispose();
    return s;
  });
  assert.equal(statuses[1].flagsRaised, statuses[0].flagsRaised);
  assert.equal(statuses[1].flagged, statuses[0].flagged);
  assert.ok(Math.abs(statuses[1].deployedMape - statuses[0].deployedMape) <= 1e-3 * statuses[0].deployedMape);
});

test('the portable engine has no SIMD instruction: binaryen validates it with SIMD disabled, and not the SIMD128 one', () => {
  // wasm-opt (binaryen) comes with Debian's emscripten; --disable-simd makes any v128
  // instruction a validation error.
  const check = (name) => {
    try {
      execFileSync('wasm-opt', [fileURLToPath(distModule(name)), '--all-features', '--disable-simd', '-o', '/dev/null'], { stdio: 'pipe' });
      return 'valid';
    } catch (e) {
      return /SIMD is disabled/.test(String(e.stderr) + String(e.stdout)) ? 'uses SIMD' : `error: ${e.message}`;
    }
  };
  assert.equal(check('shelfcast-engine-portable.wasm'), 'valid');
  assert.equal(check('shelfcast-engine.wasm'), 'uses SIMD');
});

// Compressed models (written by the native `shelfcast compress`) under the wasm engine:
// sparse-f32, int8 dynamic range, sparse-int8 and full-integer forecasts must equal the
// native build bit for bit. The integer kernels are exact, the float conversions around
// them perform the same IEEE operations in the same order on SSE4.1 and SIMD128 (no FMA
// on either), and the float cell is the same SIMD code as the float path's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distModule, nativeCli } from './helpers.mjs';

const { loadEngine } = await import(distModule('shelfcast.js'));
const engine = await loadEngine();
const cli = nativeCli();
const dir = mkdtempSync(join(tmpdir(), 'shelfcast-compressed-'));

function window(n, seed) {
  return Array.from({ length: n }, (_, i) => Math.round(50 + 30 * Math.sin(seed + i * 0.9) + 10 * Math.cos(seed * i)));
}

const calibration = join(dir, 'calibration.txt');
writeFileSync(calibration, Array.from({ length: 40 }, (_, s) => window(30, s + 100).join(',')).join('\n') + '\n');

function run(args) {
  return execFileSync(cli, args).toString();
}

function variants(hidden) {
  const base = join(dir, `f${hidden}.shcf`);
  run(['init', '--hidden', String(hidden), '--seed', String(hidden), '--out', base]);
  const pruned = join(dir, `s${hidden}.shcf`);
  run(['compress', 'sparse', '--model', base, '--prune', '0.9', '--block', '4', '--out', pruned]);
  const out = { 'sparse-f32': pruned };
  out.int8 = join(dir, `q${hidden}.shcf`);
  run(['compress', 'int8', '--model', base, '--out', out.int8]);
  out['sparse-int8'] = join(dir, `sq${hidden}.shcf`);
  run(['compress', 'int8', '--model', pruned, '--out', out['sparse-int8']]);
  out['full-integer'] = join(dir, `fi${hidden}.shcf`);
  run(['compress', 'int8', '--model', base, '--mode', 'full-integer', '--calibration', calibration, '--out', out['full-integer']]);
  return out;
}

for (const hidden of [3, 16, 33, 64]) {
  const files = variants(hidden);
  for (const [kind, file] of Object.entries(files)) {
    test(`LSTM-${hidden} ${kind}: wasm equals native bit for bit`, () => {
      const model = engine.loadModel(readFileSync(file));
      if (kind === 'full-integer') assert.match(model.info.kernels, /full integer/);
      if (kind === 'sparse-int8' && hidden === 64) assert.match(model.info.kernels, /qs8_spmm/);
      if (kind === 'sparse-f32' && hidden === 64) assert.match(model.info.kernels, /f32_spmm/);
      for (const seed of [1, 2]) {
        const w = window(30, seed);
        const expected = JSON.parse(run(['forecast', file, '--values', w.join(','), '--json', '--horizon', '3']));
        assert.deepEqual(Array.from(model.forecast(w, { horizon: 3 })), expected.map(Math.fround));
      }
      const n = 137;
      const windows = new Float32Array(n * 30);
      for (let i = 0; i < n; i++) windows.set(window(30, i), i * 30);
      const batch = model.forecastBatch(windows, { horizon: 2 });
      for (const i of [0, 64, 136]) {
        const one = model.forecast(windows.subarray(i * 30, (i + 1) * 30), { horizon: 2 });
        assert.deepEqual(Array.from(one), Array.from(batch.subarray(i * 2, i * 2 + 2)));
      }
      model.dispose();
    });
  }
}

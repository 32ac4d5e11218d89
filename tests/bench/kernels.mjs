// Forecast speed of one LSTM under the wasm engine, per weight format, in one run:
//   node tests/bench/kernels.mjs [--hidden 64] [--rounds 21] [--json FILE]
// (needs build/native (the CLI makes the models) and build/wasm/dist).
//
// Models: `shelfcast init` (untrained weights, seed 1), then `shelfcast compress`:
// float; sparse-f32 pruned by magnitude to 50 % / 90 %, unstructured and in 1x4 blocks;
// int8 dynamic range; full integer (calibrated on 200 synthetic windows); sparse int8
// (90 %, both patterns). Speed does not depend on what the weights learnt, only on
// their format and zeros.
//
// Method: window 30, horizon 1. Warm-up until V8 has tiered the code up, then `rounds`
// rounds; each round times every variant (rotating the order) on a block of batch-1
// forecast() calls (~4 ms) and on one forecastBatch() of 500 windows. Reported: median
// ms per call and the spread p10..p90 over rounds; speed-up = float / variant, from the
// medians and from the best rounds (on a shared machine the best round is the one least
// disturbed by other processes), all from the same run: compare ratios, not times.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const hidden = Number(opt('hidden', 64));
const rounds = Number(opt('rounds', 31));
const jsonOut = opt('json', '');

const root = resolve(new URL('../..', import.meta.url).pathname);
const cli = process.env.SHELFCAST_NATIVE_CLI ?? join(root, 'build/native/src/cli/shelfcast');
const dist = process.env.SHELFCAST_DIST ?? join(root, 'build/wasm/dist');
const { loadEngine } = await import(pathToFileURL(join(dist, 'shelfcast.js')).href);
const engine = await loadEngine();

const dir = mkdtempSync(join(tmpdir(), 'shelfcast-bench-'));
const run = (a) => execFileSync(cli, a).toString();

function window(seed) {
  // Sales-like values: level 20..120, weekly pattern, noise (deterministic).
  let s = seed * 9301 + 49297;
  const rnd = () => ((s = (s * 9301 + 49297) % 233280) / 233280);
  const level = 20 + 100 * rnd();
  return Array.from({ length: 30 }, (_, d) => Math.max(0, Math.round(level * (1 + 0.2 * Math.sin((2 * Math.PI * d) / 7)) + Math.sqrt(level) * (rnd() - 0.5) * 3)));
}

const base = join(dir, 'float.shcf');
run(['init', '--hidden', String(hidden), '--seed', '1', '--out', base]);
const calibration = join(dir, 'calibration.txt');
writeFileSync(calibration, Array.from({ length: 200 }, (_, i) => window(1000 + i).join(',')).join('\n') + '\n');
const files = { float: base };
for (const [name, prune, block] of [['sparse 50%', 0.5, 1], ['sparse 90%', 0.9, 1], ['sparse 50% 1x4', 0.5, 4], ['sparse 90% 1x4', 0.9, 4]]) {
  files[name] = join(dir, `${name.replace(/[ %]/g, '_')}.shcf`);
  run(['compress', 'sparse', '--model', base, '--prune', String(prune), '--block', String(block), '--out', files[name]]);
}
files['int8'] = join(dir, 'int8.shcf');
run(['compress', 'int8', '--model', base, '--out', files['int8']]);
files['full integer'] = join(dir, 'fi.shcf');
run(['compress', 'int8', '--model', base, '--mode', 'full-integer', '--calibration', calibration, '--out', files['full integer']]);
for (const src of ['sparse 90%', 'sparse 90% 1x4']) {
  const name = `int8 ${src}`;
  files[name] = join(dir, `${name.replace(/[ %]/g, '_')}.shcf`);
  run(['compress', 'int8', '--model', files[src], '--out', files[name]]);
}

const variants = Object.entries(files).map(([name, file]) => {
  const model = engine.loadModel(readFileSync(file));
  return { name, file, bytes: statSync(file).size, model, kernels: model.info.kernels, b1: [], b500: [] };
});

const one = window(1);
const n = 500;
const batch = new Float32Array(n * 30);
for (let i = 0; i < n; i++) batch.set(window(i + 2), i * 30);

// Warm-up: V8 compiles wasm with its baseline tier first and tiers hot code up.
const now = () => performance.now();
let sink = 0;
for (const v of variants) {
  const t0 = now();
  while (now() - t0 < 300) sink += v.model.forecast(one)[0];
  for (let k = 0; k < 3; k++) sink += v.model.forecastBatch(batch)[0];
}
// Iterations per batch-1 block: ~4 ms for the float model.
let perBlock = 1;
{
  const t0 = now();
  let k = 0;
  while (now() - t0 < 50) { sink += variants[0].model.forecast(one)[0]; k++; }
  perBlock = Math.max(20, Math.round((k * 4) / (now() - t0)));
}

for (let r = 0; r < rounds; r++) {
  const order = variants.map((_, i) => variants[(i + r) % variants.length]);
  for (const v of order) {
    let t0 = now();
    for (let k = 0; k < perBlock; k++) sink += v.model.forecast(one)[0];
    v.b1.push((now() - t0) / perBlock);
    t0 = now();
    sink += v.model.forecastBatch(batch)[0];
    v.b500.push(now() - t0);
  }
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs) => quantile(xs, 0.5);
const f = variants[0];
const rows = variants.map((v) => ({
  variant: v.name,
  bytes: v.bytes,
  b1_ms: median(v.b1),
  b1_p10: quantile(v.b1, 0.1),
  b1_p90: quantile(v.b1, 0.9),
  b1_speedup: median(f.b1) / median(v.b1),
  b1_best_speedup: Math.min(...f.b1) / Math.min(...v.b1),
  b500_ms: median(v.b500),
  b500_p10: quantile(v.b500, 0.1),
  b500_p90: quantile(v.b500, 0.9),
  b500_speedup: median(f.b500) / median(v.b500),
  b500_best_speedup: Math.min(...f.b500) / Math.min(...v.b500),
  kernels: v.kernels,
}));

const fx = (x, d) => x.toFixed(d);
console.log(`LSTM-${hidden}, window 30, horizon 1, wasm SIMD128 under Node ${process.version}; ${rounds} rounds, ${perBlock} batch-1 calls per round`);
console.log('');
console.log('| variant | file bytes | batch 1: median ms (p10..p90) | speed-up median / best | batch 500: median ms (p10..p90) | speed-up median / best |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.variant} | ${r.bytes} | ${fx(r.b1_ms, 4)} (${fx(r.b1_p10, 4)}..${fx(r.b1_p90, 4)}) | ${fx(r.b1_speedup, 2)}x / ${fx(r.b1_best_speedup, 2)}x | ${fx(r.b500_ms, 2)} (${fx(r.b500_p10, 2)}..${fx(r.b500_p90, 2)}) | ${fx(r.b500_speedup, 2)}x / ${fx(r.b500_best_speedup, 2)}x |`);
}
console.log('');
for (const r of rows) console.log(`${r.variant}: ${r.kernels}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ hidden, rounds, perBlock, node: process.version, rows }, null, 2));
if (sink === 42) console.log('');  // keeps the results alive
for (const v of variants) v.model.dispose();

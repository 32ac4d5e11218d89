#!/usr/bin/env node
// Forecast speed of SHIPPED model files (models/*.shcf) under the wasm engine, in one
// run, relative to the first one named: the same method as tests/bench/kernels.mjs
// (which times untrained models of each format), applied to the trained, pruned and
// quantised files the manifest lists.
//   node scripts/bench-models.mjs [--rounds 31] [NAME ...]     (default: the LSTM-64 rows)
// Needs build/wasm/dist (scripts/build.sh wasm).
//
// Method: window 30, horizon 1; a warm-up until V8 has tiered the code up, then `rounds`
// rounds, each timing every model (rotating the order) on a block of batch-1 forecast()
// calls (~4 ms) and one forecastBatch() of 500 windows. Speed-up = first model / model,
// from the medians and from the best rounds (on a shared machine the best round is the
// least disturbed).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let rounds = 31;
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--rounds') rounds = Number(args[++i]);
  else names.push(args[i]);
}
if (!(rounds >= 1)) throw new Error('--rounds takes a positive number');
if (names.length === 0) names.push('lstm64', 'lstm64-p90', 'lstm64-p90-b4', 'lstm64-int8', 'lstm64-p90-int8');

const dist = process.env.SHELFCAST_DIST ?? join(root, 'build/wasm/dist');
const { loadEngine } = await import(pathToFileURL(join(dist, 'shelfcast.js')).href);
const engine = await loadEngine();
const manifest = JSON.parse(readFileSync(join(root, 'models/manifest.json'), 'utf8'));

const models = names.map((name) => {
  const row = manifest.models.find((m) => m.name === name);
  if (!row) throw new Error(`models/manifest.json has no model named ${name}`);
  const bytes = readFileSync(join(root, 'models', row.file));
  const model = engine.loadModel(bytes);
  if (model.info.window !== 30) throw new Error(`${name}: this benchmark feeds 30-day windows, the model reads ${model.info.window}`);
  return { name, bytes: bytes.length, mape: row.mape, model, kernels: model.info.kernels, b1: [], b500: [] };
});

function window(seed) {
  // Sales-like values: level 20..120, weekly pattern, noise (deterministic).
  let s = seed * 9301 + 49297;
  const rnd = () => ((s = (s * 9301 + 49297) % 233280) / 233280);
  const level = 20 + 100 * rnd();
  return Array.from({ length: 30 }, (_, d) =>
    Math.max(0, Math.round(level * (1 + 0.2 * Math.sin((2 * Math.PI * d) / 7)) + Math.sqrt(level) * (rnd() - 0.5) * 3)));
}
const one = window(1);
const n = 500;
const batch = new Float32Array(n * 30);
for (let i = 0; i < n; i++) batch.set(window(i + 2), i * 30);

const now = () => performance.now();
let sink = 0;
for (const v of models) {
  const t0 = now();
  while (now() - t0 < 300) sink += v.model.forecast(one)[0];
  for (let k = 0; k < 3; k++) sink += v.model.forecastBatch(batch)[0];
}
let perBlock = 20;
{
  const t0 = now();
  let k = 0;
  while (now() - t0 < 50) { sink += models[0].model.forecast(one)[0]; k++; }
  perBlock = Math.max(20, Math.round((k * 4) / (now() - t0)));
}
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < models.length; i++) {
    const v = models[(i + r) % models.length];
    let t0 = now();
    for (let k = 0; k < perBlock; k++) sink += v.model.forecast(one)[0];
    v.b1.push((now() - t0) / perBlock);
    t0 = now();
    sink += v.model.forecastBatch(batch)[0];
    v.b500.push(now() - t0);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ref = models[0];
const load = (await import('node:os')).loadavg()[0];
console.log(`shipped models, window 30, horizon 1, wasm SIMD128 under Node ${process.version}; ${rounds} rounds, ` +
  `${perBlock} batch-1 calls per round; load average ${load.toFixed(1)}; speed-up vs ${ref.name}`);
console.log('');
console.log('| model | file bytes | MAPE % | batch 1: median ms | speed-up median / best | batch 500: median ms | speed-up median / best |');
console.log('|---|---|---|---|---|---|---|');
for (const v of models) {
  console.log(`| ${v.name} | ${v.bytes.toLocaleString('en-US')} | ${v.mape.toFixed(2)} | ${median(v.b1).toFixed(4)} | ` +
    `${(median(ref.b1) / median(v.b1)).toFixed(2)}x / ${(Math.min(...ref.b1) / Math.min(...v.b1)).toFixed(2)}x | ` +
    `${median(v.b500).toFixed(2)} | ${(median(ref.b500) / median(v.b500)).toFixed(2)}x / ` +
    `${(Math.min(...ref.b500) / Math.min(...v.b500)).toFixed(2)}x |`);
}
console.log('');
for (const v of models) console.log(`${v.name}: ${v.kernels}`);
if (sink === 42) console.log('');  // keeps the results alive
for (const v of models) v.model.dispose();

// Streaming benchmark: what one new observation costs in the wasm engine under Node, through
// the public JS API (stream.step), against re-running the whole window for each new day.
//
//   scripts/build.sh all && node tests/bench/streaming.mjs [--hidden 16] [--rounds 15]
//
// Prints a Markdown table (median and fastest round, microseconds per call) and one JSON
// line. Timing only: no assertion, so it never fails on a slow or busy machine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distModule, nativeCli } from '../node/helpers.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const hiddenSizes = process.argv.includes('--hidden') ? [arg('hidden', 16)] : [16, 64];
const rounds = arg('rounds', 15);

const { loadEngine } = await import(distModule('shelfcast.js'));
const engine = await loadEngine();
const dir = mkdtempSync(join(tmpdir(), 'shelfcast-bench-'));

const sales = Array.from({ length: 4096 }, (_, i) => Math.round(50 + 30 * Math.sin(i * 0.7) + 10 * Math.cos(i * 2.3)));

// Runs fn(i) `calls` times per round; returns [median, min] microseconds per call.
function measure(calls, fn) {
  for (let i = 0; i < calls; i++) fn(i);  // warm-up: JIT, caches
  const perCall = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn(i);
    perCall.push(Number(process.hrtime.bigint() - t0) / 1e3 / calls);
  }
  perCall.sort((a, b) => a - b);
  return [perCall[Math.floor(perCall.length / 2)], perCall[0]];
}

const rows = [];
for (const hidden of hiddenSizes) {
  const file = join(dir, `lstm${hidden}.shcf`);
  execFileSync(nativeCli(), ['init', '--hidden', String(hidden), '--window', '30', '--seed', '1', '--out', file]);
  const model = engine.loadModel(readFileSync(file));
  const stream = model.stream();
  const windowStream = model.windowStream();
  for (let i = 0; i < 30; i++) windowStream.step(sales[i]);
  const windows = Array.from({ length: 64 }, (_, k) => sales.slice(k, k + 30));
  const n = hidden <= 16 ? 20000 : 5000;
  rows.push([`LSTM-${hidden}`, 'stream.step(value): one LSTM step', measure(n, (i) => stream.step(sales[i & 4095]))]);
  rows.push([`LSTM-${hidden}`, 'windowStream.step(value): ring buffer', measure(n, (i) => windowStream.step(sales[i & 4095]))]);
  rows.push([`LSTM-${hidden}`, 'stream.forecast(1)', measure(n, () => stream.forecast(1))]);
  rows.push([`LSTM-${hidden}`, 'model.forecast(window of 30): re-run per new day', measure(n / 10, (i) => model.forecast(windows[i & 63]))]);
  stream.dispose();
  windowStream.dispose();
  model.dispose();
}

console.log(`Node ${process.version}, wasm SIMD ${engine.simd}, ${rounds} rounds; microseconds per call\n`);
console.log('| model | call | median µs | fastest round µs |');
console.log('|---|---|---|---|');
for (const [model, call, [median, min]] of rows) console.log(`| ${model} | ${call} | ${median.toFixed(3)} | ${min.toFixed(3)} |`);
console.log('\n' + JSON.stringify({ node: process.version, rounds, rows: rows.map(([model, call, [median, min]]) => ({ model, call, median_us: median, min_us: min })) }));

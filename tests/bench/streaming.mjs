// Streaming benchmark: what one new observation costs in the wasm engine under Node, through
// the public JS API (stream.step), against re-running the whole window for each new day.
//
//   scripts/build.sh all && node tests/bench/streaming.mjs [--hidden 16] [--rounds 31]
//
// Prints a Markdown table (median and 10th–90th percentile over rounds, microseconds per
// call) and one JSON line. Timing only: no assertion, so it never fails on a slow or busy
// machine. scripts/bench.sh imports benchStreaming() from here (scripts/bench/streaming-run.mjs)
// for the "Streaming" section of docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// Synthetic daily sales, integers around 50 (the same sequence every run).
const SALES = Array.from({ length: 4096 }, (_, i) => Math.round(50 + 30 * Math.sin(i * 0.7) + 10 * Math.cos(i * 2.3)));

// The calls timed per model. A kiosk's day with streaming is step() + forecast(1); without
// it, model.forecast() over the last 30 days.
export const CALLS = [
  { id: 'step', label: 'stream.step(value): one LSTM step' },
  { id: 'forecast1', label: 'stream.forecast(1)' },
  { id: 'windowStep', label: 'windowStream.step(value): ring buffer' },
  { id: 'window', label: 'model.forecast(window of 30): re-run per new day' },
];

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
const stats = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p10: quantile(s, 0.1), p90: quantile(s, 0.9), min: s[0] };
};

// Times `calls` calls of fn; returns { wall, cpu } microseconds per call. CPU time is this
// process's (one thread runs the engine): it leaves out the time other jobs on a shared
// machine took the core away, which wall time includes.
function block(calls, fn) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn(i);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / calls;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / calls };
}

/**
 * Times the streaming calls of one model, one thread. `bytes`: a window-30, global
 * normalisation model file. Warm-up (V8 tiers up the wasm and JS, ≥ warmupMs per call),
 * then `rounds` rounds; each round times one block (≈ blockMs) of every call in rotating
 * order, so the calls of one round ran within the same tenth of a second, and the ratios
 * window forecast / step are taken per round. Returns per call the wall and CPU statistics
 * over rounds (µs per call) and the ratios' statistics.
 */
export function benchStreaming(engine, bytes, { rounds = 31, blockMs = 15, warmupMs = 300 } = {}) {
  const model = engine.loadModel(bytes);
  try {
    const window = model.info.window;
    if (window !== 30) throw new Error(`the streaming benchmark feeds 30-day windows, the model reads ${window}`);
    const stream = model.stream();
    const windowStream = model.windowStream();
    try {
      // Both streams have seen a window before anything is timed, so forecast(1) works.
      for (let i = 0; i < window; i++) {
        stream.step(SALES[i]);
        windowStream.step(SALES[i]);
      }
      const windows = Array.from({ length: 64 }, (_, k) => Float32Array.from(SALES.slice(k, k + window)));
      const fns = {
        step: (i) => stream.step(SALES[i & 4095]),
        forecast1: () => stream.forecast(1),
        windowStep: (i) => windowStream.step(SALES[i & 4095]),
        window: (i) => model.forecast(windows[i & 63]),
      };
      // Warm-up and calibration: calls per block so that a block takes about blockMs.
      const calls = {};
      for (const { id } of CALLS) {
        const t0 = performance.now();
        let n = 0;
        for (let chunk = 16; performance.now() - t0 < warmupMs; chunk = Math.min(chunk * 2, 1 << 16)) {
          block(chunk, fns[id]);
          n += chunk;
        }
        calls[id] = Math.max(1, Math.round(blockMs / ((performance.now() - t0) / n)));
      }
      const wall = Object.fromEntries(CALLS.map(({ id }) => [id, []]));
      const cpu = Object.fromEntries(CALLS.map(({ id }) => [id, []]));
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < CALLS.length; k++) {
          const { id } = CALLS[(k + r) % CALLS.length];  // rotate who goes first
          const t = block(calls[id], fns[id]);
          wall[id].push(t.wall);
          cpu[id].push(t.cpu);
        }
      }
      const perRound = (f) => wall.step.map((_, r) => f(r));
      const ratios = {
        // Re-running the window per new day, against one stream.step().
        windowOverStep: { wall: stats(perRound((r) => wall.window[r] / wall.step[r])), cpu: stats(perRound((r) => cpu.window[r] / cpu.step[r])) },
        // ... against a streaming day: step() and forecast(1).
        windowOverDay: {
          wall: stats(perRound((r) => wall.window[r] / (wall.step[r] + wall.forecast1[r]))),
          cpu: stats(perRound((r) => cpu.window[r] / (cpu.step[r] + cpu.forecast1[r]))),
        },
      };
      return {
        rounds, window, kernels: model.info.kernels,
        calls: CALLS.map(({ id, label }) => ({ id, label, callsPerRound: calls[id], wallUs: stats(wall[id]), cpuUs: stats(cpu[id]) })),
        ratios,
      };
    } finally {
      stream.dispose();
      windowStream.dispose();
    }
  } finally {
    model.dispose();
  }
}

// Run as a script: untrained models from the native CLI (shelfcast init, window 30, seed 1).
const isMain = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const { distModule, nativeCli } = await import('../node/helpers.mjs');
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const hiddenSizes = process.argv.includes('--hidden') ? [arg('hidden', 16)] : [16, 64];
  const rounds = arg('rounds', 31);
  const { loadEngine } = await import(distModule('shelfcast.js'));
  const engine = await loadEngine();
  const dir = mkdtempSync(join(tmpdir(), 'shelfcast-bench-'));
  const results = [];
  for (const hidden of hiddenSizes) {
    const file = join(dir, `lstm${hidden}.shcf`);
    execFileSync(nativeCli(), ['init', '--hidden', String(hidden), '--window', '30', '--seed', '1', '--out', file]);
    results.push({ model: `LSTM-${hidden}`, ...benchStreaming(engine, readFileSync(file), { rounds }) });
  }
  const f = (v) => v.toFixed(3);
  console.log(`Node ${process.version}, wasm SIMD ${engine.simd}, ${rounds} rounds; microseconds per call (wall)\n`);
  console.log('| model | call | median µs | p10–p90 µs | CPU median µs |');
  console.log('|---|---|---|---|---|');
  for (const r of results)
    for (const c of r.calls) console.log(`| ${r.model} | ${c.label} | ${f(c.wallUs.median)} | ${f(c.wallUs.p10)}–${f(c.wallUs.p90)} | ${f(c.cpuUs.median)} |`);
  console.log('\nwindow forecast / stream.step (per round, median [p10–p90]):');
  for (const r of results) {
    const w = r.ratios.windowOverStep.wall;
    console.log(`  ${r.model}: ${w.median.toFixed(1)}x [${w.p10.toFixed(1)}x–${w.p90.toFixed(1)}x]`);
  }
  console.log('\n' + JSON.stringify({ node: process.version, rounds, results }));
}

// One runtime's cold start and peak memory, in a fresh Node process (run.mjs spawns it):
//   initMs      import of the runtime's JS + wasm compile and instantiate
//   loadMs      model bytes -> a model ready to run
//   firstRunMs  the first forecast (batch 1), lazy work included
//   peakRssMB   the process's peak resident memory after three batch-500 forecasts;
//               baselineRssMB is the process before the runtime was imported (Node plus
//               this script and the model files).
//
//   node scripts/bench/cold.mjs <runtime> <models dir> <hidden>
import { readFileSync } from 'node:fs';

// Peak resident memory of this process. Linux's VmHWM is per address space, so it starts
// afresh at exec; getrusage's maxRSS would carry over the (large) parent's peak.
function peakRssMB() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

const [name, dir, hidden] = process.argv.slice(2);
const { RUNTIMES, modelAssets } = await import('./runtimes.mjs');
const assets = modelAssets(dir, Number(hidden), 'float');
const runtime = RUNTIMES[name];
const baselineRssMB = peakRssMB();
const t0 = performance.now();
await runtime.init();
const t1 = performance.now();
const one = await runtime.load(assets, 1);
const t2 = performance.now();
const T = assets.window;
const raw1 = Float32Array.from({ length: T }, (_, i) => 50 + (i % 7));
await one.run(one.prepare ? one.prepare(raw1, 1) : raw1, 1);
const t3 = performance.now();
const many = await runtime.load(assets, 500);
const raw = Float32Array.from({ length: 500 * T }, (_, i) => 50 + (i % 13));
const x = many.prepare ? many.prepare(raw, 500) : raw;
for (let k = 0; k < 3; k++) await many.run(x, 500);
console.log(JSON.stringify({ initMs: t1 - t0, loadMs: t2 - t1, firstRunMs: t3 - t2, totalMs: t3 - t0, peakRssMB: peakRssMB(), baselineRssMB }));

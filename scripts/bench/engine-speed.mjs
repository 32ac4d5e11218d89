// A quick speed check of one engine build (no peers): forecastBatch on shipped models,
// median CPU µs per call over interleaved samples. For before/after comparisons of build
// changes (docs/size.md), e.g. an old and a new dist in the same run (then also the median
// over rounds of each build's time / the first build's time, both taken in the same round,
// which holds up better than the medians on a busy machine):
//   node scripts/bench/engine-speed.mjs [--dist DIR[,DIR2...]] [--models models/lstm16.shcf,models/lstm64.shcf]
//        [--batches 1,500] [--rounds 9] [--core]
// --core: each dist's core engine (shelfcast-core.js, loadCore()) too, as "DIR (core)".
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mulberry32 } from '../lib/random.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]?.startsWith('--') ? true : all[i + 1]]);
  return acc;
}, []));
const root = resolve(new URL('../..', import.meta.url).pathname);
console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min)`);
const dists = (args.dist ?? 'build/wasm/dist').split(',').map((d) => resolve(d));
const models = (args.models ?? 'models/lstm16.shcf,models/lstm64.shcf').split(',').map((m) => resolve(root, m));
const batches = (args.batches ?? '1,500').split(',').map(Number);
const rounds = Number(args.rounds ?? 9);
const SAMPLE_MS = 30;

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

const engines = [];
for (const dist of dists) {
  const { loadEngine } = await import(`${pathToFileURL(resolve(dist, 'shelfcast.js')).href}?${engines.length}`);
  engines.push({ dist, engine: await loadEngine() });
  if ('core' in args) {
    const { loadCore } = await import(`${pathToFileURL(resolve(dist, 'shelfcast-core.js')).href}?${engines.length}`);
    engines.push({ dist: `${dist} (core)`, engine: await loadCore() });
  }
}
const rows = [];
for (const file of models) {
  for (const batch of batches) {
    const runs = engines.map(({ dist, engine }) => {
      const model = engine.loadModel(readFileSync(file));
      const rand = mulberry32(batch);
      const x = Float32Array.from({ length: batch * model.window }, () => Math.round(120 * rand()));
      return { dist, model, x, times: [] };
    });
    // Warm-up and calibration: calls per sample of about SAMPLE_MS.
    let iters = 1;
    for (const r of runs) {
      const t0 = performance.now();
      let n = 0;
      while (performance.now() - t0 < 300) { r.model.forecastBatch(r.x); n++; }
      iters = Math.max(iters, Math.ceil((n * SAMPLE_MS) / 300));
    }
    for (let round = 0; round < rounds; round++) {
      for (const r of runs) {
        const c0 = process.cpuUsage();
        for (let i = 0; i < iters; i++) r.model.forecastBatch(r.x);
        const c = process.cpuUsage(c0);
        r.times.push(((c.user + c.system) / iters));
      }
    }
    for (const r of runs) {
      const ratio = median(r.times.map((t, i) => t / runs[0].times[i]));
      rows.push({ dist: r.dist, model: basename(file), batch, us: median(r.times), ratio });
      r.model.dispose();
    }
  }
}
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min)`);
console.log('| build | model | batch | µs per call (median CPU) | ÷ first build (median per round) |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.dist.replace(`${root}/`, '')} | ${r.model} | ${r.batch} | ${r.us.toFixed(1)} | ${r.ratio.toFixed(3)} |`);
}

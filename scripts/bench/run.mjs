// The peer benchmark: every row of runtimes.mjs on LSTM-16/32/64, window 30, batch 1 and
// 500, one thread each, in ONE Node process, with rounds interleaved across runtimes so a
// change in machine load hits every row alike; ratios are taken per round (same minute,
// same load) and their median reported. Also: cold start and peak memory (a fresh Node
// process per runtime, cold.mjs), and the bytes each runtime makes a browser download.
//
//   node scripts/bench/run.mjs --models DIR --out FILE.json [--rounds 15] [--quick]
//
// DIR holds lstm16.shcf, lstm32.shcf, lstm64.shcf and optional lstm<H>-<variant>.shcf
// (variants: ROWS in runtimes.mjs) with their ONNX core exports (<name>.core.onnx).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants as zc, gzipSync } from 'node:zlib';

import { ROWS, RUNTIMES, modelAssets, pkgVersion, root } from './runtimes.mjs';
import { mulberry32 } from '../lib/random.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
  return acc;
}, []));
const modelsDir = args.models ?? join(root, 'build/bench/models');
const outFile = args.out ?? join(root, 'build/bench/results.json');
const quick = Boolean(args.quick);
const rounds = Number(args.rounds ?? (quick ? 5 : 15));
const HIDDEN = quick ? [16, 64] : [16, 32, 64];
const BATCHES = [1, 500];
const WINDOW = 30;
const SAMPLE_MS = quick ? 15 : 40;  // target wall time of one sample

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
const median = (v) => quantile([...v].sort((a, b) => a - b), 0.5);

// Times `iters` calls; returns { wall, cpu } ms per call. Sync runtimes are called without
// await: an await per call would add a microtask turn to their time. CPU time (this
// process, all threads; every runtime runs one compute thread) excludes the time other
// processes on a shared machine take the core away, which wall time includes.
async function sample(runner, x, n, iters) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (runner.async) for (let i = 0; i < iters; i++) await runner.run(x, n);
  else for (let i = 0; i < iters; i++) runner.run(x, n);
  const wall = (performance.now() - t0) / iters;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 / iters };
}

async function benchConfig(hidden, batch, loaded) {
  const rand = mulberry32(hidden * 1000 + batch);
  const raw = Float32Array.from({ length: batch * WINDOW }, () => Math.round(120 * rand()));
  const active = [];
  for (const row of ROWS) {
    const assets = loaded.assets[`${hidden}/${row.model}`];
    if (!assets) continue;
    const ours = row.runtime.startsWith('shelfcast');  // the kiosk and the core engine take every model file
    if (!ours && !assets.peers) continue;
    if (!ours && row.runtime !== 'onnxruntime-web' && !assets.weights) continue;
    const runtime = RUNTIMES[row.runtime];
    const runner = await runtime.load(assets, batch);
    const x = runner.prepare ? runner.prepare(raw, batch) : raw;
    active.push({ row, runner, x, times: [] });
  }
  // Agreement with the baseline on these windows (the oracle test checks it strictly);
  // int8 rows against shelfcast's int8 row (the same int8 weights), when it runs.
  const base = active.find((a) => a.row.baseline);
  if (!base) return null;  // no lstm<H>.shcf for this size in the models folder
  const base8 = active.find((a) => a.row.id === 'shelfcast-int8');
  const refFloat = await base.runner.run(base.x, batch);
  const ref8 = base8 ? await base8.runner.run(base8.x, batch) : null;
  for (const a of active) {
    const y = await a.runner.run(a.x, batch);
    const ref = ref8 && a.row.model === 'int8' ? ref8 : refFloat;
    let worst = 0;
    for (let i = 0; i < batch; i++) worst = Math.max(worst, Math.abs(y[i] - ref[i]) / Math.max(1e-6, Math.abs(ref[i])));
    a.maxRelDiff = worst;
  }
  // Warm-up (JIT tiers, caches) and calibration of calls per sample.
  for (const a of active) {
    const t0 = performance.now();
    let calls = 0;
    while (performance.now() - t0 < (quick ? 150 : 1000) || calls < 3) {
      await sample(a.runner, a.x, batch, 1);
      calls++;
    }
    a.iters = Math.max(1, Math.round(SAMPLE_MS / ((performance.now() - t0) / calls)));
  }
  const ratios = new Map(active.map((a) => [a, { wall: [], cpu: [] }]));
  const ratios8 = new Map(active.map((a) => [a, { wall: [], cpu: [] }]));
  for (const a of active) a.cpu = [];
  for (let r = 0; r < rounds; r++) {
    const perRound = new Map();
    for (let k = 0; k < active.length; k++) {
      const a = active[(k + r) % active.length];  // rotate who goes first
      const t = await sample(a.runner, a.x, batch, a.iters);
      a.times.push(t.wall);
      a.cpu.push(t.cpu);
      perRound.set(a, t);
    }
    for (const a of active) {
      ratios.get(a).wall.push(perRound.get(a).wall / perRound.get(base).wall);
      ratios.get(a).cpu.push(perRound.get(a).cpu / perRound.get(base).cpu);
      // Peers' int8 rows also against shelfcast's int8 row, per round (same weights).
      if (base8 && a.row.model === 'int8' && a !== base8) {
        ratios8.get(a).wall.push(perRound.get(a).wall / perRound.get(base8).wall);
        ratios8.get(a).cpu.push(perRound.get(a).cpu / perRound.get(base8).cpu);
      }
    }
  }
  const flops = 2 * WINDOW * batch * (1 + hidden) * 4 * hidden;  // gate matmuls only
  const rows = active.map((a) => {
    const sorted = [...a.times].sort((u, v) => u - v);
    const cpu = [...a.cpu].sort((u, v) => u - v);
    const ms = quantile(sorted, 0.5);
    const r = [...ratios.get(a).wall].sort((u, v) => u - v);
    const rc = [...ratios.get(a).cpu].sort((u, v) => u - v);
    const r8 = [...ratios8.get(a).wall].sort((u, v) => u - v);
    const rc8 = [...ratios8.get(a).cpu].sort((u, v) => u - v);
    const int8Ratios = r8.length ? {
      ratioToShelfcastInt8: quantile(r8, 0.5), ratioInt8P10: quantile(r8, 0.1), ratioInt8P90: quantile(r8, 0.9),
      cpuRatioToShelfcastInt8: quantile(rc8, 0.5), cpuRatioInt8P10: quantile(rc8, 0.1), cpuRatioInt8P90: quantile(rc8, 0.9),
    } : {};
    a.runner.dispose();
    return {
      ...int8Ratios,
      id: a.row.id, label: a.row.label, runtime: a.row.runtime, samples: a.times.length, itersPerSample: a.iters,
      medianMs: ms, p10Ms: quantile(sorted, 0.1), p90Ms: quantile(sorted, 0.9), minMs: sorted[0],
      cpuMedianMs: quantile(cpu, 0.5), cpuP10Ms: quantile(cpu, 0.1), cpuP90Ms: quantile(cpu, 0.9),
      ratioToShelfcast: quantile(r, 0.5), ratioP10: quantile(r, 0.1), ratioP90: quantile(r, 0.9),
      cpuRatioToShelfcast: quantile(rc, 0.5), cpuRatioP10: quantile(rc, 0.1), cpuRatioP90: quantile(rc, 0.9),
      gflops: flops / (ms * 1e6), gflopsCpu: flops / (quantile(cpu, 0.5) * 1e6), maxRelDiff: a.maxRelDiff,
      kernels: a.runner.kernels,
    };
  });
  return { hidden, batch, window: WINDOW, rows };
}

function coldStart(runtimeName, hidden) {
  const runs = [];
  for (let k = 0; k < (quick ? 1 : 3); k++) {
    const out = execFileSync(process.execPath, [join(root, 'scripts/bench/cold.mjs'), runtimeName, modelsDir, String(hidden)], { cwd: root });
    runs.push(JSON.parse(out.toString().trim().split('\n').pop()));
  }
  const pick = (key) => median(runs.map((r) => r[key]));
  return { runtime: runtimeName, runs: runs.length, initMs: pick('initMs'), loadMs: pick('loadMs'), firstRunMs: pick('firstRunMs'),
    totalMs: pick('totalMs'), peakRssMB: pick('peakRssMB'), baselineRssMB: pick('baselineRssMB') };
}

function sizes(runtimeName, which = 'files') {
  const files = RUNTIMES[runtimeName][which]();
  let raw = 0, gzip = 0, brotli = 0, wasm = 0, js = 0;
  for (const f of files) {
    const data = readFileSync(f);
    raw += data.length;
    (f.endsWith('.wasm') ? (wasm += data.length) : (js += data.length));
    gzip += gzipSync(data, { level: 9 }).length;
    brotli += brotliCompressSync(data, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  const runtime = which === 'files' ? runtimeName : RUNTIMES[runtimeName].minimalLabel;
  return { runtime, files: files.map((f) => f.replace(root + '/', '')), bytes: raw, js, wasm, gzip, brotli };
}

const usedRuntimes = [...new Set(ROWS.map((r) => r.runtime))];
const loaded = { assets: {} };
for (const h of HIDDEN)
  for (const variant of new Set(ROWS.map((r) => r.model))) {
    const a = modelAssets(modelsDir, h, variant);
    if (a) loaded.assets[`${h}/${variant}`] = a;
  }
for (const name of usedRuntimes) await RUNTIMES[name].init();

// Global warm-up: every runtime runs its smallest model at batch 1 and 500 for a while
// before anything is measured, so V8 has tiered the hot wasm functions of big binaries
// (onnxruntime-web is 14 MB) up from the baseline compiler; per-config warm-up follows.
for (const row of ROWS.filter((r) => r.model === 'float')) {
  const assets = loaded.assets[`${HIDDEN[0]}/float`];
  if (!assets) continue;
  for (const batch of [1, 500]) {
    const runner = await RUNTIMES[row.runtime].load(assets, batch);
    const raw = Float32Array.from({ length: batch * WINDOW }, (_, i) => 40 + (i % 23));
    const x = runner.prepare ? runner.prepare(raw, batch) : raw;
    const t0 = performance.now();
    while (performance.now() - t0 < (quick ? 500 : 2000)) await sample(runner, x, batch, 1);
    runner.dispose();
  }
}

const configs = [];
for (const h of HIDDEN)
  for (const b of BATCHES) {
    const c = await benchConfig(h, b, loaded);
    if (!c) continue;
    configs.push(c);
    for (const r of c.rows)
      console.log(`LSTM-${h} batch ${b}: ${r.label.padEnd(44)} ${r.medianMs.toFixed(4).padStart(10)} ms wall x${r.ratioToShelfcast.toFixed(2)}, ${r.cpuMedianMs.toFixed(4).padStart(10)} ms cpu x${r.cpuRatioToShelfcast.toFixed(2)}`);
  }

const cold = [];
for (const name of usedRuntimes) cold.push(coldStart(name, HIDDEN.at(-1)));

const versions = { node: process.versions.node, v8: process.versions.v8 };
for (const name of usedRuntimes) for (const p of RUNTIMES[name].packages) versions[p] = pkgVersion(p);
const cpu = cpus()[0];
const machine = {
  cpu: cpu.model, cores: cpus().length, memGB: Math.round(totalmem() / 2 ** 30),
  loadavg: (await import('node:os')).loadavg(), kernel: execFileSync('uname', ['-sr']).toString().trim(),
  emscripten: execFileSync('emcc', ['--version']).toString().split('\n')[0],
};
const results = {
  generated: new Date().toISOString(), command: typeof args.command === 'string' ? args.command : null, quick, rounds, window: WINDOW, machine, versions,
  configs, cold,
  sizes: usedRuntimes.map((r) => sizes(r)).concat(usedRuntimes
    .filter((r) => RUNTIMES[r].minimalFiles && RUNTIMES[r].minimalFiles().every((f) => existsSync(f)))
    .map((r) => sizes(r, 'minimalFiles'))),
  models: Object.fromEntries(Object.entries(loaded.assets).map(([k, a]) => [k, { shcf: a.shcf.replace(root + '/', ''), fileBytes: a.fileBytes }])),
};
writeFileSync(outFile, JSON.stringify(results, null, 1) + '\n');
console.log(`wrote ${outFile} (${statSync(outFile).size} bytes)`);

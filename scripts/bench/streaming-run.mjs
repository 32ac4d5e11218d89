// The streaming part of the benchmark (issue 11): per-step cost of stream.step(value) on one
// series in the wasm engine under Node, one thread, against re-running the window-30
// forecast on the same model in the same rounds. The measuring code is
// tests/bench/streaming.mjs (benchStreaming); this runs it on the benchmark's models and
// writes JSON for report.mjs (scripts/bench.sh runs it).
//
//   node scripts/bench/streaming-run.mjs --models DIR --out FILE.json [--rounds 31] [--quick] [--streaming-only]
//
// --streaming-only marks the results as measured apart from the peer run they are reported with
// (scripts/bench.sh --streaming-only), so the report says so.
//
// DIR holds lstm16.shcf, lstm32.shcf, lstm64.shcf (scripts/bench.sh's models). The int8 rows
// run lstm<H>-int8.shcf from DIR when present, else an int8 copy made here with
// `shelfcast compress int8` (dynamic: int8 weights, float cell) of lstm<H>.shcf.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

import { benchStreaming } from '../../tests/bench/streaming.mjs';
import { distModule, nativeCli } from '../../tests/node/helpers.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
  return acc;
}, []));
const modelsDir = args.models ?? join(root, 'build/bench/models');
const outFile = args.out ?? join(root, 'build/bench/streaming.json');
const quick = Boolean(args.quick);
const rounds = Number(args.rounds ?? (quick ? 11 : 31));
if (!(rounds >= 1)) throw new Error(`--rounds ${args.rounds} is not a positive number`);
const HIDDEN = quick ? [16, 64] : [16, 32, 64];

const { loadEngine } = await import(distModule('shelfcast.js'));
const engine = await loadEngine();
const scratch = mkdtempSync(join(tmpdir(), 'shelfcast-stream-bench-'));
const loadBefore = loadavg();
const rows = [];
try {
  for (const hidden of HIDDEN) {
    const float = join(modelsDir, `lstm${hidden}.shcf`);
    if (!existsSync(float)) throw new Error(`${float} not found: the streaming benchmark runs the benchmark's models (scripts/bench.sh makes them)`);
    let int8 = join(modelsDir, `lstm${hidden}-int8.shcf`);
    if (!existsSync(int8)) {
      int8 = join(scratch, `lstm${hidden}-int8.shcf`);
      execFileSync(nativeCli(), ['compress', 'int8', '--model', float, '--out', int8]);
    }
    for (const [weights, file] of [['float', float], ['int8', int8]]) {
      const bytes = readFileSync(file);
      const r = benchStreaming(engine, bytes, { rounds });
      rows.push({ hidden, weights, file: file.startsWith(scratch) ? `compress int8 of ${relative(root, float)}` : relative(root, file), fileBytes: bytes.length, ...r });
      const step = r.calls.find((c) => c.id === 'step'), win = r.calls.find((c) => c.id === 'window');
      console.log(`LSTM-${hidden} ${weights.padEnd(5)}: step ${step.wallUs.median.toFixed(3)} µs wall (${step.cpuUs.median.toFixed(3)} cpu), ` +
        `window forecast ${win.wallUs.median.toFixed(2)} µs, x${r.ratios.windowOverStep.wall.median.toFixed(1)}`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const results = {
  generated: new Date().toISOString(), quick, rounds, simd: engine.simd, streamingOnly: Boolean(args['streaming-only']),
  versions: { node: process.versions.node, v8: process.versions.v8 },
  loadavg: { before: loadBefore, after: loadavg() },
  rows,
};
writeFileSync(outFile, JSON.stringify(results, null, 1) + '\n');
console.log(`wrote ${outFile}`);

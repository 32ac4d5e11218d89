// The kiosk engine's byte budget (the core engine's ceiling is at the end): issue 2 wants
// the engine's wasm module (no training code) under 150 KB, counted as 150,000 bytes of
// the file (docs/size.md). The kiosk
// engines (shelfcast-engine.wasm and its portable twin) are what a kiosk downloads; the
// data tools live in shelfcast-engine-data, which only the demo page and the Node
// evaluation API load. Each budgeted file is also checked to be the kiosk build (no data
// tools), so the budget cannot pass by measuring the wrong engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { distModule } from '../node/helpers.mjs';

const BUDGET = 150_000;
const { loadEngine } = await import(distModule('shelfcast.js'));

for (const [file, simd] of [['shelfcast-engine.wasm', true], ['shelfcast-engine-portable.wasm', false]]) {
  test(`${file} is the kiosk engine, under ${BUDGET} bytes`, async (t) => {
    const path = fileURLToPath(distModule(file));
    assert.ok(existsSync(path), `${path} is missing: run scripts/build.sh wasm`);
    const bytes = statSync(path).size;
    t.diagnostic(`${file}: ${bytes} bytes, ${BUDGET - bytes} under the budget`);
    assert.ok(bytes < BUDGET, `${file} is ${bytes} bytes, over the kiosk budget of ${BUDGET - 1}`);
    const engine = await loadEngine({ simd });
    assert.equal(engine.platform().build, simd ? 'simd128' : 'portable');
    assert.equal(engine.hasDataTools, false, `${file} has the data tools: the kiosk build must not`);
  });
}

const noData = !existsSync(fileURLToPath(distModule('shelfcast-engine-data.wasm'))) && 'built with SHELFCAST_WASM_DATA=OFF';
test('the data engines carry the data tools', { skip: noData }, async () => {
  for (const simd of [true, false]) {
    const engine = await loadEngine({ data: true, simd });
    assert.equal(engine.hasDataTools, true);
    assert.equal(engine.platform().build, simd ? 'simd128' : 'portable');
  }
});

// The core engine (shelfcast-core.js and shelfcast-common.js, the helpers it imports, +
// .wasm: forecasts only, C ABI, no Emscripten glue) is what a kiosk that only forecasts
// downloads. Issue 8 wants JS + wasm at most 1/20 of the smallest peer's download: TF.js
// with its wasm backend as shared/docs/peers.md counts it (`tf.min.js`,
// `tf-backend-wasm.min.js`, `tfjs-backend-wasm-simd.wasm`, counted here from node_modules
// as scripts/bench/run.mjs does: 2,044,298 bytes with the lock file's versions, so
// 102,214; that figure when node_modules is absent). A stricter comparison, TF.js cut down
// to core + layers (1,156,025 bytes, so 57,801), is printed beside it: the core engine
// does not reach that one (docs/size.md has where its bytes are).
const LOCKED_PEER_BUDGET = 102_214;
const { RUNTIMES } = await import('../../scripts/bench/runtimes.mjs');
const twentieth = (files) => (files.every((f) => existsSync(f)) ? Math.floor(files.reduce((sum, f) => sum + statSync(f).size, 0) / 20) : null);
const peerBudget = twentieth(RUNTIMES['tfjs-wasm'].files()) ?? LOCKED_PEER_BUDGET;
const strictBudget = twentieth(RUNTIMES['tfjs-wasm'].minimalFiles());
// The core's JavaScript: its loader and the module of helpers it imports (shared with
// shelfcast.js). Checked against the modules the loader imports, so a new one cannot be
// left out of the count.
const CORE_JS = ['shelfcast-core.js', 'shelfcast-common.js'];
/** The relative modules a dist module imports statically, and theirs, itself first. */
function staticImports(file, seen = []) {
  if (seen.includes(file)) return seen;
  seen.push(file);
  const text = readFileSync(fileURLToPath(distModule(file)), 'utf8');
  for (const [, dep] of text.matchAll(/\b(?:from|import)\s*["']\.\/([^"']+)["']/g)) staticImports(dep, seen);
  return seen;
}
for (const [wasm, simd] of [['shelfcast-core.wasm', true], ['shelfcast-core-portable.wasm', false]]) {
  test(`${CORE_JS.join(' + ')} + ${wasm}: the core engine, at most 1/20 of TF.js + its wasm backend (${peerBudget} bytes)`, async (t) => {
    const paths = [...CORE_JS, wasm].map((f) => fileURLToPath(distModule(f)));
    for (const p of paths) assert.ok(existsSync(p), `${p} is missing: run scripts/build.sh wasm`);
    assert.deepEqual(staticImports(CORE_JS[0]).sort(), [...CORE_JS].sort(), 'the JS files the core downloads');
    const size = (list) => list.reduce((sum, p) => sum + statSync(p).size, 0);
    const bytes = size(paths);
    t.diagnostic(`${bytes} bytes (JS ${size(paths.slice(0, -1))}), ${peerBudget - bytes} under 1/20 of TF.js + wasm backend; ` +
      (strictBudget ? `1/20 of TF.js core + layers only is ${strictBudget}: ${(bytes / strictBudget).toFixed(2)}x that` : 'no node_modules: the stricter budget is not computed'));
    assert.ok(bytes <= peerBudget, `${CORE_JS.join(' + ')} + ${wasm} are ${bytes} bytes, over issue 8's budget of ${peerBudget} (1/20 of TF.js + its wasm backend)`);
    const { loadCore } = await import(distModule('shelfcast-core.js'));
    const core = await loadCore({ simd });
    assert.equal(core.simd, simd);
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(paths.at(-1)))).map((e) => e.name);
    assert.ok(exports.includes('sc_forecast_batch'), `${wasm} is not the core engine`);
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(paths.at(-1)))).map((i) => `${i.module}.${i.name}`);
    // What the loader gives: anything more (Embind, printf to a console) would mean glue crept back in.
    assert.deepEqual(imports.sort(), ['env.emscripten_notify_memory_growth', 'wasi_snapshot_preview1.proc_exit']);
  });
}

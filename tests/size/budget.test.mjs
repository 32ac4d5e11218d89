// The kiosk engine's byte budget: issue 2 wants the engine's wasm module (no training
// code) under 150 KB, counted as 150,000 bytes of the file (docs/size.md). The kiosk
// engines (shelfcast-engine.wasm and its portable twin) are what a kiosk downloads; the
// data tools live in shelfcast-engine-data, which only the demo page and the Node
// evaluation API load. Each budgeted file is also checked to be the kiosk build (no data
// tools), so the budget cannot pass by measuring the wrong engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
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

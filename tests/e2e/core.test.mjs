// The core engine in headless Chromium: shelfcast-core.js imported by a page, the wasm and
// a model fetched by URL (the defaults a kiosk page uses), and the same forecasts as under
// Node, bit for bit (the same module, the same kernels); the portable build and a bad file too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { distModule } from '../node/helpers.mjs';
import { defaultMounts, startServer } from './server.mjs';
import { launchChromium, skip } from './site.mjs';

const models = fileURLToPath(new URL('../../models', import.meta.url));

let server, browser;

before(async () => {
  if (skip) return;
  server = await startServer(defaultMounts({ models }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('a page loads the core engine and a model by URL and forecasts as Node does', { skip }, async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/dist/shelfcast-core.d.ts`);  // any page of the server's origin
  const windows = Array.from({ length: 5 * 30 }, (_, i) => Math.round(45 + 20 * Math.sin(i * 0.7)));
  const inPage = await page.evaluate(async (x) => {
    const { loadCore, ShelfcastCoreError } = await import('/dist/shelfcast-core.js');
    const out = {};
    for (const simd of [true, false]) {
      const core = await loadCore({ simd });
      const model = await core.loadModelFromUrl('/models/lstm32-int8.shcf');
      out[simd ? 'simd' : 'portable'] = { simd: core.simd, forecasts: Array.from(model.forecastBatch(x, { horizon: 2 })) };
    }
    const core = await loadCore();
    const bytes = new Uint8Array(await (await fetch('/models/lstm16.shcf')).arrayBuffer());
    try {
      core.loadModel(bytes.subarray(0, 100));
    } catch (e) {
      out.error = { name: e.name, isCoreError: e instanceof ShelfcastCoreError, message: e.message };
    }
    try {
      await core.loadModelFromUrl('/models/no-such.shcf');
    } catch (e) {
      out.missing = e.message;
    }
    return out;
  }, windows);
  assert.deepEqual(errors, []);
  assert.equal(inPage.simd.simd, true);
  assert.equal(inPage.portable.simd, false);

  const { loadCore } = await import(distModule('shelfcast-core.js'));
  const bytes = readFileSync(`${models}/lstm32-int8.shcf`);
  for (const simd of [true, false]) {
    const node = (await loadCore({ simd })).loadModel(bytes).forecastBatch(Float32Array.from(windows), { horizon: 2 });
    assert.deepEqual(Float32Array.from(inPage[simd ? 'simd' : 'portable'].forecasts), node, simd ? 'SIMD128' : 'portable');
  }
  assert.deepEqual(inPage.error, { name: 'ShelfcastCoreError', isCoreError: true,
    message: 'model file truncated: header promises 4758 payload bytes, the file holds 84' });
  assert.match(inPage.missing, /^http:\/\/127\.0\.0\.1:\d+\/models\/no-such\.shcf: HTTP 404$/);
  await page.close();
});

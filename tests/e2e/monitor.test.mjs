// The drift monitor in the browser (headless Chromium): the demo page's scenario flags the
// injected demand shift (+30 % from 2017-07-01) and clears without it, driven by keyboard
// through its labelled checkbox; <shelf-forecast> with a shadow model shows the flag on a
// shifted series and none on the same series unshifted; a browser without wasm SIMD (its
// WebAssembly.validate refusing SIMD modules) loads the portable engine and still draws.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeCli } from '../node/helpers.mjs';
import { launchBrowser, outDir, recordRequests, serveSite, skip, withoutWasmSimd } from './site.mjs';

let server, context, page;
const pageErrors = [];

before(async () => {
  if (skip) return;
  ({ server } = await serveSite('monitor'));
  context = await launchBrowser();
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await context?.close();
  await server?.close();
});

test('the demo scenario: the injected demand shift raises the drift flag, removing it clears the flag', { skip }, async () => {
  await page.goto(`${server.url}/index.html`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 600_000 });
  const status = page.locator('#drift-status');
  // The scenario's shadow model is not in the page's first load: the Run button loads it.
  const run = page.getByRole('button', { name: 'Run the monitor' });
  await run.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#drift-status[data-drift="ok"]', { timeout: 300_000 });
  assert.match(await status.textContent(), /^No drift flag \(50 series pooled, 2017-01-01 to 2017-12-31; single series flagged against the shadow: 0\)\.$/);
  // Keyboard: the labelled checkbox takes focus and Space toggles it.
  const box = page.getByLabel('Inject a demand shift: +30 % sales from 2017-07-01');
  await box.focus();
  await page.keyboard.press('Space');
  assert.equal(await box.isChecked(), true);
  await page.waitForSelector('#drift-status[data-drift="flagged"]', { timeout: 300_000 });
  const text = await status.textContent();
  assert.match(text, /^⚠ Drift flagged on 2017-07-04 \(3 days after the shift\): the 7-day MAPE of lstm16-cal56 passed its baseline by more than 6 points/);
  await status.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(outDir, 'monitor-demo-flag.png') });
  await page.keyboard.press('Space');
  await page.waitForSelector('#drift-status[data-drift="ok"]', { timeout: 300_000 });
  assert.deepEqual(pageErrors, []);
});

test('<shelf-forecast> with a shadow model shows the drift flag of a shifted series, none unshifted', { skip }, async () => {
  // store 2 item 2 of the generated data, 2017-03-01..2017-07-20, as two CSVs served by the test.
  const dir = mkdtempSync(join(tmpdir(), 'shelfcast-monitor-e2e-'));
  const csv = join(dir, 'sales.csv');
  execFileSync(nativeCli(), ['generate', '--seed', '42', '--stores', '2', '--items', '2', '--from', '2013-01-01', '--to', '2017-07-20', '--out', csv]);
  const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','))
    .filter(([date, store, item]) => store === '2' && item === '2' && date >= '2017-03-01');
  const text = (shift) => `date,store,item,sales\n${rows.map(([date, store, item, sales]) =>
    `${date},${store},${item},${shift && date >= '2017-07-01' ? Math.round(Number(sales) * 1.3) : sales}`).join('\n')}\n`;
  await page.route('**/data/drift-*.csv', (route) => route.fulfill({ status: 200, contentType: 'text/csv',
    body: text(route.request().url().endsWith('drift-shifted.csv')) }));
  await page.goto(`${server.url}/kiosk.html`);
  const show = (name) => page.evaluate((csvName) => new Promise((resolve) => {
    const element = document.createElement('shelf-forecast');
    for (const [k, v] of Object.entries({ model: 'models/lstm16-cal56.shcf', shadow: 'models/lstm64-cal56.shcf', csv: `data/${csvName}`,
      store: '2', item: '2', 'baseline-mape': '12.72' })) element.setAttribute(k, v);
    element.addEventListener('drift', (e) => resolve({ state: element.dataset.drift, text: element.shadowRoot.querySelector('.drift').textContent,
      flagged: e.detail.flagged, since: e.detail.flaggedSince }), { once: true });
    element.addEventListener('forecasterror', (e) => resolve({ error: e.detail.message }), { once: true });
    document.querySelector('main').prepend(element);
  }), name);
  const shifted = await show('drift-shifted.csv');
  assert.equal(shifted.error, undefined);
  assert.equal(shifted.state, 'flagged');
  assert.equal(shifted.flagged, true);
  assert.match(shifted.text, /^⚠ Drift since 2017-07-\d\d: 7-day MAPE [\d.]+ %, over the baseline 12\.7 % by more than 6 points$/);
  await page.screenshot({ path: join(outDir, 'monitor-kiosk-flag.png') });
  const plain = await show('drift-plain.csv');
  assert.equal(plain.state, 'ok');
  assert.match(plain.text, /^No drift: 7-day MAPE [\d.]+ %, shadow [\d.]+ %$/);
  assert.deepEqual(pageErrors, []);
});

test('a browser without wasm SIMD loads the portable engine, and the kiosk still draws', { skip }, async () => {
  const old = await launchBrowser();
  try {
    await withoutWasmSimd(old);
    const requests = recordRequests(old);
    const kiosk = await old.newPage();
    const errors = [];
    kiosk.on('pageerror', (e) => errors.push(e.message));
    await kiosk.goto(`${server.url}/kiosk.html`);
    await kiosk.waitForFunction(() => [...document.querySelectorAll('shelf-forecast')].every((e) => ['ready', 'error'].includes(e.dataset.state)),
      null, { timeout: 300_000 });
    const states = await kiosk.$$eval('shelf-forecast', (els) => els.map((e) => e.dataset.state));
    assert.deepEqual(states, ['ready', 'ready', 'ready', 'ready', 'ready', 'ready']);
    const platform = await kiosk.evaluate(async () => {
      const { loadEngine } = await import('./shelfcast.js');
      const e = await loadEngine();
      return e.platform();
    });
    assert.deepEqual(platform, { hostSimd: false, build: 'portable', forced: false, int8: 'portable', kernels: {} });
    const names = requests.map((r) => new URL(r.url).pathname);
    assert.ok(names.includes('/shelfcast-engine-portable.wasm'), names.join(' '));
    assert.ok(!names.includes('/shelfcast-engine.wasm'), 'the SIMD engine is never fetched');
    assert.deepEqual(errors, []);
  } finally {
    await old.close();
  }
});

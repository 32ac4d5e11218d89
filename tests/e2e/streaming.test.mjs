// The streaming kiosk example (web/examples/streaming.html) in headless Chromium: feed some
// days, reload the page, feed the rest; the forecast must equal an uninterrupted stream's
// (run here in Node on the same wasm engine) bit for bit, because the reloaded page
// continues from the state it saved in localStorage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distModule, nativeCli } from '../node/helpers.mjs';
import { defaultMounts, startServer } from './server.mjs';
import { launchChromium, skip } from './site.mjs';

let server, browser, models;

before(async () => {
  if (skip) return;
  models = mkdtempSync(join(tmpdir(), 'shelfcast-e2e-'));
  execFileSync(nativeCli(), ['init', '--hidden', '16', '--seed', '21', '--calendar', 'dow', '--out', join(models, 'kiosk.shcf')]);
  server = await startServer(defaultMounts({ models }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openKiosk(page, url) {
  await page.goto(url);
  await page.waitForSelector('body[data-ready]');
  const state = await page.getAttribute('body', 'data-ready');
  if (state !== 'true') assert.fail(`the kiosk did not start: ${await page.textContent('#error')}`);
}

test('the kiosk persists its stream across a reload and continues with step()', { skip }, async () => {
  const sales = Array.from({ length: 45 }, (_, i) => Math.round(50 + 25 * Math.sin(i * 0.9) + 8 * Math.cos(i * 2.1)));
  const firstDay = '2017-05-01';
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const url = `${server.url}/examples/streaming.html?model=/models/kiosk.shcf`;

  await openKiosk(page, url);
  assert.equal(await page.evaluate(() => window.kiosk.steps), 0);
  await page.evaluate(([values, day]) => values.forEach((v, i) => window.kiosk.step(v, i === 0 ? day : undefined)),
    [sales.slice(0, 20), firstDay]);
  assert.equal(await page.evaluate(() => window.kiosk.steps), 20);

  await page.reload();
  await openKiosk(page, url);
  assert.equal(await page.evaluate(() => window.kiosk.steps), 20);
  assert.equal(await page.evaluate(() => window.kiosk.lastDate), '2017-05-20');
  assert.match(await page.textContent('#status'), /^20 days seen, last 2017-05-20 \(restored after a reload\)/);
  // The remaining days through the page's form, as a person would enter them.
  for (const v of sales.slice(20)) {
    await page.fill('#value', String(v));
    await page.click('button[type=submit]');
  }
  assert.equal(await page.evaluate(() => window.kiosk.steps), 45);
  const continued = await page.evaluate(() => window.kiosk.forecast(7));
  assert.equal(await page.locator('#forecast tbody tr').count(), 7);
  assert.deepEqual(errors, []);
  await context.close();

  // The same days, uninterrupted, in Node on the same engine.
  const { loadEngine } = await import(distModule('shelfcast.js'));
  const engine = await loadEngine();
  const model = engine.loadModel(readFileSync(join(models, 'kiosk.shcf')));
  const stream = model.stream();
  sales.forEach((v, i) => stream.step(v, i === 0 ? firstDay : undefined));
  assert.deepEqual(continued, Array.from(stream.forecast(7)));
});

test('a state saved for another model is not applied: the kiosk says so and starts over', { skip }, async () => {
  const other = join(models, 'other.shcf');
  execFileSync(nativeCli(), ['init', '--hidden', '16', '--seed', '22', '--calendar', 'dow', '--out', other]);
  const context = await browser.newContext();
  const page = await context.newPage();
  const key = 'shared-key';
  await openKiosk(page, `${server.url}/examples/streaming.html?model=/models/kiosk.shcf&key=${key}`);
  await page.evaluate(() => window.kiosk.step(40, '2017-01-01'));
  await openKiosk(page, `${server.url}/examples/streaming.html?model=/models/other.shcf&key=${key}`);
  assert.equal(await page.evaluate(() => window.kiosk.steps), 0);
  assert.match(await page.textContent('#status'),
    /^0 days seen \(the saved state was not usable: this state was saved from another model \(model fingerprint [0-9a-f]{16}, this model's is [0-9a-f]{16}\); starting over\)/);
  await context.close();
});

// <shelf-forecast> on the kiosk page (web/kiosk.html) in headless Chromium: every element
// renders a chart with no other code, its forecast equals the engine's under Node bit for
// bit, attribute changes re-render, bad input shows a message, and nothing leaves the origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { distModule } from '../node/helpers.mjs';
import { drawnPixels, launchBrowser, outDir, recordRequests, serveSite, skip } from './site.mjs';

let site, server, context, page, requests, engine;
const pageErrors = [];

before(async () => {
  if (skip) return;
  ({ site, server } = await serveSite('kiosk'));
  const { loadEngine } = await import(distModule('shelfcast.js'));
  engine = await loadEngine();
  context = await launchBrowser();
  requests = recordRequests(context);
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.url}/kiosk.html`);
  await page.waitForFunction(() => [...document.querySelectorAll('shelf-forecast')].every((e) => ['ready', 'error'].includes(e.dataset.state)),
    null, { timeout: 300_000 });
});

after(async () => {
  await context?.close();
  await server?.close();
});

/** The forecast the element shows, read back from its 'forecast' event on a re-render. */
function lastForecast(selector) {
  return page.evaluate((sel) => new Promise((resolve) => {
    const element = document.querySelector(sel);
    element.addEventListener('forecast', (e) => resolve({ ...e.detail, values: Array.from(e.detail.values) }), { once: true });
    element.render();
  }), selector);
}

/** What the element must show: the model's forecast of the series under Node. */
function expectedForecast(store, item, horizon) {
  const data = engine.parseSalesCsv(readFileSync(join(site.out, 'data/kiosk.csv')));
  const series = data.series.find((s) => s.store === store && s.item === item);
  const model = engine.loadModel(readFileSync(join(site.out, 'models/kiosk.shcf')));
  const f = model.forecastSeries(series, { horizon });
  model.dispose();
  return { series: series.key, firstDay: f.firstDay, values: Array.from(f.values) };
}

test('every element of the kiosk page draws its forecast, equal to the engine under Node', { skip }, async () => {
  const elements = page.locator('shelf-forecast');
  const n = await elements.count();
  assert.equal(n, 6);
  for (let i = 0; i < n; i++) {
    const element = elements.nth(i);
    assert.equal(await element.getAttribute('data-state'), 'ready', await element.locator('.error').textContent());
    assert.ok((await drawnPixels(element.locator('canvas').first())) > 1000);
  }
  const got = await lastForecast('shelf-forecast[store="1"][item="2"]');
  assert.deepEqual(got, expectedForecast(1, 2, 14));
  assert.match(await page.locator('shelf-forecast[store="1"][item="2"] .total').textContent(),
    new RegExp(`^next 14 days: ${Math.round(got.values.reduce((a, b) => a + b, 0)).toLocaleString('en-US')} units$`));
  await page.screenshot({ path: join(outDir, 'kiosk-1920x1080.png') });
});

test('changing an attribute re-renders; a missing series or model file shows a message', { skip }, async () => {
  const selector = 'shelf-forecast[store="2"][item="3"]';
  const changed = page.evaluate((sel) => new Promise((resolve) => {
    const element = document.querySelector(sel);
    element.addEventListener('forecast', (e) => resolve(Array.from(e.detail.values)), { once: true });
    element.setAttribute('horizon', '5');
  }), selector);
  assert.deepEqual(await changed, expectedForecast(2, 3, 5).values);

  const message = await page.evaluate(() => new Promise((resolve) => {
    const element = document.createElement('shelf-forecast');
    element.addEventListener('forecasterror', (e) => resolve(e.detail.message), { once: true });
    element.setAttribute('model', 'models/kiosk.shcf');
    element.setAttribute('csv', 'data/kiosk.csv');
    element.setAttribute('store', '9');
    element.setAttribute('item', '1');
    document.querySelector('main').append(element);
  }));
  assert.equal(message, "data/kiosk.csv has no series 'store 9 item 1'");

  const missing = await page.evaluate(() => new Promise((resolve) => {
    const element = document.createElement('shelf-forecast');
    element.addEventListener('forecasterror', (e) => resolve({ message: e.detail.message, shown: element.shadowRoot.querySelector('.error').textContent }), { once: true });
    element.setAttribute('model', 'models/none.shcf');
    element.setAttribute('csv', 'data/kiosk.csv');
    document.querySelector('main').append(element);
  }));
  assert.match(missing.message, /none\.shcf: HTTP 404$/);
  assert.equal(missing.shown, missing.message);
});

test('the kiosk page stays on its origin', { skip }, async () => {
  await requests.settled();
  const origin = new URL(server.url).origin;
  assert.deepEqual(requests.filter((r) => !r.url.startsWith(`${origin}/`) && !r.url.startsWith('data:')).map((r) => r.url), []);
  assert.deepEqual(pageErrors, []);
});

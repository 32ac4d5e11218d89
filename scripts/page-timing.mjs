#!/usr/bin/env node
// The demo page's time from navigation to a filled table, over several loads: each load in
// a fresh headless Chromium profile (cold HTTP cache, as a first visit and as the e2e
// test), from the site as scripts/demo.sh assembles it. Prints the page's performance
// marks (ms after navigation) per load and their medians, with the load average.
//
//   node scripts/page-timing.mjs [--runs 5] [--against DIR] [--json out.json]
//
// --against DIR: another assembled site (e.g. main's: node scripts/build-site.mjs --out DIR
// in its checkout), loaded alternately with this one, so both see the same machine load.
// Needs the wasm build, the native CLI (the demo data) and Chromium (tests/e2e/site.mjs).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { launchBrowser, outDir, serveSite, skip } from '../tests/e2e/site.mjs';
import { startServer } from '../tests/e2e/server.mjs';

const args = { runs: 5, json: join(outDir, 'page-timing.json'), against: null };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  if (!(key in args) || process.argv[i + 1] === undefined) {
    throw new Error(`usage: page-timing.mjs [--runs N] [--against DIR] [--json FILE] (got ${process.argv[i]})`);
  }
  args[key] = key === 'runs' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}
if (skip) throw new Error(skip);

/** One load of `url` in a fresh profile: the page's shelfcast marks. */
async function load(url) {
  const context = await launchBrowser();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('body[data-state=ready], body[data-state=failed]', { timeout: 600_000 });
    if ((await page.getAttribute('body', 'data-state')) !== 'ready' || errors.length) {
      throw new Error(`${url} failed: ${await page.textContent('#error')} ${errors.join('; ')}`);
    }
    return await page.evaluate(() => {
      const [nav] = performance.getEntriesByType('navigation');
      const resource = (file) => performance.getEntriesByType('resource').find((e) => e.name.endsWith(`/${file}`));
      return {
        // The document, and the module graph before demo.js runs (ms after navigation).
        'html-received': Math.round(nav.responseEnd),
        'demo.js-received': Math.round(resource('demo.js')?.responseEnd ?? NaN),
        ...Object.fromEntries(performance.getEntriesByType('mark')
          .filter((m) => m.name.startsWith('shelfcast:')).map((m) => [m.name.slice(10), Math.round(m.startTime)])),
      };
    });
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const sites = [{ name: 'this', ...(await serveSite('page-timing')) }];
if (args.against) sites.push({ name: 'against', server: await startServer({ '/': resolve(args.against) }) });
const runs = Object.fromEntries(sites.map((s) => [s.name, []]));
try {
  for (let r = 0; r < args.runs; r++) {
    for (const site of sites) {
      const loadAverage = loadavg()[0];
      const marks = await load(`${site.server.url}/index.html`);
      runs[site.name].push({ marks, loadAverage });
      console.log(`${site.name} run ${r + 1}: ${Object.entries(marks).map(([k, v]) => `${k} ${v}`).join(', ')} (load average ${loadAverage.toFixed(2)})`);
    }
  }
} finally {
  for (const site of sites) await site.server.close();
}
const medians = {};
for (const [name, list] of Object.entries(runs)) {
  const marks = [...new Set(list.flatMap((r) => Object.keys(r.marks)))];
  medians[name] = Object.fromEntries(marks.map((m) => [m, median(list.map((r) => r.marks[m]).filter((x) => x !== undefined))]));
  const loads = list.map((r) => r.loadAverage);
  console.log(`${name}, median of ${list.length}: ${Object.entries(medians[name]).map(([k, v]) => `${k} ${v}`).join(', ')}; ` +
    `load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`);
}
writeFileSync(args.json, `${JSON.stringify({ runs, medians }, null, 2)}\n`);

#!/usr/bin/env node
// The demo page's time from navigation to a filled table, over several loads: each load in
// a fresh headless Chromium profile (cold HTTP cache, as a first visit and as the e2e
// test), from the site as scripts/demo.sh assembles it. Prints the page's performance
// marks (ms after navigation) per load and their medians, with the load average, and the
// CPU time each load took (/proc, Linux): per Chromium process and, in the page's
// renderer, per thread (the page's thread, the scoring workers, the thread pool where V8
// compiles and Blink rasterises). The cores are shared by all of them: on a 2-core machine
// the time to a filled table is at least their sum over two.
//
//   node scripts/page-timing.mjs [--runs 5] [--against DIR] [--json out.json]
//
// --against DIR: another assembled site (e.g. main's: node scripts/build-site.mjs --out DIR
// in its checkout), loaded alternately with this one, so both see the same machine load.
// Needs the wasm build, the native CLI (the demo data) and Chromium (tests/e2e/site.mjs).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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

// Chromium's processes and the renderer's threads, by what they do (Linux thread names are
// cut to 15 characters; a renderer's main thread is named after the program).
const RENDERER_THREADS = [['page thread', /^chromium$/], ['workers', /^DedicatedWorker/], ['thread pool', /^ThreadPool/]];

/** CPU ms so far of every Chromium process not in `skip` (a Set of pids): { pid: { [what]: ms } }. */
function chromiumCpu(skip = new Set()) {
  const out = {};
  if (!existsSync('/proc/self/stat')) return out;
  const ticksMs = 10; // USER_HZ is 100 on Linux
  const read = (path) => {
    const stat = readFileSync(path, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ms: (Number(f[11]) + Number(f[12])) * ticksMs };
  };
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d) && !skip.has(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!/chromium/.test(cmd.split('\0')[0])) continue;
      const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
      if (type === 'zygote') continue;
      const by = {};
      if (type === 'renderer') {
        for (const tid of readdirSync(`/proc/${pid}/task`)) {
          const t = read(`/proc/${pid}/task/${tid}/stat`);
          const what = RENDERER_THREADS.find(([, re]) => re.test(t.name))?.[0] ?? 'renderer, other';
          by[what] = (by[what] ?? 0) + t.ms;
        }
      } else {
        by[type === 'utility' ? 'utility' : type] = read(`/proc/${pid}/stat`).ms;
      }
      out[pid] = by;
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** CPU ms between two chromiumCpu snapshots, summed by what ran. */
function cpuSpent(before, after) {
  const spent = {};
  for (const [pid, by] of Object.entries(after)) {
    for (const [what, ms] of Object.entries(by)) spent[what] = (spent[what] ?? 0) + ms - (before[pid]?.[what] ?? 0);
  }
  spent.total = Object.values(spent).reduce((a, b) => a + b, 0);
  return spent;
}

/** One load of `url` in a fresh profile: the page's shelfcast marks, and the CPU it took. */
async function load(url) {
  const others = new Set(Object.keys(chromiumCpu())); // Chromiums of other jobs: not counted
  const context = await launchBrowser();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const before = chromiumCpu(others);
    await page.goto(url);
    // CPU until the table is filled (polled each animation frame), before the page goes on
    // (the drift scenario runs after it).
    await page.waitForFunction(() => performance.getEntriesByName('shelfcast:table-filled').length > 0 ||
      document.body.dataset.state === 'failed', null, { timeout: 600_000 });
    const cpu = cpuSpent(before, chromiumCpu(others));
    await page.waitForSelector('body[data-state=ready], body[data-state=failed]', { timeout: 600_000 });
    if ((await page.getAttribute('body', 'data-state')) !== 'ready' || errors.length) {
      throw new Error(`${url} failed: ${await page.textContent('#error')} ${errors.join('; ')}`);
    }
    const marks = await page.evaluate(() => {
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
    return { marks, cpu };
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
      const { marks, cpu } = await load(`${site.server.url}/index.html`);
      runs[site.name].push({ marks, cpu, loadAverage });
      console.log(`${site.name} run ${r + 1}: ${Object.entries(marks).map(([k, v]) => `${k} ${v}`).join(', ')} (load average ${loadAverage.toFixed(2)})`);
      console.log(`  CPU ms until the table was filled: ${Object.entries(cpu).map(([k, v]) => `${k} ${v}`).join(', ')}`);
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
  const kinds = [...new Set(list.flatMap((r) => Object.keys(r.cpu)))];
  medians[name].cpu = Object.fromEntries(kinds.map((k) => [k, median(list.map((r) => r.cpu[k] ?? 0))]));
  const { cpu, ...markMedians } = medians[name];
  console.log(`${name}, median of ${list.length}: ${Object.entries(markMedians).map(([k, v]) => `${k} ${v}`).join(', ')}; ` +
    `load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`);
  console.log(`  CPU ms until the table was filled, medians: ${Object.entries(cpu).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
writeFileSync(args.json, `${JSON.stringify({ runs, medians }, null, 2)}\n`);
